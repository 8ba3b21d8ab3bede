import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("F5 from scratch and F7 early checkpoints: verdicts on constructed sweeps")
struct ScratchAndCheckpointFindingTests {
    /// Rewarmed runs at 3e-3 and 6e-3 and a scratch run (default LR) whose Lup falls from 5.5 to 4.
    static func scratchSweep(scratchEnd: Double = 2.5, seeds: [Int] = [1, 2, 3],
                             scratchUp: [(Double, Double)] = [(0, 5.5), (0.5, 4.5), (1, 4.0)]) -> SweepFixture {
        var fixture = SweepFixture()
        fixture.add(["learning_rate": 3e-3], seeds: seeds, curve: .rewarm(downEnd: 1.6))
        fixture.add(["learning_rate": 6e-3], seeds: seeds, curve: .rewarm(downEnd: 1.57))
        fixture.add(["init_from": nil, "learning_rate": 1e-3, "warmup_ratio": 0.0], name: "scratch", seeds: seeds,
                    curve: Curve(up: scratchUp, down: [(0, 5.5), (1, scratchEnd)]))
        return fixture
    }

    @Test("F5 is reproduced when scratch ends worse on Ldown beyond noise and its Lup keeps falling")
    func scratchReproduced() throws {
        let r = try #require(Self.scratchSweep().results["F5"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 2)
        #expect(r.statistics["rho(step, Lup scratch)"] == -1)
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

    @Test("F5 with one seed is inconclusive: the Ldown gap cannot be compared with a noise")
    func scratchInconclusive() throws {
        let r = try #require(Self.scratchSweep(seeds: [1]).results["F5"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [nil, true])
        #expect(r.notes.contains("no noise estimate (fewer than 3 seeds)"))
    }

    /// Rewarmed runs from the base's 7%, 19% and final checkpoints with the given 0.17T losses.
    static func checkpointSweep(fractions: [Double] = [0.07, 0.19, 1.0], down: [Double] = [2.5, 2.2, 1.9],
                                up: [Double] = [3.6, 3.4, 3.2], seeds: [Int] = [1, 2, 3]) -> SweepFixture {
        var fixture = SweepFixture()
        for (i, f) in fractions.enumerated() {
            fixture.add(["init_from": .string("base@\(f)")], name: f < 1 ? "from-\(Int(f * 100))pct" : nil, seeds: seeds,
                        curve: .rewarm(peak: 3.7, lupEarly: up[i], downEarly: down[i]))
        }
        return fixture
    }

    @Test("F7 is reproduced when later checkpoints give lower losses at 0.17T and the final beats the earliest")
    func checkpointReproduced() throws {
        let r = try #require(Self.checkpointSweep().results["F7"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 3)
        #expect(r.statistics["rho(checkpoint step, Ldown(0.17T))"] == -1)
        #expect(r.points.compactMap { $0.values["checkpoint step"] } == [70, 190, 1000])
        #expect(r.points.first?.label == "from-7pct")
    }

    @Test("F7 is not reproduced when the 19% checkpoint adapts better than the final one")
    func checkpointNotReproduced() throws {
        let r = try #require(Self.checkpointSweep(down: [2.5, 1.8, 1.9]).results["F7"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[0].passed == false)
        #expect(r.checks[2].passed == true)
    }

    @Test("F7 with only one early checkpoint is inconclusive: rho needs three checkpoints")
    func checkpointInconclusive() throws {
        let r = try #require(Self.checkpointSweep(fractions: [0.07, 1.0], down: [2.5, 1.9], up: [3.6, 3.2]).results["F7"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks[0].passed == nil && r.checks[0].text.contains("rho needs >= 3"))
        #expect(r.checks[2].passed == true)
    }

    @Test("F7 is not listed when no run from the final checkpoint shares the early runs' other keys")
    func checkpointNeedsFinal() throws {
        var fixture = SweepFixture()
        fixture.add(["init_from": "base@0.07", "learning_rate": 1e-3], name: "from-7pct", curve: .rewarm())
        fixture.add(["learning_rate": 3e-3], curve: .rewarm())
        #expect(fixture.results["F7"] == nil)
    }
}
