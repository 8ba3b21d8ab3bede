import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("F1 warmup length and F2 rewarming rise: verdicts on constructed sweeps")
struct WarmupAndRiseFindingTests {
    /// Warmups 0, 0.5, 1, 2 % of T; warmup 0 peaks at 3.5 at step 5, the others at 3.2 at step 10.
    /// `lupAt17` gives each warmup's Lup at 0.17T (the last warmup's by default 0.003 above the first).
    static func warmupSweep(seeds: [Int] = [1, 2, 3], lupAt17: [Double] = [3.18, 3.181, 3.182, 3.183],
                            jitter: Double = 0.01) -> SweepFixture {
        var fixture = SweepFixture()
        fixture.evalEvery = 1  // evaluations at every step: the curves' knots at 0.17T are read exactly
        for (i, warmup) in [0.0, 0.005, 0.01, 0.02].enumerated() {
            let curve = warmup == 0
                ? Curve.rewarm(peak: 3.5, peakAt: 0.05, lupEarly: lupAt17[i], downEarly: 2.5)
                : Curve.rewarm(peak: 3.2, peakAt: 0.1, lupEarly: lupAt17[i], downEarly: 2.5 + 0.001 * Double(i))
            fixture.add(["warmup_ratio": .double(warmup)], seeds: seeds, jitter: jitter, curve: curve)
        }
        return fixture
    }

    @Test("F1 is reproduced when the 0.17T losses agree within 0.5% and warmup 0 spikes highest")
    func warmupReproduced() throws {
        let r = try #require(Self.warmupSweep().results["F1"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 3)
        #expect(r.hasNoiseEstimate)
        #expect(abs(try #require(r.statistics["spread Lup(0.17T)"]) - 0.003) < 1e-9)
        #expect(abs(try #require(r.statistics["early peak Lup, warmup 0"]) - 3.5) < 1e-9)
        #expect(r.points.count == 4)
        #expect(r.notes.contains("0.17T = step 17 of 100: evaluation at step 17"))
        #expect(r.notes.contains { $0.contains("warmups compared: 0, 0.005, 0.01, 0.02 of T") })
    }

    @Test("F1 is not reproduced when one warmup's Lup at 0.17T is off by far more than the noise and 0.5%")
    func warmupNotReproduced() throws {
        let r = try #require(Self.warmupSweep(lupAt17: [3.18, 3.18, 3.18, 3.5]).results["F1"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[0].passed == false)
        #expect(r.checks[0].text.contains("0.32"))
    }

    @Test("F1 with one seed is inconclusive when the spread exceeds 0.5% and no noise can excuse it")
    func warmupInconclusive() throws {
        let r = try #require(Self.warmupSweep(seeds: [1], lupAt17: [3.18, 3.2, 3.21, 3.23]).results["F1"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks[0].passed == nil)
        #expect(r.checks[2].passed == true)
        #expect(!r.hasNoiseEstimate)
        #expect(r.notes.contains("no noise estimate (fewer than 3 seeds)"))
    }

    @Test("F1 is not listed without a warmup-0 run among the warmups")
    func warmupNeedsZero() throws {
        var fixture = SweepFixture()
        fixture.add(["warmup_ratio": 0.01], curve: .rewarm())
        fixture.add(["warmup_ratio": 0.02], curve: .rewarm())
        #expect(fixture.results["F1"] == nil)
        #expect(fixture.results["F2"] != nil)
    }

    @Test("F2 is reproduced when Lup rises and stays up beyond noise while Ldown ends below its start")
    func riseReproduced() throws {
        var fixture = SweepFixture()
        fixture.add([:], curve: .rewarm())
        let r = try #require(fixture.results["F2"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 3)
        let point = try #require(r.points.first)
        #expect(abs(try #require(point.values["peak rise Lup"]) - 1.5) < 1e-9)
        #expect(abs(try #require(point.values["noise peak rise Lup"]) - 0.02) < 1e-9)
        #expect(point.values["Ldown(T)"] == 1.6)
    }

    @Test("F2 is not reproduced when Lup returns below its start by the end")
    func riseNotReproduced() throws {
        var fixture = SweepFixture()
        fixture.add([:], curve: .rewarm(lupEnd: 1.6))
        let r = try #require(fixture.results["F2"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[2].passed == false)
        #expect(r.checks[0].passed == true)
    }

    @Test("F2 is inconclusive when Lup ends above its start but within a large seed noise")
    func riseInconclusiveNoise() throws {
        var fixture = SweepFixture()
        fixture.add([:], jitter: 0.05, curve: .rewarm(lupEnd: 1.72))
        let r = try #require(fixture.results["F2"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks[2].passed == nil)
        #expect(r.hasNoiseEstimate)
    }

    @Test("F2 with two seeds cannot judge beyond-noise checks, but still fails a clear learning failure")
    func riseTwoSeeds() throws {
        var fixture = SweepFixture()
        fixture.add([:], seeds: [1, 2], curve: .rewarm())
        let r = try #require(fixture.results["F2"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(!r.hasNoiseEstimate)
        var failing = SweepFixture()
        failing.add([:], seeds: [1, 2], curve: .rewarm(downEnd: 4.5))
        #expect(try #require(failing.results["F2"]).verdict == .notReproduced)
    }
}
