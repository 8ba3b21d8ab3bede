import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("F5 from scratch and F7 early checkpoints under rules v2")
struct ScratchAndCheckpointFindingTests {
    /// Rewarmed runs at 3e-3 and 6e-3 (jitter 0.01) and a scratch run (jitter 0.02) whose Lup
    /// falls from 5.5 to 4.
    static func scratchSweep(scratchEnd: Double = 2.5, seeds: [Int] = [1, 2, 3],
                             scratchUp: [(Double, Double)] = [(0, 5.5), (0.5, 4.5), (1, 4.0)]) -> SweepFixture {
        var fixture = SweepFixture()
        fixture.add(["learning_rate": 3e-3], seeds: seeds, curve: .rewarm(downEnd: 1.6))
        fixture.add(["learning_rate": 6e-3], seeds: seeds, curve: .rewarm(downEnd: 1.57))
        fixture.add(["init_from": nil, "learning_rate": 1e-3, "warmup_ratio": 0.0], name: "scratch", seeds: seeds,
                    jitter: 0.02, curve: Curve(up: scratchUp, down: [(0, 5.5), (1, scratchEnd)]))
        return fixture
    }

    @Test("F5 is reproduced when scratch ends worse on Ldown for real and its Lup keeps falling")
    func scratchReproduced() throws {
        let r = try #require(Self.scratchSweep().results["F5"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 2)
        #expect(r.statistics["rho(step, Lup scratch)"] == -1)
        #expect(r.checks[1].text.contains("[95% bootstrap CI -1.000, -1.000] < -0.9: holds"), "\(r.checks[1].text)")
        #expect(abs(try #require(r.statistics["Ldown(T) scratch - worst rewarmed"]) - 0.9) < 1e-9)
        #expect(r.points.contains { $0.label == "scratch" })
    }

    @Test("F5 is not reproduced when the scratch model ends with the lowest Ldown")
    func scratchNotReproduced() throws {
        let r = try #require(Self.scratchSweep(scratchEnd: 1.5).results["F5"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[0].passed == false)
    }

    @Test("F5 is not reproduced when the scratch model's Lup rises again")
    func scratchLupRises() throws {
        let r = try #require(Self.scratchSweep(scratchUp: [(0, 5.5), (0.3, 4.0), (1, 5.0)]).results["F5"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[1].passed == false)
    }

    @Test("F5 is inconclusive when scratch's final Ldown is above the worst rewarmed within the noise")
    func scratchInconclusive() throws {
        let r = try #require(Self.scratchSweep(scratchEnd: 1.61).results["F5"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [nil, true])
    }

    @Test("F5 with one seed is inconclusive and the bootstrap cannot resample one seed")
    func scratchOneSeed() throws {
        let r = try #require(Self.scratchSweep(seeds: [1]).results["F5"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [nil, nil])
        #expect(r.checks[1].text.contains("cannot be judged"))
    }

    /// Rewarmed runs from the base's 7%, 19% and final checkpoints with the given 0.17T and final
    /// losses; jitters 0.03, 0.02, 0.01 (paired differences of neighbours have an SD of 0.01).
    static func checkpointSweep(fractions: [Double] = [0.07, 0.19, 1.0], down: [Double] = [2.5, 2.2, 1.9],
                                up: [Double] = [3.6, 3.4, 3.2], downEnd: [Double] = [1.8, 1.7, 1.6],
                                upEnd: [Double] = [3.2, 3.1, 3.0], seeds: [Int] = [1, 2, 3]) -> SweepFixture {
        var fixture = SweepFixture()
        for (i, f) in fractions.enumerated() {
            fixture.add(["init_from": .string("base@\(f)")], name: f < 1 ? "from-\(Int(f * 100))pct" : nil, seeds: seeds,
                        jitter: [0.03, 0.02, 0.01][i + 3 - fractions.count],
                        curve: .rewarm(peak: 3.7, lupEnd: upEnd[i], lupEarly: up[i], downEarly: down[i], downEnd: downEnd[i]))
        }
        return fixture
    }

    @Test("F7 is reproduced when later checkpoints give lower losses at 0.17T and T, final vs earliest real")
    func checkpointReproduced() throws {
        let r = try #require(Self.checkpointSweep().results["F7"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 4)
        #expect(r.checks[0].text.contains("checkpoint 100% - checkpoint 7%"))
        #expect(r.points.compactMap { $0.values["checkpoint step"] } == [70, 190, 1000])
        #expect(r.points.first?.label == "from-7pct")
    }

    @Test("F7 is not reproduced when the 19% checkpoint adapts better than the final one for real")
    func checkpointNotReproduced() throws {
        let r = try #require(Self.checkpointSweep(down: [2.5, 1.8, 1.9]).results["F7"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[0].passed == false)
        #expect(r.checks[1].passed == true)
    }

    @Test("F7 is inconclusive when the final checkpoint's lead over the earliest is within the noise")
    func checkpointInconclusive() throws {
        let r = try #require(Self.checkpointSweep(fractions: [0.07, 1.0], down: [1.91, 1.9], up: [3.6, 3.2],
                                                  downEnd: [1.7, 1.6], upEnd: [3.1, 3.0]).results["F7"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [nil, true, true, true])
    }

    @Test("F7 is not listed when no run from the final checkpoint shares the early runs' other keys")
    func checkpointNeedsFinal() throws {
        var fixture = SweepFixture()
        fixture.add(["init_from": "base@0.07", "learning_rate": 1e-3], name: "from-7pct", curve: .rewarm())
        fixture.add(["learning_rate": 3e-3], curve: .rewarm())
        #expect(fixture.results["F7"] == nil)
    }
}
