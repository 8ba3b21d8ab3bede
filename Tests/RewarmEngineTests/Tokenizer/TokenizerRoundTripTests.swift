import Foundation
import Testing
@testable import RewarmEngine

@Suite("Tokenizer: decoding, added tokens, BOS and EOS")
struct TokenizerRoundTripTests {
    static let texts = [
        "The quick brown fox jumps over the lazy dog. It's 3:45 p.m., isn't it?\n\n  Indented line\twith tab  ",
        "床前明月光，疑是地上霜。举头望明月，低头思故乡。",
        "Family: 👨‍👩‍👧‍👦, flag 🇩🇪, skin 👋🏽, keycap 1️⃣ and é (e + U+0301)",
        "Digits: 12,345.678 ٣٤٥ ²³ Ⅻ 一二三 0x1F and ١٢٣٤٥٦٧",
        "Controls \u{0}\u{7}\u{1B}[31mred\u{1B}[0m\r\n NBSP\u{A0}here \u{2028} end\u{7F}",
        "Grüße aus Köln: Straße, Maß, „Anführung“ – ça va? Ελληνικά Русский עברית العربية",
    ]

    @Test("Decoding the encoding gives back the exact UTF-8 bytes, for every pre-tokenizer")
    func roundTrip() throws {
        let merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("e", "r"), ("å", "º"), ("ä", "½")]
        for pre in [PreTokenizer.gpt2, .smolLM, .llama3, .qwen2] {
            let t = try TokenizerFixtures.tokenizer(merges: merges, preTokenizer: pre)
            var encoder = t.makeEncoder()
            for text in Self.texts {
                let ids = encoder.encode(text)
                #expect(t.decodeUTF8(ids) == Array(text.utf8), "\(pre.steps): \(text.debugDescription)")
                #expect(ids.allSatisfy { $0 >= 0 && Int($0) < t.vocabularySize })
            }
        }
    }

    @Test("A repeated text encodes the same from the word cache as the first time")
    func cacheHits() throws {
        let t = try TokenizerFixtures.tokenizer(merges: [("Ġ", "t"), ("h", "e"), ("Ġt", "he")])
        var encoder = t.makeEncoder()
        let first = Self.texts.map { encoder.encode($0) }
        let cached = encoder.cachedWordCount
        #expect(cached > 0)
        let again = Self.texts.map { encoder.encode($0) }
        #expect(again == first)
        #expect(encoder.cachedWordCount == cached, "no new words the second time")
        #expect(Self.texts.map { t.encode($0) } == first, "a fresh encoder agrees")
    }

    /// Pinned from `tokenizers` 0.22.1 with the same vocabulary and added tokens
    /// (`Tokenizer.from_str(...).encode(text).ids`): `<mask>` 256 lstrip, `[X]` 257 single_word,
    /// `<r>` 258 rstrip, `<|im` 259 normalized and not special, `<|im_start|>` 260, `ab` 261
    /// normalized and not special, `b<` 262.
    @Test("Added tokens match as tokenizers matches them: leftmost then longest, raw before normalized, strip and single-word")
    func addedTokens() throws {
        let added = [
            AddedToken(id: 256, content: "<mask>", special: true, normalized: false, leftStrip: true),
            AddedToken(id: 257, content: "[X]", special: true, normalized: false, singleWord: true),
            AddedToken(id: 258, content: "<r>", special: true, normalized: false, rightStrip: true),
            AddedToken(id: 259, content: "<|im", special: false, normalized: true),
            AddedToken(id: 260, content: "<|im_start|>", special: true, normalized: false),
            AddedToken(id: 261, content: "ab", special: false, normalized: true),
            AddedToken(id: 262, content: "b<", special: true, normalized: false),
        ]
        let t = try TokenizerFixtures.tokenizer(addedTokens: added)
        #expect(t.encode("hello <mask> world") == [104, 101, 108, 108, 111, 256, 32, 119, 111, 114, 108, 100])
        #expect(t.encode("  <mask>") == [256])
        #expect(t.encode("a[X]b [X] c [X]") == [97, 91, 88, 93, 98, 32, 257, 32, 99, 32, 257])
        #expect(t.encode("x<r>   y") == [120, 258, 121])
        #expect(t.encode("<|im_start|>x<|im") == [260, 120, 259])
        #expect(t.encode("cab<|im_start|>") == [99, 97, 262, 124, 105, 109, 95, 115, 116, 97, 114, 116, 124, 62])
        #expect(t.encode("ab<r>") == [97, 262, 114, 62])
        #expect(t.decode([260, 120, 259]) == "<|im_start|>x<|im")
        #expect(t.decode([260, 120, 259], skipSpecialTokens: true) == "x<|im", "<|im is not special")
    }

    @Test("Special tokens decode as their text, a space inside one included")
    func specialTokenText() throws {
        let added = [
            AddedToken(id: 256, content: "<|endoftext|>", special: true),
            AddedToken(id: 257, content: "<|fim prefix|>", special: true),
        ]
        let t = try TokenizerFixtures.tokenizer(addedTokens: added)
        let text = "a<|endoftext|>b <|fim prefix|>c"
        let ids = t.encode(text)
        #expect(ids == [97, 256, 98, 32, 257, 99])
        #expect(t.decode(ids) == text)
        #expect(t.decode(ids, skipSpecialTokens: true) == "ab c")
        #expect(t.id(of: "<|endoftext|>") == 256 && t.token(257) == "<|fim prefix|>")
    }

    @Test("The template adds BOS and EOS around encode, and a training document ends with EOS only")
    func bosAndEOS() throws {
        let added = [AddedToken(id: 256, content: "<s>", special: true), AddedToken(id: 257, content: "</s>", special: true)]
        let roles = SpecialTokenIDs(bos: 256, eos: 257)
        let withBOS = try TokenizerFixtures.tokenizer(
            addedTokens: added, template: .bosEOS(addBOS: true, bos: 256, addEOS: false, eos: 257), specialTokens: roles)
        #expect(withBOS.addsBOS && !withBOS.addsEOS)
        #expect(withBOS.encode("hi") == [256, 104, 105])
        #expect(withBOS.encode("hi", addSpecialTokens: false) == [104, 105])
        var encoder = withBOS.makeEncoder()
        #expect(encoder.encodeDocument(Array("hi".utf8)) == [104, 105, 257])
        #expect(encoder.encodeDocument(Array("hi".utf8), separator: 256) == [104, 105, 256])
        let plain = try TokenizerFixtures.tokenizer(addedTokens: added, specialTokens: roles)
        #expect(!plain.addsBOS && plain.encode("hi") == [104, 105])
        // A document holding the EOS text gives the EOS id, as LLaMA-Factory's text + eos_token does.
        var plainEncoder = plain.makeEncoder()
        #expect(plainEncoder.encodeDocument(Array("a</s>".utf8)) == [97, 257, 257])
    }

    @Test("A tokenizer.json with a template, added tokens and a tokenizer_config.json loads with its roles")
    func loadFolder() throws {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        let path = folder.write("tokenizer.json", bytes: [UInt8](TokenizerFixtures.tokenizerJSON()))
        let t = try BPETokenizer.load(tokenizerJSON: path)
        #expect(t.vocabularySize == 261 && t.origin.file == path)
        #expect(t.encode("hello<think>") == [259, 258, 111, 260], "<|endoftext|> $A, hell o, <think>")
        #expect(t.specialTokens == SpecialTokenIDs())
        folder.write("tokenizer_config.json", #"{"bos_token": "<|endoftext|>", "eos_token": {"content": "<|endoftext|>"}, "add_bos_token": false}"#)
        let configured = try BPETokenizer.load(tokenizerJSON: path)
        #expect(configured.specialTokens == SpecialTokenIDs(bos: 259, eos: 259))
        #expect(configured.encode("hello") == [258, 111], "add_bos_token false replaces the template")
        #expect(configured.decode([259, 258, 111, 260], skipSpecialTokens: true) == "hello<think>")
    }
}
