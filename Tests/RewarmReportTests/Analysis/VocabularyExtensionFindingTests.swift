import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport

@Suite("F17 vocabulary extension under rules v2, in bits per byte")
struct VocabularyExtensionFindingTests {
    /// Full training with the model's tokenizer (0.47 tokens per Chinese byte, 0.25 per English
    /// byte; Ldown(T) 1.5 nats/token = 1.017 bpb, Lup(T) 3.0 = 1.082 bpb) and with an extension
    /// (0.27 tokens per Chinese byte) ending at `extendedDown` nats per token (x 0.39 = its bpb).
    static func sweep(extendedDown: Double, jitter: Double = 0.01, extendedTPB: Double = 0.27) -> SweepFixture {
        var fixture = SweepFixture()
        fixture.add([:], seeds: [1, 2, 3], curve: .rewarm(lupEnd: 3.0, downEnd: 1.5), tokenizer: "bpe-base",
                    tokensPerByte: (0.47, 0.25))
        fixture.add(["extend_vocabulary_train_on": "fortunes-zh", "extend_vocabulary_new_tokens": 2000], seeds: [1, 2, 3],
                    jitter: jitter, curve: .rewarm(lupEnd: 3.0, downEnd: extendedDown), tokenizer: "bpe-extended",
                    tokensPerByte: (extendedTPB, 0.25))
        return fixture
    }

    @Test("F17 is reproduced when the extension cuts tokens per byte by 1.74x and learns more per byte, forgetting no more")
    func reproduced() throws {
        let r = try #require(Self.sweep(extendedDown: 2.0).results["F17"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 3)
        #expect(r.checks[0].text.contains("tokens per byte of D1") && r.checks[0].text.contains("1.74"), "\(r.checks[0].text)")
        #expect(r.points.count == 2)
        #expect(Self.sweep(extendedDown: 2.0).data.lossUnit == .bitsPerByte)
    }

    @Test("F17 is not reproduced when the extended run ends higher in bits per byte, or saves too few tokens")
    func notReproduced() throws {
        let worse = try #require(Self.sweep(extendedDown: 3.0).results["F17"])
        #expect(worse.verdict == .notReproduced, "\(worse.dump)")
        #expect(worse.checks[1].passed == false && worse.checks[0].passed == true)
        let fewSaved = try #require(Self.sweep(extendedDown: 1.6, extendedTPB: 0.40).results["F17"])
        #expect(fewSaved.verdict == .notReproduced, "\(fewSaved.dump)")
        #expect(fewSaved.checks[0].passed == false, "0.47 / 0.40 = 1.18x < 1.5x")
    }

    @Test("F17 is inconclusive when the extended run's Ldown(T) in bits per byte is within noise of the base tokenizer's")
    func inconclusive() throws {
        let r = try #require(Self.sweep(extendedDown: 2.611, jitter: 0.05).results["F17"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks[1].passed == nil, "\(r.dump)")
    }

    @Test("F17 is absent without an extended and a plain condition whose embeddings train")
    func absent() {
        var frozen = SweepFixture()
        frozen.add(["finetuning_type": "lora", "lora_rank": 4], curve: .rewarm())
        frozen.add(["finetuning_type": "lora", "lora_rank": 4, "extend_vocabulary_tokenizer": "t.json"], curve: .rewarm())
        #expect(frozen.results["F17"] == nil)
        var plainOnly = SweepFixture()
        plainOnly.add([:], curve: .rewarm())
        #expect(plainOnly.results["F17"] == nil)
    }
}
