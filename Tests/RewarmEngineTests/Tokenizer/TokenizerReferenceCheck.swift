import Foundation
import Testing
@testable import RewarmEngine

/// A reference file written by `scripts/tokenizer_reference.py`.
struct TokenizerReference: Decodable {
    struct Document: Decodable {
        let text: String
        let ids: [Int32]
    }
    struct Corpus: Decodable {
        let name: String
        let documents: [Document]
    }
    let tokenizerJSON: String
    /// When set (`--rewarm-gguf`), Rewarm's side is `BPETokenizer(gguf:)` of this file, and
    /// `tokenizerJSON` is what `rewarm tokenizer export` wrote from it.
    let rewarmGGUF: String?
    let tokenizersVersion: String
    let corpora: [Corpus]
    /// Oniguruma's `\s`, `\p{L}`, `\p{N}` as inclusive scalar ranges (with `--classes`).
    let classes: [String: [[UInt32]]]?

    enum CodingKeys: String, CodingKey {
        case tokenizerJSON = "tokenizer_json", rewarmGGUF = "rewarm_gguf", tokenizersVersion = "tokenizers_version"
        case corpora, classes
    }

    static func read(_ path: String) throws -> TokenizerReference {
        try JSONDecoder().decode(TokenizerReference.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The reference files named by REWARM_TOKENIZER_CHECK (colon-separated), or nil.
    static let checkFiles = ProcessInfo.processInfo.environment["REWARM_TOKENIZER_CHECK"]?
        .split(separator: ":").map(String.init)
}

/// The whole-corpus comparison `scripts/check-tokenizer` runs: for every reference file in
/// REWARM_TOKENIZER_CHECK (colon-separated), Rewarm's ids for every document must equal
/// `tokenizers`' ids. Prints one summary line per corpus (`tokenizer check: ...`) with Rewarm's
/// encoding speed (one `BPEEncoder` per corpus, its word cache warm after the first documents; a
/// debug test build, whose engine is compiled `-O` with its checks kept).
@Suite("Tokenizer: reference check", .enabled(if: TokenizerReference.checkFiles != nil, "set REWARM_TOKENIZER_CHECK (scripts/check-tokenizer)"))
struct TokenizerReferenceCheck {
    @Test("Every document of every reference corpus encodes to the ids tokenizers gives, and decodes back")
    func corpora() throws {
        for file in TokenizerReference.checkFiles ?? [] {
            let reference = try TokenizerReference.read(file)
            let fromJSON = try BPETokenizer.load(tokenizerJSON: reference.tokenizerJSON)
            var tokenizer = fromJSON
            if let gguf = reference.rewarmGGUF { tokenizer = try BPETokenizer.load(gguf: gguf) }
            #expect(tokenizer.fingerprint == fromJSON.fingerprint, "the GGUF's tokenizer and its tokenizer.json differ")
            let source = reference.rewarmGGUF.map { "GGUF " + ($0 as NSString).lastPathComponent + " vs its export" }
                ?? (reference.tokenizerJSON as NSString).deletingLastPathComponent
            var encoder = tokenizer.makeEncoder()
            for corpus in reference.corpora {
                var mismatches = 0
                var undecodable = 0
                var tokens = 0
                var bytes = 0
                var seconds = 0.0
                for (i, document) in corpus.documents.enumerated() {
                    let start = DispatchTime.now().uptimeNanoseconds
                    let ids = encoder.encode(document.text)
                    seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    tokens += ids.count
                    bytes += document.text.utf8.count
                    if ids != document.ids {
                        mismatches += 1
                        if mismatches <= 5 { Issue.record(Comment(rawValue: Self.describe(i, document, ids, tokenizer))) }
                    }
                    if tokenizer.decodeUTF8(ids, skipSpecialTokens: false) != Self.withTemplate(document.text, tokenizer) {
                        undecodable += 1
                    }
                }
                #expect(undecodable == 0, "\(corpus.name): \(undecodable) documents do not decode to their text")
                let speed = String(format: "%.1f MB/s", Double(bytes) / 1e6 / max(seconds, 1e-9))
                print("tokenizer check: \(source): \(corpus.name): \(corpus.documents.count) documents, "
                    + "\(bytes) bytes, \(tokens) tokens, \(mismatches) mismatches, \(undecodable) not decoding back, Rewarm \(speed)")
            }
        }
    }

    @Test("Rewarm's scalar classes equal Oniguruma's \\s, \\p{L} and \\p{N} on every Unicode scalar")
    func classes() throws {
        for file in TokenizerReference.checkFiles ?? [] {
            guard let classes = try TokenizerReference.read(file).classes else { continue }
            let checks: [(String, UInt8)] = [("whitespace", ScalarClass.whitespace), ("letter", ScalarClass.letter), ("number", ScalarClass.number)]
            for (name, bit) in checks {
                var expected = [Bool](repeating: false, count: 0x110000)
                for range in classes[name] ?? [] { for v in range[0]...range[1] { expected[Int(v)] = true } }
                var differing: [UInt32] = []
                for v in UInt32(0)..<0x110000 where (ScalarClass.of(v) & bit != 0) != expected[Int(v)] {
                    if (0xD800...0xDFFF).contains(v) { continue }
                    differing.append(v)
                }
                #expect(differing.isEmpty, "\(name): \(differing.count) scalars differ, first \(differing.prefix(10).map { String($0, radix: 16) })")
                print("tokenizer check: classes: \(name): \(differing.count) of 1112064 scalars differ from Oniguruma")
            }
        }
    }

    /// The bytes `decode` gives for a document: its text, with the template's tokens around it.
    static func withTemplate(_ text: String, _ t: BPETokenizer) -> [UInt8] {
        t.decodeUTF8(t.template.prefix) + Array(text.utf8) + t.decodeUTF8(t.template.suffix)
    }

    /// Where a document's ids first differ, with the tokens around it.
    static func describe(_ index: Int, _ document: TokenizerReference.Document, _ ids: [Int32], _ t: BPETokenizer) -> String {
        let first = zip(ids, document.ids).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(ids.count, document.ids.count)
        let window = max(0, first - 3)..<(first + 4)
        func show(_ s: [Int32]) -> String {
            s[min(window.lowerBound, s.count)..<min(window.upperBound, s.count)]
                .map { "\($0)\(JSONLiteral.string(t.token($0) ?? "?"))" }.joined(separator: " ")
        }
        return "document \(index) \(JSONLiteral.string(String(document.text.prefix(80)))): first difference at token \(first): "
            + "rewarm \(show(ids)) / tokenizers \(show(document.ids))"
    }
}
