import Foundation
import Testing
@testable import RewarmEngine

/// `Tests/Fixtures/tokenizer/tiny-tokenizer.gguf`, written by gguf-py
/// (`scripts/make_tokenizer_gguf_fixture.py` lists its tokens and merges).
enum TinyTokenizerGGUF {
    static let repo = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let path = repo.appendingPathComponent("Tests/Fixtures/tokenizer/tiny-tokenizer.gguf").path

    /// The fixture's metadata, for tests that change one entry and write the file again.
    static func metadata() throws -> [(String, GGUFValue)] {
        let file = try GGUFFile(contentsOf: URL(fileURLWithPath: path))
        return file.metadataKeys.map { ($0, file.metadata[$0]!) }
    }

    /// The fixture with `key` set to `value` (removed when nil), opened as "bad.gguf".
    static func edited(_ key: String, _ value: GGUFValue?) throws -> GGUFFile {
        try edited([(key, value)])
    }

    static func edited(_ changes: [(String, GGUFValue?)]) throws -> GGUFFile {
        var entries = try metadata().filter { entry in !changes.contains { $0.0 == entry.0 } }
        for case let (key, value?) in changes { entries.append((key, value)) }
        return try GGUFFile(bytes: ggufFile(metadata: entries), path: "bad.gguf")
    }
}

@Suite("Tokenizer: GGUF metadata")
struct BPETokenizerGGUFTests {
    @Test("The tiny GGUF's tokenizer has its tokens, merges, typed added tokens, roles, template and pre-tokenizer")
    func adapter() throws {
        let t = try BPETokenizer.load(gguf: TinyTokenizerGGUF.path)
        #expect(t.vocabularySize == 264)
        #expect(t.mergeList == [BPEMerge("Ġ", "t"), BPEMerge("h", "e"), BPEMerge("Ġt", "he"), BPEMerge("l", "l"),
                                BPEMerge("he", "ll")])
        #expect(t.addedTokens == [
            AddedToken(id: 261, content: "<|endoftext|>", special: true, normalized: false),
            AddedToken(id: 262, content: "<|im_start|>", special: true, normalized: false),
            AddedToken(id: 263, content: "<think>", special: false, normalized: false),
        ])
        #expect(t.specialTokens == SpecialTokenIDs(bos: 262, eos: 261, pad: 261))
        #expect(t.template == SpecialTokenTemplate(prefix: [262]))
        #expect(t.preTokenizer == .smolLM)
        #expect(!t.options.ignoreMerges)
        #expect(t.origin == .gguf(TinyTokenizerGGUF.path))
    }

    @Test("The tiny GGUF's tokenizer encodes with BOS, merges in rank order, splits digits and decodes back")
    func encodes() throws {
        let t = try BPETokenizer.load(gguf: TinyTokenizerGGUF.path)
        let text = "the the hell<think>1 2"
        let ids = t.encode(text)
        #expect(ids == [262, 116, 257, 258, 32, 260, 263, 49, 32, 50])
        #expect(t.decode(ids) == "<|im_start|>" + text)
        #expect(t.decode(ids, skipSpecialTokens: true) == text)
        #expect(BPETokenizer.contextLength(gguf: TinyTokenizerGGUF.path) == 64)
    }

    @Test("A llama3-family pre value sets ignoreMerges, and TextTokenizer.load(model:) reads a GGUF")
    func llama3() throws {
        let t = try BPETokenizer(gguf: TinyTokenizerGGUF.edited("tokenizer.ggml.pre", .string("llama-bpe")))
        #expect(t.preTokenizer == .llama3)
        #expect(t.options.ignoreMerges)
        guard case .bpe(let loaded) = try TextTokenizer.load(model: TinyTokenizerGGUF.path) else {
            Issue.record("not a BPE")
            return
        }
        let direct = try BPETokenizer.load(gguf: TinyTokenizerGGUF.path)
        #expect(loaded.fingerprint == direct.fingerprint)
    }

    /// The error building the fixture with `key` changed throws, after checking it is one line naming the file.
    func refusal(_ key: String, _ value: GGUFValue?) -> TokenizerError? {
        guard let file = try? TinyTokenizerGGUF.edited(key, value) else {
            Issue.record("cannot write the fixture with \(key) changed")
            return nil
        }
        do {
            _ = try BPETokenizer(gguf: file)
            return nil
        } catch {
            #expect(!error.description.contains("\n"))
            #expect(error.description.hasPrefix("bad.gguf: "), "\(error.description)")
            return error
        }
    }

    @Test("A model other than gpt2, or none, is refused naming tokenizer.ggml.model")
    func model() throws {
        #expect(refusal("tokenizer.ggml.model", .string("llama"))
            == .unknownModelType(file: "bad.gguf", field: "tokenizer.ggml.model", type: "llama"))
        #expect(refusal("tokenizer.ggml.model", nil) == .missingField(file: "bad.gguf", field: "tokenizer.ggml.model"))
    }

    @Test("Missing or mistyped tokens are refused naming tokenizer.ggml.tokens")
    func tokens() throws {
        #expect(refusal("tokenizer.ggml.tokens", nil)
            == .missingField(file: "bad.gguf", field: "tokenizer.ggml.tokens"))
        #expect(refusal("tokenizer.ggml.tokens", .array(elementType: .uint8, [.uint8(1)]))
            == .wrongType(
                file: "bad.gguf", field: "tokenizer.ggml.tokens", expected: "ARRAY[STRING], found ARRAY[UINT8]"))
        let file = try TinyTokenizerGGUF.edited([
            ("tokenizer.ggml.tokens", .array(elementType: .string, [.string("a"), .string("a")])),
            ("tokenizer.ggml.token_type", nil), ("tokenizer.ggml.merges", .array(elementType: .string, [])),
            ("tokenizer.ggml.bos_token_id", nil), ("tokenizer.ggml.eos_token_id", nil),
            ("tokenizer.ggml.padding_token_id", nil),
        ])
        let duplicate = TokenizerError.duplicateToken(
            file: "bad.gguf", field: "tokenizer.ggml.tokens", token: "a", ids: [0, 1])
        #expect(throws: duplicate) {
            try BPETokenizer(gguf: file)
        }
    }

    @Test("A merge without exactly one space, or of unknown tokens, is refused naming its index")
    func merges() throws {
        #expect(refusal("tokenizer.ggml.merges", .array(elementType: .string, [.string("Ġ t"), .string("he")]))
            == .malformedMerge(file: "bad.gguf", field: "tokenizer.ggml.merges[1]", merge: "he"))
        #expect(refusal("tokenizer.ggml.merges", .array(elementType: .string, [.string("h  e")]))
            == .malformedMerge(file: "bad.gguf", field: "tokenizer.ggml.merges[0]", merge: "h  e"))
        #expect(refusal("tokenizer.ggml.merges", .array(elementType: .string, [.string("x yz")]))
            == .mergeTokenNotInVocabulary(file: "bad.gguf", field: "tokenizer.ggml.merges[0]", token: "yz"))
        #expect(refusal("tokenizer.ggml.merges", nil)
            == .missingField(file: "bad.gguf", field: "tokenizer.ggml.merges"))
    }

    @Test("Role ids outside the vocabulary, or not integers, are refused naming the field")
    func roles() throws {
        #expect(refusal("tokenizer.ggml.bos_token_id", .uint32(264))
            == .badID(file: "bad.gguf", field: "tokenizer.ggml.bos_token_id", id: 264, reason: "outside 0..<264"))
        #expect(refusal("tokenizer.ggml.eos_token_id", .int32(-1))
            == .badID(file: "bad.gguf", field: "tokenizer.ggml.eos_token_id", id: -1, reason: "outside 0..<264"))
        #expect(refusal("tokenizer.ggml.padding_token_id", .string("2"))
            == .wrongType(
                file: "bad.gguf", field: "tokenizer.ggml.padding_token_id", expected: "an integer, found STRING"))
        #expect(refusal("tokenizer.ggml.add_bos_token", .uint8(1))
            == .wrongType(file: "bad.gguf", field: "tokenizer.ggml.add_bos_token", expected: "BOOL, found UINT8"))
    }

    @Test("A token_type array of the wrong length is refused")
    func tokenTypes() throws {
        #expect(refusal("tokenizer.ggml.token_type", .array(elementType: .int32, [.int32(1)]))
            == .wrongType(file: "bad.gguf", field: "tokenizer.ggml.token_type",
                          expected: "one type per token (264), found 1"))
    }

    @Test("An unknown or missing pre value is refused naming tokenizer.ggml.pre")
    func pre() throws {
        guard case .unsupported(file: "bad.gguf", field: "tokenizer.ggml.pre", value: "tekken", _)? =
            refusal("tokenizer.ggml.pre", .string("tekken"))
        else {
            Issue.record("tekken accepted")
            return
        }
        #expect(refusal("tokenizer.ggml.pre", nil) == .missingField(file: "bad.gguf", field: "tokenizer.ggml.pre"))
    }

    @Test("A file that is not GGUF is unreadable, in one line naming it")
    func notGGUF() {
        #expect(throws: TokenizerError.unreadable(file: "/nonexistent.gguf", reason: "no such file")) {
            try BPETokenizer.load(gguf: "/nonexistent.gguf")
        }
    }
}

/// The real SmolLM2-135M-Instruct GGUF (`scripts/fetch-model` puts it in `<repo>/models/`).
enum SmolLM2GGUF {
    static let path = TinyTokenizerGGUF.repo
        .appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    static let present = FileManager.default.fileExists(atPath: path)
}

@Suite(
    "Tokenizer: SmolLM2 GGUF metadata",
    .enabled(if: SmolLM2GGUF.present, "models/ lacks the SmolLM2 GGUF (scripts/fetch-model)"))
struct SmolLM2GGUFTokenizerTests {
    @Test("SmolLM2's GGUF gives 49152 ids, its roles, no BOS, split digits, and survives a tokenizer.json round trip")
    func smolLM2() throws {
        let t = try BPETokenizer.load(gguf: SmolLM2GGUF.path)
        #expect(t.vocabularySize == 49152)
        #expect(t.mergeList.count == 48900)
        #expect(t.specialTokens == SpecialTokenIDs(bos: 1, eos: 2, pad: 2))
        #expect(!t.addsBOS && !t.addsEOS)
        #expect(t.preTokenizer == .smolLM)
        #expect(t.addedTokens.count == 17 && t.addedTokens.allSatisfy(\.special))
        #expect(t.encode("The capital of France is") == [504, 3575, 282, 4649, 314])
        #expect(t.encode(" 42<|im_end|>") == [216, 36, 34, 2])
        let back = try BPETokenizer.parse(
            tokenizerJSON: BPETokenizer.jsonData(t.tokenizerJSONObject()),
            config: BPETokenizer.jsonData(t.tokenizerConfigObject(modelMaxLength: 8192)))
        #expect(back.fingerprint == t.fingerprint)
        #expect(BPETokenizer.contextLength(gguf: SmolLM2GGUF.path) == 8192)
    }
}
