import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("F12 short cooldown, F13 forgetting vs learning, F15 LoRA slope, F16 optimizer reset under rules v2")
struct BeyondThePapersFindingTests {
    /// A cosine rewarm (jitter 0.01) and WSD rewarms with 20% and 2.5% decays (jitter 0.02).
    static func cooldownSweep(wsd20: Double? = 1.59, wsd2: Double? = 1.65) -> SweepFixture {
        var fixture = SweepFixture()
        fixture.add([:], curve: .rewarm(downEnd: 1.6))
        if let wsd20 {
            fixture.add(["lr_scheduler_type": "warmup_stable_decay", "decay_ratio": 0.2], jitter: 0.02,
                        curve: .rewarm(downEnd: wsd20))
        }
        if let wsd2 {
            fixture.add(["lr_scheduler_type": "warmup_stable_decay", "decay_ratio": 0.025], jitter: 0.02,
                        curve: .rewarm(downEnd: wsd2))
        }
        return fixture
    }

    @Test("F12 is reproduced when a 20% cooldown matches cosine within 1% and a 2.5% one ends worse")
    func cooldownReproduced() throws {
        let r = try #require(Self.cooldownSweep().results["F12"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 2)
        // WSD 20% - cosine: -0.01 + (0, -0.01, +0.01) paired; 90% interval -0.01 +/- 2.92 x 0.01 / sqrt(3).
        let half = 2.919985580355516 * 0.01 / 3.0.squareRoot()
        #expect(r.checks[0].text.contains(String(format: "[90%% CI %.3f, %.3f] < 0.016 (1%% of Ldown(T) of cosine 1.6)",
                                                 -0.01 - half, -0.01 + half)), "\(r.checks[0].text)")
        #expect(Findings.isBeyondThePapers(r.id))
    }

    @Test("F12 is not reproduced when the 20% cooldown ends clearly worse than cosine")
    func cooldownNotReproduced() throws {
        let r = try #require(Self.cooldownSweep(wsd20: 1.7).results["F12"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[0].passed == false)
    }

    @Test("F12 is inconclusive when the 2.5% cooldown's deficit is within the noise, or when it was not run")
    func cooldownInconclusive() throws {
        let r = try #require(Self.cooldownSweep(wsd2: 1.605).results["F12"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [true, nil])
        let missing = try #require(Self.cooldownSweep(wsd2: nil).results["F12"])
        #expect(missing.verdict == .inconclusive, "\(missing.dump)")
        #expect(missing.checks[1].text.contains("no WSD run with a decay <= 2.5%"))
    }

    /// Rewarmed runs at four max LRs with the given final losses (jitter 0.01).
    static func tradeOffSweep(lupEnd: [Double], downEnd: [Double], seeds: [Int] = [1, 2, 3]) -> SweepFixture {
        var fixture = SweepFixture()
        for (i, lr) in [1e-3, 2e-3, 4e-3, 8e-3].enumerated() {
            fixture.add(["learning_rate": .double(lr)], seeds: seeds, curve: .rewarm(peak: 3.5, lupEnd: lupEnd[i], downEnd: downEnd[i]))
        }
        return fixture
    }

    @Test("F13 is reproduced when forgetting falls linearly as Ldown(T) rises across the runs")
    func tradeOffReproduced() throws {
        let r = try #require(Self.tradeOffSweep(lupEnd: [2.8, 3.0, 3.2, 3.4], downEnd: [1.8, 1.7, 1.6, 1.5]).results["F13"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 1 && r.checks[0].text.contains("bootstrap CI"))
        #expect(try #require(r.statistics.first { $0.key.hasSuffix("r") }?.value) < -0.95)
        #expect(r.notes.contains { $0.contains("12 runs of 4 conditions") })
        #expect(r.notes.contains { $0.hasPrefix("reported, not judged: ") && $0.contains("slope") })
    }

    @Test("F13 is not reproduced when forgetting rises with Ldown(T)")
    func tradeOffNotReproduced() throws {
        let r = try #require(Self.tradeOffSweep(lupEnd: [2.8, 3.0, 3.2, 3.4], downEnd: [1.5, 1.6, 1.7, 1.8]).results["F13"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
    }

    @Test("F13 is inconclusive when the runs scatter around a weak trade-off")
    func tradeOffInconclusive() throws {
        let r = try #require(Self.tradeOffSweep(lupEnd: [2.8, 3.0, 3.2, 3.4], downEnd: [1.8, 1.66, 1.68, 1.52]).results["F13"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks[0].passed == nil)
    }

    /// Full training and LoRA r=8, each at 1, 2 and 4 x 1e-3; Lup(T) rises by `fullStep` and
    /// `loraStep` per doubling of the LR.
    static func slopeSweep(fullStep: Double = 0.2, loraStep: Double = 0.05, loraJitter: Double = 0.01) -> SweepFixture {
        var fixture = SweepFixture()
        for (i, lr) in [1e-3, 2e-3, 4e-3].enumerated() {
            fixture.add(["learning_rate": .double(lr)], curve: .rewarm(lupEnd: 2.8 + fullStep * Double(i), downEnd: 1.6))
            fixture.add(["learning_rate": .double(lr), "finetuning_type": "lora", "lora_rank": 8], jitter: loraJitter,
                        curve: .rewarm(lupEnd: 2.0 + loraStep * Double(i), downEnd: 1.9))
        }
        return fixture
    }

    @Test("F15 is reproduced when LoRA's Lup(T) grows less per doubling of the max LR than full training's")
    func slopeReproduced() throws {
        let r = try #require(Self.slopeSweep().results["F15"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 1)
        #expect(abs(try #require(r.statistics["slope difference lora r=8 - full"]) + 0.15) < 1e-9)
    }

    @Test("F15 is not reproduced when LoRA's forgetting grows faster with the max LR")
    func slopeNotReproduced() throws {
        let r = try #require(Self.slopeSweep(loraStep: 0.4).results["F15"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
    }

    @Test("F15 is inconclusive when the slopes differ by less than the seed noise resolves")
    func slopeInconclusive() throws {
        let r = try #require(Self.slopeSweep(loraStep: 0.19, loraJitter: 0.1).results["F15"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
    }

    /// Pairs that differ only in reset_optimizer: a rewarmed one and (optionally) a constant-LR one.
    static func resetSweep(rewarmedPeaks: (Double, Double) = (3.3, 3.1), constantPeaks: (Double, Double)? = (2.7, 2.55)) -> SweepFixture {
        var fixture = SweepFixture()
        fixture.add([:], curve: .rewarm(peak: rewarmedPeaks.0))
        fixture.add(["reset_optimizer": false], jitter: 0.02, curve: .rewarm(peak: rewarmedPeaks.1))
        if let constantPeaks {
            fixture.add(["rewarm": false], curve: .rewarm(peak: constantPeaks.0, lupEnd: 2.5))
            fixture.add(["rewarm": false, "reset_optimizer": false], jitter: 0.02, curve: .rewarm(peak: constantPeaks.1, lupEnd: 2.5))
        }
        return fixture
    }

    @Test("F16 is reproduced when the reset raises the Lup spike at the constant LR and in the rewarmed run")
    func resetReproduced() throws {
        let r = try #require(Self.resetSweep().results["F16"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 2)
        #expect(r.checks.contains { $0.text.contains("(constant LR)") } && r.checks.contains { $0.text.contains("(rewarmed)") })
    }

    @Test("F16 is not reproduced when the carried state spikes higher for real")
    func resetNotReproduced() throws {
        let r = try #require(Self.resetSweep(rewarmedPeaks: (3.1, 3.3)).results["F16"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
    }

    @Test("F16 is inconclusive without a constant-LR pair, or when the spikes differ within the noise")
    func resetInconclusive() throws {
        let noConstant = try #require(Self.resetSweep(constantPeaks: nil).results["F16"])
        #expect(noConstant.verdict == .inconclusive, "\(noConstant.dump)")
        #expect(noConstant.checks.last?.text.contains("no constant-LR pair") == true)
        let close = try #require(Self.resetSweep(rewarmedPeaks: (3.205, 3.2)).results["F16"])
        #expect(close.verdict == .inconclusive, "\(close.dump)")
    }
}
