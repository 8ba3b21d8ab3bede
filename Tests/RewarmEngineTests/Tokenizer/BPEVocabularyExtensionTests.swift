import Foundation
import Testing
@testable import RewarmEngine

/// Extending a byte-level BPE tokenizer with tokens trained on a new corpus
/// (`BPEVocabularyExtension`, Chinese-LLaMA's step 1), on a tokenizer built in the test.
@Suite("Tokenizer: vocabulary extension")
struct BPEVocabularyExtensionTests {
    /// A byte vocabulary with English merges ("t h", "th e", "Ġ th", ...).
    static func base() throws -> BPETokenizer {
        try TokenizerFixtures.tokenizer(merges: [
            ("t", "h"), ("th", "e"), ("Ġ", "th"), ("Ġth", "e"), ("Ġ", "a"), ("i", "s"), ("Ġ", "is"),
        ])
    }

    static let chinese = [
        "床前明月光，疑是地上霜。", "举头望明月，低头思故乡。", "明月几时有？把酒问青天。", "月是故乡明。",
        "海上生明月，天涯共此时。", "春眠不觉晓，处处闻啼鸟。",
    ]
    static let english = ["the cat is on the mat", "this is the thing", "a theme is a thesis"]

    static func documents(_ texts: [String]) -> [ArraySlice<UInt8>] { texts.map { Array($0.utf8)[...] } }

    @Test("new tokens get the ids after the base's, their merges rank after the base's, and the base's ids stay")
    func idsAndMerges() throws {
        let base = try Self.base()
        let result = try BPEVocabularyExtension.train(base: base, documents: Self.documents(Self.chinese), newTokens: 20)
        let t = result.tokenizer
        #expect(result.merges.count == 20)
        #expect(t.vocabularySize == base.vocabularySize + 20)
        #expect(Array(t.mergeList.prefix(base.mergeList.count)) == base.mergeList)
        #expect(Array(t.mergeList.suffix(20)) == result.merges)
        for id in 0..<Int32(base.vocabularySize) { #expect(t.token(id) == base.token(id)) }
        // English text holds none of the new pairs: the same ids as the base's.
        for text in Self.english { #expect(t.encode(text) == base.encode(text), "\(text)") }
    }

    @Test("the extended tokenizer needs fewer tokens per byte on the corpus it learned from and decodes losslessly")
    func fewerTokens() throws {
        let base = try Self.base()
        let t = try BPEVocabularyExtension.train(base: base, documents: Self.documents(Self.chinese), newTokens: 40).tokenizer
        let before = Self.chinese.reduce(0) { $0 + base.encode($1).count }
        let after = Self.chinese.reduce(0) { $0 + t.encode($1).count }
        // "明月" appears 5 times: its 6 bytes merge into one token (or two).
        #expect(Double(before) / Double(after) > 1.5, "\(before) -> \(after) tokens")
        for text in Self.chinese + Self.english + ["月光 the 明 ♥"] { #expect(t.decode(t.encode(text)) == text) }
    }

    @Test("the most frequent pair is merged first, ties by spelling; a pair whose token the base has is skipped")
    func order() throws {
        // Words as the base merges them: "ab" x1, "Ġa b" x2 (the base has "Ġa"), "Ġ c d" x3, "Ġ x y" x2,
        // "Ġth" x4 (a base token: no pair). (Ġ, c) and (c, d) occur 3 times, "c" sorts before "Ġ";
        // then (Ġ, cd) 3 times; then (Ġa, b), (Ġ, x), (x, y) twice each, in spelling order x < Ġ < Ġa.
        let base = try Self.base()
        let text = ["ab ab ab cd cd cd xy xy th th th th"]
        let result = try BPEVocabularyExtension.train(base: base, documents: Self.documents(text), newTokens: 5)
        #expect(result.merges == [BPEMerge("c", "d"), BPEMerge("Ġ", "cd"), BPEMerge("x", "y"),
                                  BPEMerge("Ġ", "xy"), BPEMerge("Ġa", "b")])
        #expect(result.words == 12 && result.distinctWords == 5)
        // A pair whose spelling the base already has is never added: this base holds "ab" with no merge
        // to it, so (a, b) (3 times) is skipped; (Ġ, a) (twice) is merged, then (Ġa, b) (twice).
        let withAB = try BPETokenizer(tokens: TokenizerFixtures.byteTokens + ["ab"], merges: [], preTokenizer: .gpt2)
        let skipped = try BPEVocabularyExtension.train(base: withAB, documents: Self.documents(["ab ab ab"]), newTokens: 3)
        #expect(skipped.merges == [BPEMerge("Ġ", "a"), BPEMerge("Ġa", "b")], "\(skipped.merges)")
    }

    @Test("training stops when no pair occurs twice, and is deterministic")
    func stopsAndRepeats() throws {
        let base = try Self.base()
        let once = try BPEVocabularyExtension.train(base: base, documents: Self.documents(["qz"]), newTokens: 10)
        #expect(once.merges.isEmpty && once.tokenizer.vocabularySize == base.vocabularySize)
        let a = try BPEVocabularyExtension.train(base: base, documents: Self.documents(Self.chinese), newTokens: 30)
        let b = try BPEVocabularyExtension.train(base: base, documents: Self.documents(Self.chinese), newTokens: 30)
        #expect(a.merges == b.merges && a.tokenizer.fingerprint == b.tokenizer.fingerprint)
    }
}
