import Foundation
import Testing
@testable import RewarmEngine

/// Inputs on which `scripts/fuzz tokenizer` once crashed a tokenizer reader, rebuilt by hand and
/// kept.
@Suite("Tokenizer: fuzz regressions")
struct TokenizerFuzzRegressionTests {
    /// Found 2026-12-05 after about 950,000 inputs (ASan: out of memory, 30 GB asked for): a
    /// `tokenizer.json` whose vocabulary held the id 1866666660 made the reader reserve room for
    /// 1866666661 tokens before it looked for the holes below that id.
    @Test("A vocabulary id far above the vocabulary's size is refused as a hole, without allocating for it")
    func hugeVocabularyID() {
        let data = TokenizerFixtures.tokenizerJSON {
            TokenizerFixtures.set(&$0, ["model", "vocab", "hell"], 1866666660)
        }
        #expect(throws: TokenizerError.badID(
            file: "t.json", field: "model.vocab", id: 258, reason: "no token has this id, but id 1866666660 is used")
        ) {
            try BPETokenizer.parse(tokenizerJSON: data, file: "t.json")
        }
    }

    /// The same with the largest id a vocabulary may hold, and with an added token that far out.
    @Test("The largest Int32 id in the vocabulary or in added_tokens is refused in one line")
    func largestIDs() {
        let vocab = TokenizerFixtures.tokenizerJSON {
            TokenizerFixtures.set(&$0, ["model", "vocab", "hell"], 2147483647)
        }
        #expect(throws: TokenizerError.self) { try BPETokenizer.parse(tokenizerJSON: vocab, file: "t.json") }
        let added = TokenizerFixtures.tokenizerJSON { root in
            var tokens = root["added_tokens"] as! [[String: Any]]
            tokens[1]["id"] = 2147483647
            root["added_tokens"] = tokens
        }
        #expect(throws: TokenizerError.self) { try BPETokenizer.parse(tokenizerJSON: added, file: "t.json") }
    }
}
