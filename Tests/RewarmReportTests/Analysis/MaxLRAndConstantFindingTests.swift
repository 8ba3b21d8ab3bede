import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("F3 max LR and F4 constant LR under rules v2: orderings, real differences, missing seeds, families")
struct MaxLRAndConstantFindingTests {
    static let lrs: [Double] = [1.5e-3, 3e-3, 6e-3]

    /// Rewarmed runs at 0.5x, 1x, 2x peak with the given final losses and seed jitters.
    static func lrSweep(downEnd: [Double] = [1.7, 1.6, 1.5], lupEnd: [Double] = [2.8, 3.0, 3.3],
                        jitter: [Double] = [0.01, 0.02, 0.03], seeds: [Int] = [1, 2, 3],
                        states: [Double: [Int: RunState]] = [:], extra: [String: ConfigValue] = [:]) -> SweepFixture {
        var fixture = SweepFixture()
        for (i, lr) in lrs.enumerated() {
            fixture.add(extra.merging(["learning_rate": .double(lr)]) { _, n in n }, seeds: seeds, jitter: jitter[i],
                        states: states[lr] ?? [:], curve: .rewarm(lupEnd: lupEnd[i], downEnd: downEnd[i]))
        }
        return fixture
    }

    @Test("F3 is reproduced when Ldown(T) falls and Lup(T) rises with the max LR, pairs real")
    func maxLRReproduced() throws {
        let r = try #require(Self.lrSweep().results["F3"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 2)
        #expect(r.checks[0].text.contains("medians lr=0.0015 1.7 > lr=0.003 1.6 > lr=0.006 1.5, in order"))
        // Adjacent pair lr=0.003 - lr=0.0015 of Ldown(T): per-seed -0.1 + (0, -0.01, +0.01), paired.
        let half = 4.302652729749464 * 0.01 / 3.0.squareRoot()
        #expect(r.checks[0].text.contains(String(format: "lr=0.003 - lr=0.0015 = -0.100 [95%% CI %.3f, %.3f] < 0: holds",
                                                 -0.1 - half, -0.1 + half)), "\(r.checks[0].text)")
        #expect(r.points.map { $0.values["learning_rate"] } == Self.lrs)
    }

    @Test("F3 is not reproduced when Ldown(T) rises between two max LRs by a real difference")
    func maxLRNotReproduced() throws {
        let r = try #require(Self.lrSweep(downEnd: [1.6, 1.5, 1.55]).results["F3"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[0].passed == false && r.checks[0].text.contains("out of order"))
    }

    @Test("F3 is inconclusive when the LRs' Ldown(T) are in order but no pair's interval clears 0")
    func maxLRInconclusive() throws {
        let r = try #require(Self.lrSweep(downEnd: [1.61, 1.6, 1.59], jitter: [0.01, 0.05, 0.09]).results["F3"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks[0].passed == nil && r.checks[0].text.contains("in order"))
        #expect(r.checks[1].passed == true)
    }

    @Test("F3 with one seed is inconclusive and its pairs cannot be judged")
    func maxLROneSeed() throws {
        let r = try #require(Self.lrSweep(seeds: [1]).results["F3"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(!r.hasEnoughSeeds)
        #expect(r.checks[0].text.contains("cannot be judged"))
    }

    @Test("F3 leaves a failed seed out and notes it; the condition's 2 seeds make the verdict inconclusive")
    func maxLRFailedSeed() throws {
        let r = try #require(Self.lrSweep(states: [6e-3: [3: .failed]]).results["F3"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        let top = try #require(r.points.first { $0.values["learning_rate"] == 6e-3 })
        #expect(top.seeds == 2)
        #expect(abs(try #require(top.values["Ldown(T)"]) - 1.485) < 1e-9)  // seeds at +0 and -0.03; the 99s are out
        #expect(r.notes.contains { $0.hasSuffix("seed 3 failed: left out") })
    }

    @Test("F3 judges each warmup family apart and tags its checks with the warmup")
    func maxLRFamilies() throws {
        var fixture = Self.lrSweep(extra: ["warmup_ratio": 0.0])
        for (i, lr) in Self.lrs.enumerated() {
            fixture.add(["learning_rate": .double(lr), "warmup_ratio": 0.01], jitter: [0.01, 0.02, 0.03][i],
                        curve: .rewarm(lupEnd: [2.8, 3.0, 3.3][i], downEnd: [1.7, 1.6, 1.5][i]))
        }
        let r = try #require(fixture.results["F3"])
        #expect(r.checks.count == 4)
        #expect(r.checks.filter { $0.text.hasPrefix("[warmup_ratio=0] ") }.count == 2)
        #expect(r.checks.filter { $0.text.hasPrefix("[warmup_ratio=0.01] ") }.count == 2)
        #expect(r.verdict == .reproduced, "\(r.dump)")
    }

    /// The rewarmed runs of docs/findings.md's calibration table (jitter 0.01) and a constant-LR run
    /// (jitter 0.02, so its paired differences have an SD of 0.01).
    static func constantSweep(constantThird: Double = 1.87, constantEnd: Double = 1.86, seeds: [Int] = [1, 2, 3],
                              constant: [String: ConfigValue] = ["rewarm": false]) -> SweepFixture {
        var fixture = SweepFixture()
        let third = [1.90, 1.86, 1.91], end = [1.63, 1.56, 1.57], lup = [2.83, 3.07, 3.30]
        for (i, lr) in lrs.enumerated() {
            fixture.add(["learning_rate": .double(lr)], seeds: seeds,
                        curve: .rewarm(peak: lup[i] + 0.1, lupEnd: lup[i], downThird: third[i], downEnd: end[i]))
        }
        fixture.add(constant, seeds: seeds, jitter: 0.02,
                    curve: .rewarm(peak: 2.51, peakAt: 0.5, lupEnd: 2.51, downThird: constantThird, downEnd: constantEnd))
        return fixture
    }

    @Test("F4 is reproduced: least forgetting at 0.34T and T, early Ldown not worse for real, late Ldown worse")
    func constantReproduced() throws {
        let r = try #require(Self.constantSweep().results["F4"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 4)
        // Ldown(0.34T) constant 1.87 - best rewarmed 1.86 = +0.01, but its interval reaches below 0.
        #expect(r.checks[2].passed == true && r.checks[2].text.contains("not above 0 by a real difference: holds"))
        #expect(abs(try #require(r.statistics["Ldown(T) constant - worst rewarmed"]) - 0.23) < 1e-9)
        #expect(r.points.count == 4)
        #expect(r.notes.contains { $0.contains("held fixed") })
        #expect(!r.notes.contains { $0.contains("calibration") })
    }

    @Test("F4 is not reproduced when the constant LR's early Ldown is worse by a real difference")
    func constantNotReproduced() throws {
        let r = try #require(Self.constantSweep(constantThird: 2.36).results["F4"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[2].passed == false)
    }

    @Test("F4 is inconclusive when the constant LR's final Ldown exceeds the worst rewarmed within the noise")
    func constantInconclusive() throws {
        let r = try #require(Self.constantSweep(constantEnd: 1.64).results["F4"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [true, true, true, nil])
    }

    @Test("F4 with two seeds is inconclusive by the seed rule")
    func constantTwoSeeds() throws {
        let r = try #require(Self.constantSweep(seeds: [1, 2]).results["F4"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(!r.hasEnoughSeeds)
    }

    @Test("F4 takes a fixed lr without warmup (lr_scheduler_type constant) as the constant LR, and F2 and F3 leave it out")
    func fixedLearningRateIsTheConstantLR() throws {
        let fixed: [String: ConfigValue] = ["lr_scheduler_type": "constant", "warmup_ratio": 0.0, "learning_rate": 3.0e-5]
        let results = Self.constantSweep(constant: fixed).results
        let r = try #require(results["F4"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 4)
        let f3 = try #require(results["F3"])
        #expect(f3.points.count == 3, "\(f3.dump)")
        // With a warmup the same run rewarms to its constant lr: not F4's baseline.
        let warmed = fixed.merging(["warmup_ratio": 0.1]) { $1 }
        #expect(Self.constantSweep(constant: warmed).results["F4"] == nil)
    }
}
