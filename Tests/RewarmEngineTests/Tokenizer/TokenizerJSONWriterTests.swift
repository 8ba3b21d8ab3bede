import Foundation
import Testing
@testable import RewarmEngine

@Suite("Tokenizer: tokenizer.json writer")
struct TokenizerJSONWriterTests {
    /// `t` written as tokenizer.json + tokenizer_config.json and read back by Rewarm's loader.
    func roundTrip(_ t: BPETokenizer, modelMaxLength: Int? = nil) throws -> BPETokenizer {
        try BPETokenizer.parse(
            tokenizerJSON: BPETokenizer.jsonData(t.tokenizerJSONObject()), file: "w.json",
            config: BPETokenizer.jsonData(t.tokenizerConfigObject(modelMaxLength: modelMaxLength)),
            configFile: "wc.json")
    }

    static let texts = [
        "the the hell<think>1 2", "<|endoftext|>hello  world\n\n 42 ", "Grüße 👋🏽, 床前明月光", "", "  \t\r\n ",
        "He'll say: THE 12345 hells!",
    ]

    func expectSame(_ a: BPETokenizer, _ b: BPETokenizer) {
        #expect(a.fingerprint == b.fingerprint)
        for text in Self.texts {
            #expect(a.encode(text) == b.encode(text), "\(text.debugDescription)")
            #expect(b.decode(b.encode(text)) == a.decode(a.encode(text)))
        }
    }

    @Test("The tiny GGUF's tokenizer written as tokenizer.json and loaded back has the same fingerprint and ids")
    func ggufRoundTrip() throws {
        let t = try BPETokenizer.load(gguf: TinyTokenizerGGUF.path)
        expectSame(t, try roundTrip(t, modelMaxLength: 64))
        let config = t.tokenizerConfigObject(modelMaxLength: 64)
        #expect(config["bos_token"] as? String == "<|im_start|>")
        #expect(config["eos_token"] as? String == "<|endoftext|>")
        #expect(config["pad_token"] as? String == "<|endoftext|>")
        #expect(config["add_bos_token"] as? Bool == true)
        #expect(config["add_eos_token"] as? Bool == false)
        #expect(config["model_max_length"] as? Int == 64)
        #expect(config["tokenizer_class"] as? String == "PreTrainedTokenizerFast")
    }

    @Test("A tokenizer.json with tokens only in added_tokens and a template without roles round-trips")
    func tokenizerJSONRoundTrip() throws {
        let t = try BPETokenizer.parse(tokenizerJSON: TokenizerFixtures.tokenizerJSON())
        let back = try roundTrip(t)
        expectSame(t, back)
        #expect(back.template == SpecialTokenTemplate(prefix: [259]))
        // A template that is not `[bos] $A [eos]` stays in the post-processor.
        #expect(t.tokenizerConfigObject()["add_bos_token"] == nil)
    }

    @Test("The Llama 3 and Qwen2 pre-tokenizers, ignore_merges, an unknown token and EOS round-trip")
    func optionsRoundTrip() throws {
        for pre in [PreTokenizer.llama3, .qwen2, .gpt2, .smolLM] {
            let t = try TokenizerFixtures.tokenizer(
                merges: [("h", "e"), ("l", "l"), ("he", "ll")],
                addedTokens: [AddedToken(id: 259, content: "<s>", special: true, singleWord: true, leftStrip: true)],
                preTokenizer: pre, template: .bosEOS(addBOS: true, bos: 259, addEOS: true, eos: 97),
                specialTokens: SpecialTokenIDs(bos: 259, eos: 97),
                options: BPEModelOptions(unknownTokenID: 63, fuseUnknown: true, ignoreMerges: pre == .llama3))
            expectSame(t, try roundTrip(t))
        }
    }

    @Test("writeHuggingFace writes a folder that load(tokenizerJSON:) and TextTokenizer.load(model:) read back")
    func folder() throws {
        let dir = DataFixtureFolder()
        defer { dir.remove() }
        let t = try BPETokenizer.load(gguf: TinyTokenizerGGUF.path)
        try t.writeHuggingFace(folder: dir.path + "/hf", modelMaxLength: 64)
        let back = try BPETokenizer.load(tokenizerJSON: dir.path + "/hf/tokenizer.json")
        #expect(back.fingerprint == t.fingerprint)
        guard case .bpe(let loaded) = try TextTokenizer.load(model: dir.path + "/hf") else {
            Issue.record("not a BPE")
            return
        }
        #expect(loaded.fingerprint == t.fingerprint)
        #expect(throws: TokenizerError.self) { try t.writeHuggingFace(folder: "/proc/rewarm-cannot-write") }
    }
}
