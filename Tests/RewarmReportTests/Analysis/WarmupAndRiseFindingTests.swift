import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("F1 warmup length and F2 rewarming rise under rules v2")
struct WarmupAndRiseFindingTests {
    /// Warmups 0, 0.5, 1, 2 % of T = 1000 steps (0.5% = 5 steps); warmup 0 peaks at 3.5 at 0.05T
    /// with seed jitter 0.02, the others at 3.2 at 0.1T with jitter 0.01, so paired differences
    /// have an SD of 0.01. `lupAt17` gives each warmup's Lup at 0.17T.
    static func warmupSweep(seeds: [Int] = [1, 2, 3], lupAt17: [Double] = [3.18, 3.181, 3.182, 3.183],
                            maxSteps: Int = 1000) -> SweepFixture {
        var fixture = SweepFixture()
        fixture.maxSteps = maxSteps
        fixture.evalEvery = maxSteps / 100
        for (i, warmup) in [0.0, 0.005, 0.01, 0.02].enumerated() {
            let curve = warmup == 0
                ? Curve.rewarm(peak: 3.5, peakAt: 0.05, lupEarly: lupAt17[i], downEarly: 2.5)
                : Curve.rewarm(peak: 3.2, peakAt: 0.1, lupEarly: lupAt17[i], downEarly: 2.5 + 0.001 * Double(i))
            fixture.add(["warmup_ratio": .double(warmup)], seeds: seeds, jitter: warmup == 0 ? 0.02 : 0.01, curve: curve)
        }
        return fixture
    }

    @Test("F1 is reproduced when warmup 0 and 2% agree within 1% at 0.17T (TOST) and warmup 0 spikes higher")
    func warmupReproduced() throws {
        let r = try #require(Self.warmupSweep().results["F1"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 3)
        #expect(r.hasEnoughSeeds)
        // Per-seed differences -0.003 + (0, -0.01, +0.01): mean -0.003, SD 0.01; the 90% paired
        // interval is -0.003 +/- t(0.95, 2) 0.01 / sqrt(3) = -0.003 +/- 0.016859; margin 1% of 3.183.
        let half = 2.919985580355516 * 0.01 / 3.0.squareRoot()
        #expect(r.checks[0].text.contains(String(format: "[90%% CI %.3f, %.3f]", -0.003 - half, -0.003 + half)),
                "\(r.checks[0].text)")
        #expect(r.checks[0].text.contains("within +/-0.03183 (1% of Lup(0.17T) at the longest warmup 3.183)"))
        #expect(abs(try #require(r.statistics["Lup(0.17T) warmup 0 - warmup 0.02"]) + 0.003) < 1e-9)
        #expect(abs(try #require(r.statistics["early peak Lup warmup 0 - warmup 0.02"]) - 0.3) < 1e-9)
        #expect(r.points.count == 4)
        #expect(r.notes.contains("0.17T = step 170 of 1000: evaluation at step 170"))
        #expect(r.notes.contains { $0.contains("rules") || $0.hasPrefix("verdict: all 3 counted checks hold") })
    }

    @Test("F1 is not reproduced when warmup 0's Lup at 0.17T lies outside the 1% margin for sure")
    func warmupNotReproduced() throws {
        let r = try #require(Self.warmupSweep(lupAt17: [3.18, 3.5, 3.5, 3.5]).results["F1"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[0].passed == false)
    }

    @Test("F1 is inconclusive when the difference's interval crosses the edge of the 1% margin")
    func warmupInconclusive() throws {
        // -0.03 +/- 0.0169 against a margin of 0.0321: the interval straddles -0.0321.
        let r = try #require(Self.warmupSweep(lupAt17: [3.18, 3.2, 3.2, 3.21]).results["F1"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks[0].passed == nil && r.checks[0].text.hasSuffix("straddles (inconclusive)"))
        #expect(r.checks[1].passed == true && r.checks[2].passed == true)
    }

    @Test("F1 cannot judge equivalence when the shortest warmup is under 5 optimizer steps")
    func warmupTooShort() throws {
        let r = try #require(Self.warmupSweep(maxSteps: 100).results["F1"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks[0].passed == nil && r.checks[0].text.contains("0.5 optimizer steps, fewer than 5"))
        #expect(r.checks[2].passed == true)
    }

    @Test("F1 with fewer than 3 seeds is inconclusive whatever its checks say")
    func warmupTwoSeeds() throws {
        let r = try #require(Self.warmupSweep(seeds: [1, 2]).results["F1"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(!r.hasEnoughSeeds)
        #expect(r.notes.contains { $0.contains("fewer than 3 seeds (2)") })
    }

    @Test("F1 is not listed without a warmup-0 run among the warmups")
    func warmupNeedsZero() throws {
        var fixture = SweepFixture()
        fixture.add(["warmup_ratio": 0.01], curve: .rewarm())
        fixture.add(["warmup_ratio": 0.02], curve: .rewarm())
        #expect(fixture.results["F1"] == nil)
        #expect(fixture.results["F2"] != nil)
    }

    static func f2(seeds: [Int] = [1, 2, 3], jitter: Double = 0.01, curve: Curve,
                   config: [String: ConfigValue] = [:]) throws -> FindingResult {
        var fixture = SweepFixture()
        fixture.add(config, seeds: seeds, jitter: jitter, curve: curve)
        return try #require(fixture.results["F2"])
    }

    @Test("F2 is reproduced when Lup rises for real, and Ldown's fall from above ln(256) is trivially true")
    func riseReproduced() throws {
        let r = try Self.f2(curve: .rewarm(down0: 12.6))
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 3)
        #expect(!r.checks[2].counted && r.checks[2].text.contains("trivially true, not counted"))
        #expect(r.notes.contains { $0.hasPrefix("reported, not judged") })
        let point = try #require(r.points.first)
        #expect(abs(try #require(point.values["peak Lup"]) - 3.2) < 1e-9)
        // One-sample interval of the per-seed peak rises 1.5 + (0, -0.01, +0.01) at 95%.
        let half = 4.302652729749464 * 0.01 / 3.0.squareRoot()
        #expect(r.checks[0].text.contains(String(format: "= 1.500 [95%% CI %.3f, %.3f] > 0: holds", 1.5 - half, 1.5 + half)),
                "\(r.checks[0].text)")
    }

    @Test("F2 is not reproduced when Lup ends below its start by a real difference")
    func riseNotReproduced() throws {
        let r = try Self.f2(curve: .rewarm(lupEnd: 1.5, down0: 12.6))
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[1].passed == false && r.checks[0].passed == true)
    }

    @Test("F2 is inconclusive when Lup ends above its start by less than the seed noise can confirm")
    func riseInconclusive() throws {
        let r = try Self.f2(jitter: 0.05, curve: .rewarm(lupEnd: 1.72, down0: 12.6))
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks[1].passed == nil)
        #expect(r.hasEnoughSeeds)
    }

    @Test("F2 below ln(vocabulary) counts Ldown's fall and judges the early Ldown rise")
    func riseJudgesEarlyRise() throws {
        let rising = try Self.f2(curve: .rewarm(downRise: 4.3))
        #expect(rising.checks.count == 4 && rising.checks.allSatisfy(\.counted))
        #expect(rising.verdict == .reproduced, "\(rising.dump)")
        let falling = try Self.f2(curve: .rewarm())
        #expect(falling.checks[3].passed == false)
        #expect(falling.verdict == .notReproduced, "\(falling.dump)")
        // A 49,152-token vocabulary: ln(49152) = 10.8, so Ldown(0) = 12.6 is still trivially true,
        // but 9.0 is not.
        let bpe = try Self.f2(curve: .rewarm(down0: 9.0, downRise: 9.2), config: ["vocab_size": 49152])
        #expect(bpe.checks.count == 4 && bpe.checks[2].counted)
    }

    @Test("F2 with two seeds is inconclusive by the seed rule")
    func riseTwoSeeds() throws {
        let r = try Self.f2(seeds: [1, 2], curve: .rewarm(down0: 12.6))
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(!r.hasEnoughSeeds)
    }
}
