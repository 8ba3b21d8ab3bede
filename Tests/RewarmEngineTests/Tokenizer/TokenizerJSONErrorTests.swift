import Foundation
import Testing
@testable import RewarmEngine

@Suite("Tokenizer: tokenizer.json errors")
struct TokenizerJSONErrorTests {
    /// The error loading `data` throws (nil if it loads), after checking its description is one
    /// line that names the file.
    func error(_ data: Data, config: Data? = nil) -> TokenizerError? {
        do {
            _ = try BPETokenizer.parse(tokenizerJSON: data, file: "t.json", config: config, configFile: "c.json")
            return nil
        } catch {
            #expect(!error.description.contains("\n"), "multi-line: \(error.description)")
            #expect(error.description.hasPrefix("t.json: ") || error.description.hasPrefix("c.json: "), "\(error.description)")
            return error
        }
    }

    func edited(_ path: [String], _ value: Any?) -> Data {
        TokenizerFixtures.tokenizerJSON { TokenizerFixtures.set(&$0, path, value) }
    }

    @Test("The fixture itself loads, so every error below comes from its one change")
    func fixtureLoads() {
        #expect(error(TokenizerFixtures.tokenizerJSON()) == nil)
    }

    @Test("Text that is not JSON, or JSON that is not an object, is malformed")
    func malformed() {
        guard case .malformedJSON(file: "t.json", _)? = error(Data("{\"model\": ".utf8)) else {
            Issue.record("truncated JSON")
            return
        }
        #expect(error(Data("[1, 2]".utf8)) == .malformedJSON(file: "t.json", reason: "the top level is not an object"))
    }

    @Test("A missing model, or a model that is not BPE, is named")
    func modelType() {
        #expect(error(edited(["model"], nil)) == .missingField(file: "t.json", field: "model"))
        let wordPiece = error(edited(["model", "type"], "WordPiece"))
        #expect(wordPiece == .unknownModelType(file: "t.json", field: "model.type", type: "WordPiece"))
        #expect(wordPiece?.description == "t.json: model.type = WordPiece: not a byte-level BPE model (expected BPE)")
    }

    @Test("Unsupported normalizer, pre-tokenizer, split regex, decoder, post-processor and byte fallback are named")
    func unsupported() {
        func field(_ e: TokenizerError?) -> String? {
            if case let .unsupported(_, field, _, _)? = e { return field }
            return nil
        }
        #expect(field(error(edited(["normalizer"], ["type": "NFC"]))) == "normalizer.type")
        #expect(field(error(edited(["pre_tokenizer"], ["type": "Whitespace"]))) == "pre_tokenizer.type")
        #expect(field(error(edited(["pre_tokenizer"], NSNull()))) == "pre_tokenizer")
        let split: [String: Any] = ["type": "Sequence", "pretokenizers": [
            ["type": "Split", "pattern": ["Regex": "\\s+"], "behavior": "Isolated", "invert": false],
            ["type": "ByteLevel", "add_prefix_space": false, "use_regex": false],
        ]]
        #expect(field(error(edited(["pre_tokenizer"], split))) == "pre_tokenizer.pretokenizers[0].pattern.Regex")
        let byteLevelFirst: [String: Any] = ["type": "Sequence", "pretokenizers": [
            ["type": "ByteLevel", "add_prefix_space": false], ["type": "Digits", "individual_digits": true],
        ]]
        #expect(field(error(edited(["pre_tokenizer"], byteLevelFirst))) == "pre_tokenizer")
        #expect(field(error(edited(["decoder"], ["type": "Metaspace"]))) == "decoder.type")
        #expect(field(error(edited(["post_processor"], ["type": "RobertaProcessing"]))) == "post_processor.type")
        let fallback = error(edited(["model", "byte_fallback"], true))
        #expect(field(fallback) == "model.byte_fallback")
        #expect(fallback?.description.contains("Llama 2") == true)
        #expect(field(error(edited(["model", "dropout"], 0.1))) == "model.dropout")
    }

    @Test("A merge naming a token not in the vocabulary, or not two tokens, names the merge")
    func merges() {
        let unknown = error(edited(["model", "merges"], ["h e", "x yz"]))
        #expect(unknown == .mergeTokenNotInVocabulary(file: "t.json", field: "model.merges[1]", token: "yz"))
        #expect(unknown?.description == #"t.json: model.merges[1]: token "yz" is not in the vocabulary"#)
        #expect(error(edited(["model", "merges"], ["h e", "a b"])) == .mergeTokenNotInVocabulary(
            file: "t.json", field: "model.merges[1]", token: "ab"), "the merged token must exist too")
        #expect(error(edited(["model", "merges"], ["h e l"])) == .malformedMerge(file: "t.json", field: "model.merges[0]", merge: "h e l"))
        #expect(error(edited(["model", "merges"], [["h"]])) == .malformedMerge(file: "t.json", field: "model.merges[0]", merge: "[\"h\"]"))
    }

    @Test("Duplicate ids, holes in the ids and ids of the wrong type are named")
    func ids() {
        var vocab = (0..<256).reduce(into: [String: Any]()) { $0[TokenizerFixtures.byteTokens[$1]] = $1 }
        vocab["he"] = 256
        vocab["ll"] = 256
        vocab["hell"] = 258
        #expect(error(edited(["model", "vocab"], vocab)) == .duplicateID(
            file: "t.json", field: "model.vocab", id: 256, tokens: ["he", "ll"]))
        vocab["ll"] = 257
        vocab["hell"] = 300
        guard case .badID(file: "t.json", field: "model.vocab", id: 258, _)? = error(edited(["model", "vocab"], vocab)) else {
            Issue.record("a hole at 258")
            return
        }
        vocab["hell"] = "258"
        #expect(error(edited(["model", "vocab"], vocab)) == .wrongType(
            file: "t.json", field: #"model.vocab."hell""#, expected: "an integer"))
        let clash = TokenizerFixtures.tokenizerJSON { root in
            var added = root["added_tokens"] as! [[String: Any]]
            added[1]["id"] = 104  // "h"
            root["added_tokens"] = added
        }
        #expect(error(clash) == .duplicateID(file: "t.json", field: "added_tokens[1]", id: 104, tokens: ["h", "<think>"]))
    }

    @Test("A role in tokenizer_config.json naming an unknown token names the config file and the field")
    func unknownRole() {
        let config = Data(#"{"eos_token": "</s>"}"#.utf8)
        #expect(error(TokenizerFixtures.tokenizerJSON(), config: config) == .unknownToken(
            file: "c.json", field: "eos_token", token: "</s>"))
    }

    @Test("An unreadable file is named")
    func unreadable() {
        do {
            _ = try BPETokenizer.load(tokenizerJSON: "/nonexistent/rewarm/tokenizer.json")
            Issue.record("loaded a missing file")
        } catch {
            guard case .unreadable(file: "/nonexistent/rewarm/tokenizer.json", _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("A GGUF pre-tokenizer name maps to its tokenizer.json configuration, or is refused")
    func ggufPre() throws {
        #expect(try PreTokenizer.gguf(pre: "smollm", file: "m.gguf") == .smolLM)
        #expect(try PreTokenizer.gguf(pre: "llama-bpe", file: "m.gguf") == .llama3)
        #expect(try PreTokenizer.gguf(pre: "gpt-2", file: "m.gguf") == .gpt2)
        #expect(throws: TokenizerError.missingField(file: "m.gguf", field: "tokenizer.ggml.pre")) {
            try PreTokenizer.gguf(pre: nil, file: "m.gguf")
        }
        do {
            _ = try PreTokenizer.gguf(pre: "tekken", file: "m.gguf")
            Issue.record("tekken accepted")
        } catch {
            #expect(error.description.hasPrefix("m.gguf: tokenizer.ggml.pre = tekken: not supported"))
        }
    }
}
