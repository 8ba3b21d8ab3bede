import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("F3 max LR and F4 constant LR: verdicts, ties, missing seeds, families")
struct MaxLRAndConstantFindingTests {
    static let lrs: [Double] = [1.5e-3, 3e-3, 6e-3]

    /// Rewarmed runs at 0.5x, 1x, 2x peak with the given final losses.
    static func lrSweep(downEnd: [Double] = [1.7, 1.6, 1.5], lupEnd: [Double] = [2.8, 3.0, 3.3],
                        seeds: [Int] = [1, 2, 3], states: [Double: [Int: RunState]] = [:],
                        extra: [String: ConfigValue] = [:]) -> SweepFixture {
        var fixture = SweepFixture()
        for (i, lr) in lrs.enumerated() {
            fixture.add(extra.merging(["learning_rate": .double(lr)]) { _, n in n }, seeds: seeds,
                        states: states[lr] ?? [:], curve: .rewarm(lupEnd: lupEnd[i], downEnd: downEnd[i]))
        }
        return fixture
    }

    @Test("F3 is reproduced when Ldown(T) falls and Lup(T) rises with the max LR, by more than the noise")
    func maxLRReproduced() throws {
        let r = try #require(Self.lrSweep().results["F3"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 4)
        #expect(r.statistics["rho(maxLR, Ldown(T))"] == -1)
        #expect(r.statistics["rho(maxLR, Lup(T))"] == 1)
        #expect(try #require(r.statistics["pooled rho(maxLR, Ldown(T))"]) <= -0.8)
        #expect(r.points.map { $0.values["learning_rate"] } == Self.lrs)
    }

    @Test("F3 is not reproduced when Ldown(T) is not monotone in the max LR")
    func maxLRNotReproduced() throws {
        let r = try #require(Self.lrSweep(downEnd: [1.6, 1.5, 1.55]).results["F3"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[0].passed == false)
        #expect(abs(try #require(r.statistics["rho(maxLR, Ldown(T))"]) + 0.5) < 1e-9)
    }

    @Test("F3 with a tie in Ldown(T) gets the average-rank rho -0.866 and fails the rho = -1 rule")
    func maxLRTie() throws {
        let r = try #require(Self.lrSweep(downEnd: [1.7, 1.6, 1.6]).results["F3"])
        #expect(abs(try #require(r.statistics["rho(maxLR, Ldown(T))"]) + 1.5 / 3.0.squareRoot()) < 1e-9)
        #expect(r.verdict == .notReproduced)
    }

    @Test("F3 with one seed is inconclusive: the rhos hold but no pair can be beyond noise")
    func maxLRInconclusive() throws {
        let r = try #require(Self.lrSweep(seeds: [1]).results["F3"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks[0].passed == true && r.checks[1].passed == nil)
        #expect(!r.hasNoiseEstimate)
        #expect(r.notes.contains("no noise estimate (fewer than 3 seeds)"))
    }

    @Test("F3 leaves a failed seed out of the medians and notes it; the other pair is still beyond noise")
    func maxLRFailedSeed() throws {
        let r = try #require(Self.lrSweep(states: [6e-3: [3: .failed]]).results["F3"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(!r.hasNoiseEstimate)
        let top = try #require(r.points.first { $0.values["learning_rate"] == 6e-3 })
        #expect(top.seeds == 2)
        #expect(abs(try #require(top.values["Ldown(T)"]) - 1.495) < 1e-9)  // seeds at +0 and -0.01; the 99s are out
        #expect(r.notes.contains { $0.hasSuffix("seed 3 failed: left out") })
    }

    @Test("F3 with every seed of one LR diverged drops it, and two LRs leave rho undefined: inconclusive")
    func maxLRDroppedCondition() throws {
        let r = try #require(Self.lrSweep(states: [6e-3: [1: .diverged, 2: .diverged, 3: .diverged]]).results["F3"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.statistics["rho(maxLR, Ldown(T))"] == nil)
        #expect(r.notes.contains { $0.contains("no completed seed") && $0.hasSuffix("dropped") })
    }

    @Test("F3 judges each warmup family apart and tags its checks with the warmup")
    func maxLRFamilies() throws {
        var fixture = Self.lrSweep(extra: ["warmup_ratio": 0.0])
        for (i, lr) in Self.lrs.enumerated() {
            fixture.add(["learning_rate": .double(lr), "warmup_ratio": 0.01],
                        curve: .rewarm(lupEnd: [2.8, 3.0, 3.3][i], downEnd: [1.7, 1.6, 1.5][i]))
        }
        let r = try #require(fixture.results["F3"])
        #expect(r.checks.count == 8)
        #expect(r.checks.filter { $0.text.hasPrefix("[warmup_ratio=0] ") }.count == 4)
        #expect(r.checks.filter { $0.text.hasPrefix("[warmup_ratio=0.01] ") }.count == 4)
        #expect(r.verdict == .reproduced, "\(r.dump)")
    }

    /// The rewarmed runs of findings.md's calibration table and a constant-LR run.
    static func constantSweep(constantThird: Double = 1.87, constantEnd: Double = 1.86, seeds: [Int] = [1, 2, 3]) -> SweepFixture {
        var fixture = SweepFixture()
        let third = [1.90, 1.86, 1.91], end = [1.63, 1.56, 1.57], lup = [2.83, 3.07, 3.30]
        for (i, lr) in lrs.enumerated() {
            fixture.add(["learning_rate": .double(lr)], seeds: seeds,
                        curve: .rewarm(peak: lup[i] + 0.1, lupEnd: lup[i], downThird: third[i], downEnd: end[i]))
        }
        fixture.add(["rewarm": false], seeds: seeds,
                    curve: .rewarm(peak: 2.51, peakAt: 0.5, lupEnd: 2.51, downThird: constantThird, downEnd: constantEnd))
        return fixture
    }

    @Test("F4 is reproduced: least forgetting, early Ldown within noise of the best, late Ldown worse")
    func constantReproduced() throws {
        let r = try #require(Self.constantSweep().results["F4"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 3)
        #expect(abs(try #require(r.statistics["Ldown(T) constant - worst rewarmed"]) - 0.23) < 1e-9)
        #expect(r.points.count == 4)
        #expect(r.notes.contains { $0.contains("held fixed") })
    }

    @Test("F4 is not reproduced when the constant LR has no early win, and a note cites the calibration")
    func constantNotReproduced() throws {
        let r = try #require(Self.constantSweep(constantThird: 2.36).results["F4"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[1].passed == false)
        #expect(r.notes.contains { $0.contains("early win did not appear") })
    }

    @Test("F4 with two seeds is inconclusive where a difference must be compared with the noise")
    func constantInconclusive() throws {
        let r = try #require(Self.constantSweep(seeds: [1, 2]).results["F4"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [true, nil, nil])
        #expect(!r.hasNoiseEstimate)
    }
}
