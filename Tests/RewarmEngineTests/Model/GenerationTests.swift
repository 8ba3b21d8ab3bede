import Foundation
import Testing
@testable import RewarmEngine

@Suite struct UTF8StreamDecoderTests {
    @Test("well-formed text fed byte by byte comes out whole, each piece a complete character")
    func wholeCharacters() {
        let text = "aé世𝄞 b\n\u{7F}ü"
        var decoder = UTF8StreamDecoder()
        var pieces: [String] = []
        for byte in text.utf8 {
            let piece = decoder.push(byte)
            if !piece.isEmpty { pieces.append(piece) }
        }
        #expect(pieces.joined() == text)
        #expect(pieces.allSatisfy { $0.count == 1 })
        #expect(pieces.count == text.count)
        #expect(!decoder.isInsideCharacter)
    }

    @Test("a character cut at the end is never shown; one cut by another byte becomes U+FFFD")
    func cutCharacters() {
        var decoder = UTF8StreamDecoder()
        #expect(decoder.push(0xE4) == "")
        #expect(decoder.push(0xB8) == "")
        #expect(decoder.isInsideCharacter)
        #expect(decoder.push(UInt8(ascii: "x")) == "\u{FFFD}x")
        #expect(decoder.push(0xFF) == "\u{FFFD}")
        #expect(decoder.push(0x80) == "\u{FFFD}")
        #expect(decoder.push(0xC3) == "")
        decoder.finish()
        #expect(!decoder.isInsideCharacter)
        #expect(decoder.push(UInt8(ascii: "y")) == "y")
    }
}

@Suite struct TextGenerationTests {
    @Test("temperature 0 and a tiny top-p both pick the most likely token")
    func greedy() {
        let logits: [Float] = [0.1, 2, -1, 1.9]
        var greedy = TokenSampler(SamplingSettings(temperature: 0))
        var nucleus = TokenSampler(SamplingSettings(temperature: 1, topP: 0.01, seed: 3))
        for _ in 0..<20 {
            #expect(greedy.next(logits) == 1)
            #expect(nucleus.next(logits) == 1)
        }
    }

    @Test("sampling follows the softmax: p = 1/4, 3/4 for logits 0, ln 3")
    func frequencies() {
        var sampler = TokenSampler(SamplingSettings(temperature: 1, topP: 1, seed: 9))
        let draws = (0..<4000).map { _ in sampler.next([0, Float(log(3.0))]) }
        let ones = Double(draws.filter { $0 == 1 }.count) / 4000
        #expect(abs(ones - 0.75) < 0.03, "\(ones)")
    }

    @Test("generation is reproducible with a seed, and its output stops only at a character boundary")
    func reproducibleAndWhole() {
        let model = byteModel(lora: true)
        let generator = TextGenerator(model: model)
        let sampling = SamplingSettings(temperature: 3, topP: 1, seed: 5)  // hot: many multi-byte leads
        for n in [5, 9, 20, 33] {
            var shown = ""
            let bytes = generator.generate(prompt: ByteTokenizer.encode("é"), maxNewTokens: n, sampling: sampling) { shown += $0 }
            let again = generator.generate(prompt: ByteTokenizer.encode("é"), maxNewTokens: n, sampling: sampling)
            #expect(bytes == again)
            #expect(bytes.count >= n && bytes.count <= n + 3)
            if bytes.count > n {  // extended only because the first n bytes ended inside a character
                var first = UTF8StreamDecoder()
                for b in bytes.prefix(n) { _ = first.push(UInt8(b)) }
                #expect(first.isInsideCharacter)
            }
            // what was shown decodes the bytes, with at most an incomplete tail left out
            var decoder = UTF8StreamDecoder()
            let reference = bytes.map { decoder.push(UInt8($0)) }.joined()
            #expect(shown == reference)
        }
    }

    @Test("a prompt longer than the context keeps only the last max_position_embeddings bytes")
    func slidingWindow() {
        let model = byteModel(lora: false)
        let prompt = ByteTokenizer.encode(String(repeating: "ab", count: 20))  // 40 > 16
        let bytes = TextGenerator(model: model).generate(prompt: prompt, maxNewTokens: 4, sampling: SamplingSettings(temperature: 0))
        #expect(bytes.count == 4)
    }
}
