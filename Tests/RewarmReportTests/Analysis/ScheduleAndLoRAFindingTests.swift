import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("F10 infinite schedules and F11 LoRA: verdicts on constructed sweeps")
struct ScheduleAndLoRAFindingTests {
    static func scheduleSweep(wsdDownEnd: Double = 1.601, seeds: [Int] = [1, 2, 3]) -> SweepFixture {
        var fixture = SweepFixture()
        fixture.add(["lr_scheduler_type": "cosine"], seeds: seeds, curve: .rewarm(lupEnd: 3.0, downEnd: 1.6))
        fixture.add(["lr_scheduler_type": "warmup_stable_decay", "decay_ratio": 0.2], seeds: seeds,
                    curve: .rewarm(peak: 3.1, lupEnd: 3.005, downEnd: wsdDownEnd))
        return fixture
    }

    @Test("F10 is reproduced when the WSD run's final losses are within 0.5% of cosine's")
    func infiniteReproduced() throws {
        let r = try #require(Self.scheduleSweep().results["F10"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 2)
        #expect(r.points.count == 2)
        #expect(r.points.allSatisfy { $0.values["peak rise Lup"] != nil })
    }

    @Test("F10 is not reproduced when the WSD run ends 0.1 higher on Ldown with a noise of 0.02")
    func infiniteNotReproduced() throws {
        let r = try #require(Self.scheduleSweep(wsdDownEnd: 1.7).results["F10"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[1].passed == false)
    }

    @Test("F10 with one seed is inconclusive when a final loss differs by more than 0.5%")
    func infiniteInconclusive() throws {
        let r = try #require(Self.scheduleSweep(wsdDownEnd: 1.65, seeds: [1]).results["F10"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [true, nil])
    }

    /// Full training at 1e-3 and 3e-3; LoRA at each rank in `ranks` at 3e-3 and 1e-2 (best at 1e-2).
    static func loraSweep(ranks: [Int] = [4, 8, 16], loraDown: [Double] = [1.8, 1.7, 1.6],
                          loraUp: [Double] = [2.5, 2.6, 2.7], seeds: [Int] = [1, 2, 3]) -> SweepFixture {
        var fixture = SweepFixture()
        fixture.add(["learning_rate": 1e-3], seeds: seeds, curve: .rewarm(peak: 3.4, lupEnd: 3.3, downEnd: 1.5))
        fixture.add(["learning_rate": 3e-3], seeds: seeds, curve: .rewarm(peak: 3.5, lupEnd: 3.4, downEnd: 1.55))
        for (i, rank) in ranks.enumerated() {
            for (lr, worse) in [(3e-3, 0.1), (1e-2, 0.0)] {
                fixture.add(["finetuning_type": "lora", "lora_rank": .int(rank), "lora_alpha": 16.0, "learning_rate": .double(lr)],
                            seeds: seeds, curve: .rewarm(peak: 3.0, lupEnd: loraUp[i], downEnd: loraDown[i] + worse))
            }
        }
        return fixture
    }

    @Test("F11 is reproduced: LoRA learns and forgets less at every rank, gains with rank, best LR 10x full's")
    func loraReproduced() throws {
        let r = try #require(Self.loraSweep().results["F11"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 4)
        #expect(r.statistics["rho(rank, Ldown(T))"] == -1)
        #expect(abs(try #require(r.statistics["best LR ratio lora r=8 / full"]) - 10) < 1e-9)
        #expect(r.points.count == 8)
    }

    @Test("F11 is not reproduced when the largest rank learns more than full training")
    func loraNotReproduced() throws {
        let r = try #require(Self.loraSweep(loraDown: [1.8, 1.7, 1.45]).results["F11"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[0].passed == false && r.checks[0].text.contains("lora r=16"))
    }

    @Test("F11 with two ranks is inconclusive: the rank trend needs three ranks for rho")
    func loraInconclusive() throws {
        let r = try #require(Self.loraSweep(ranks: [4, 8], loraDown: [1.8, 1.7], loraUp: [2.5, 2.6]).results["F11"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks[2].passed == nil)
        #expect(r.checks.filter { $0.passed == true }.count == 3)
    }

    @Test("F11 without an LR grid does not check the best-LR ratio and says so")
    func loraWithoutGrid() throws {
        var fixture = SweepFixture()
        fixture.add([:], curve: .rewarm(lupEnd: 3.3, downEnd: 1.5))
        for (i, rank) in [4, 8, 16].enumerated() {
            fixture.add(["finetuning_type": "lora", "lora_rank": .int(rank)],
                        curve: .rewarm(lupEnd: 2.5 + 0.1 * Double(i), downEnd: 1.8 - 0.1 * Double(i)))
        }
        let r = try #require(fixture.results["F11"])
        #expect(r.checks.count == 3)
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.notes.contains { $0.contains("best-LR ratio is not checked") })
    }
}
