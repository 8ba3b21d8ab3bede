import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("F10 infinite schedules and F11 LoRA under rules v2")
struct ScheduleAndLoRAFindingTests {
    /// A rewarmed cosine run (jitter 0.01: peak 3.2, Lup(T) 3.0, Ldown(T) 1.6) and I24's continual
    /// phase (`rewarm: false`, annealed in the last 15%; jitter 0.015: peak 3.1, Lup(T) 3.005, Ldown(T)
    /// `wsdDownEnd`): infinite - cosine per seed is d + (0, -0.005, +0.005). `wsdStates` adds a seed 4
    /// with that state to the infinite run.
    static func scheduleSweep(wsdDownEnd: Double = 1.601, seeds: [Int] = [1, 2, 3],
                              wsdStates: [Int: RunState] = [:]) -> SweepFixture {
        var fixture = SweepFixture()
        fixture.add(["lr_scheduler_type": "cosine"], seeds: seeds, curve: .rewarm(lupEnd: 3.0, downEnd: 1.6))
        fixture.add(["rewarm": false, "anneal_ratio": 0.15], seeds: seeds + wsdStates.keys.sorted(),
                    jitter: 0.015, states: wsdStates, curve: .rewarm(peak: 3.1, lupEnd: 3.005, downEnd: wsdDownEnd))
        return fixture
    }

    @Test("F10 is reproduced when the infinite run ends within 1% of cosine or better on both losses and spikes less")
    func infiniteReproduced() throws {
        let r = try #require(Self.scheduleSweep().results["F10"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 3 && r.checks.allSatisfy { $0.passed == true })
        // Lup(T) infinite - cosine per seed: 0.005 + (0, -0.005, +0.005), SD 0.005; the 90% paired interval is
        // 0.005 +/- t(0.95, 2) 0.005 / sqrt(3) = 0.005 +/- 0.008429 = [-0.003429, 0.013429], below 1% of 3.0.
        let half = 2.919985580355516 * 0.005 / 3.0.squareRoot()
        #expect(r.checks[0].text.contains(String(format: "= 0.0050 [90%% CI %.4f, %.4f] < 0.03 (1%% of Lup(T) of cosine 3): holds",
                                                 0.005 - half, 0.005 + half)), "\(r.checks[0].text)")
        #expect(r.checks[0].text.hasPrefix("Lup(T) rewarm=false, anneal_ratio=0.15 - rewarm=true"), "\(r.checks[0].text)")
        #expect(r.checks[1].text.contains("< 0.016 (1% of Ldown(T) of cosine 1.6): holds"), "\(r.checks[1].text)")
        // Peak rise infinite - cosine: -0.1 + (0, -0.005, +0.005) at 95%: -0.1 +/- 0.01242.
        let rise = 4.302652729749464 * 0.005 / 3.0.squareRoot()
        #expect(r.checks[2].text.contains(String(format: "= -0.100 [95%% CI %.3f, %.3f] < 0: holds", -0.1 - rise, -0.1 + rise)),
                "\(r.checks[2].text)")
        #expect(r.points.count == 2 && r.points.allSatisfy { $0.values["peak rise Lup"] != nil })
    }

    @Test("F10 is not reproduced when the infinite run ends 0.1 higher on Ldown, entirely above the 1% margin")
    func infiniteNotReproduced() throws {
        let r = try #require(Self.scheduleSweep(wsdDownEnd: 1.7).results["F10"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [true, false, true], "\(r.dump)")
    }

    @Test("F10 is inconclusive when the infinite run's Ldown cost of 0.015 has an interval across the 0.016 margin")
    func infiniteInconclusive() throws {
        // 0.015 +/- 0.00843: [0.0066, 0.0234] straddles +0.016.
        let r = try #require(Self.scheduleSweep(wsdDownEnd: 1.615).results["F10"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [true, nil, true], "\(r.dump)")
        #expect(r.checks[1].text.hasSuffix("(1% of Ldown(T) of cosine 1.6): straddles (inconclusive)"))
    }

    @Test("F10 with two seeds is inconclusive by the seed rule")
    func infiniteTwoSeeds() throws {
        let r = try #require(Self.scheduleSweep(seeds: [1, 2]).results["F10"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(!r.hasEnoughSeeds)
    }

    @Test("F10 leaves a failed seed of the infinite run out, notes it, and pairs the three seeds both completed")
    func infiniteFailedSeed() throws {
        let r = try #require(Self.scheduleSweep(wsdStates: [4: .failed]).results["F10"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.notes.contains { $0.contains("anneal_ratio=0.15") && $0.hasSuffix("seed 4 failed: left out") }, "\(r.notes)")
        #expect(r.checks == (try #require(Self.scheduleSweep().results["F10"])).checks)
    }

    @Test("F10 is absent without both an infinite-schedule run and a rewarmed cosine run, and WSD is not one")
    func infiniteAbsent() {
        var cosineOnly = SweepFixture()
        cosineOnly.add(["learning_rate": 3e-3], curve: .rewarm())
        cosineOnly.add(["learning_rate": 6e-3], curve: .rewarm())
        #expect(cosineOnly.results["F10"] == nil)
        var wsdOnly = SweepFixture()
        wsdOnly.add(["lr_scheduler_type": "warmup_stable_decay"], curve: .rewarm())
        #expect(wsdOnly.results["F10"] == nil)
        // A warmup-stable-decay run rewarms and decays within T: F12 compares it with cosine, F10 does not.
        var cosineAndWSD = SweepFixture()
        cosineAndWSD.add([:], seeds: [1, 2, 3], curve: .rewarm())
        cosineAndWSD.add(["lr_scheduler_type": "warmup_stable_decay", "decay_ratio": 0.2], seeds: [1, 2, 3], curve: .rewarm())
        #expect(cosineAndWSD.results["F10"] == nil)
    }

    static let loraLRs: [Double] = [1e-3, 3e-3, 1e-2, 3e-2]

    /// Full training (jitter 0.01) at `fullLRs`, best at 1e-3: Ldown(T) 1.5, 1.55, 1.65, Lup(T) 3.3.
    /// LoRA at each rank in `ranks` (jitter 0.02, then 0.03) at 1e-3, 3e-3, 1e-2, 3e-2: Ldown(T)
    /// `loraDown` + `penalty` (best at 1e-2 by default), Lup(T) `loraUp`. `failBest` adds a failed
    /// seed 4 to the first rank's run at its best LR.
    static func loraSweep(ranks: [Int] = [4, 16], loraDown: [Double] = [1.8, 1.7], loraUp: [Double] = [2.5, 2.6],
                          penalty: [Double] = [0.3, 0.2, 0, 0.1], fullLRs: [Double] = [1e-3, 3e-3, 1e-2],
                          seeds: [Int] = [1, 2, 3], failBest: Bool = false) -> SweepFixture {
        var fixture = SweepFixture()
        for (i, lr) in fullLRs.enumerated() {
            fixture.add(["learning_rate": .double(lr)], seeds: seeds,
                        curve: .rewarm(peak: 3.5, lupEnd: 3.3, downEnd: 1.5 + [0, 0.05, 0.15][i]))
        }
        for (k, rank) in ranks.enumerated() {
            for (i, lr) in loraLRs.enumerated() {
                let fails = failBest && k == 0 && penalty[i] == 0
                fixture.add(["finetuning_type": "lora", "lora_rank": .int(rank), "lora_alpha": 16.0, "learning_rate": .double(lr)],
                            seeds: fails ? seeds + [4] : seeds, jitter: [0.02, 0.03][k], states: fails ? [4: .failed] : [:],
                            curve: .rewarm(peak: 3.0, lupEnd: loraUp[k], downEnd: loraDown[k] + penalty[i]))
            }
        }
        return fixture
    }

    @Test("F11 is reproduced: LoRA learns and forgets less at each rank, gains with rank, best LR 10x full's")
    func loraReproduced() throws {
        let r = try #require(Self.loraSweep().results["F11"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        // Ldown and Lup for r=4 and r=16, the rank ordering, one best-LR ratio per adapter.
        #expect(r.checks.count == 7 && r.checks.allSatisfy { $0.passed == true }, "\(r.dump)")
        // Ldown(T) full - LoRA r=4 per seed: (1.5 + 0.01 o) - (1.8 + 0.02 o) = -0.3 - 0.01 o, SD 0.01:
        // paired, -0.3 +/- t(0.975, 2) 0.01 / sqrt(3) = -0.3 +/- 0.02484 = [-0.325, -0.275].
        let half = 4.302652729749464 * 0.01 / 3.0.squareRoot()
        #expect(r.checks[0].text.contains(String(format: "Ldown(T) full (lr=0.001) - lora r=4 (lr=0.01) = -0.300 [95%% CI %.3f, %.3f] < 0: holds",
                                                 -0.3 - half, -0.3 + half)), "\(r.checks[0].text)")
        #expect(r.checks[1].text.contains("[95% CI 0.775, 0.825] > 0: holds"), "\(r.checks[1].text)")
        #expect(r.checks[4].text.contains("medians lora r=4 1.8 > lora r=16 1.7, in order") && r.checks[4].text.contains("[95% CI"))
        // The best LRs are separated by far more than the jitter: every resample picks 1e-2 and 1e-3.
        #expect(r.checks[5].text.contains("best LR of lora r=4 / best LR of full (4 and 3 LRs) = 10.00 [95% bootstrap CI 10.00, 10.00] > 3: holds"),
                "\(r.checks[5].text)")
        #expect(r.points.count == 11)
    }

    @Test("F11 is not reproduced when the largest rank learns more than full training, or LoRA's best LR is full's")
    func loraNotReproduced() throws {
        let r = try #require(Self.loraSweep(loraDown: [1.8, 1.4]).results["F11"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[2].passed == false && r.checks[2].text.contains("lora r=16"), "\(r.dump)")
        #expect(r.checks[4].passed == true)
        let sameLR = try #require(Self.loraSweep(ranks: [4], penalty: [0, 0.1, 0.2, 0.3]).results["F11"])
        #expect(sameLR.verdict == .notReproduced, "\(sameLR.dump)")
        #expect(sameLR.checks.map(\.passed) == [true, true, false], "\(sameLR.dump)")
        #expect(sameLR.checks[2].text.contains("= 1.000 [95% bootstrap CI 1.000, 1.000] > 3: fails"))
    }

    @Test("F11 is inconclusive when LoRA's best LR flips between 1e-3 and 1e-2 across bootstrap resamples")
    func loraInconclusive() throws {
        // 1e-3 is 0.001 worse than 1e-2, well within the seed jitter: the ratio is 10 on the data but
        // 1 on many resamples, so its interval [1, 10] straddles 3.
        let r = try #require(Self.loraSweep(ranks: [4], penalty: [0.001, 0.2, 0, 0.1]).results["F11"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [true, true, nil], "\(r.dump)")
        #expect(r.checks[2].text.contains("= 10.0 [95% bootstrap CI 1.0, 10.0] > 3: straddles (inconclusive)"),
                "\(r.checks[2].text)")
    }

    @Test("F11 cannot judge the best-LR ratio below B24's grid (full at 2 LRs), so it is inconclusive")
    func loraBelowGrid() throws {
        let r = try #require(Self.loraSweep(ranks: [4], fullLRs: [1e-3, 3e-3]).results["F11"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [true, true, nil], "\(r.dump)")
        #expect(r.checks[2].text.contains("(4 and 2 LRs) = 10.00 [95% bootstrap CI")
            && r.checks[2].text.hasSuffix("cannot be judged (B24's grid needs full at >= 3 LRs and each adapter at >= 4)"))
    }

    @Test("F11 with two seeds is inconclusive by the seed rule")
    func loraTwoSeeds() throws {
        let r = try #require(Self.loraSweep(ranks: [4], seeds: [1, 2]).results["F11"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(!r.hasEnoughSeeds)
    }

    @Test("F11 leaves a failed seed of LoRA's best run out and notes it")
    func loraFailedSeed() throws {
        let r = try #require(Self.loraSweep(ranks: [4], failBest: true).results["F11"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.notes.contains { $0.contains("lora_rank=4") && $0.hasSuffix("seed 4 failed: left out") }, "\(r.dump)")
        #expect(r.checks[0].text.contains("= -0.300 [95% CI -0.325, -0.275]"))
    }

    @Test("F11 is absent without both full training and LoRA")
    func loraAbsent() {
        var fullOnly = SweepFixture()
        fullOnly.add(["learning_rate": 1e-3], curve: .rewarm())
        fullOnly.add(["learning_rate": 3e-3], curve: .rewarm())
        #expect(fullOnly.results["F11"] == nil)
        var loraOnly = SweepFixture()
        for rank in [4, 16] { loraOnly.add(["finetuning_type": "lora", "lora_rank": .int(rank)], curve: .rewarm()) }
        #expect(loraOnly.results["F11"] == nil)
    }
}

@Suite("F10 with I24's continual phase: the constant LR held across the switch and annealed")
struct InfiniteContinualPhaseFindingTests {
    @Test("F10 compares a rewarm-false run with an anneal against the rewarmed cosine run")
    func annealedConstantAgainstCosine() throws {
        var fixture = SweepFixture()
        fixture.add(["lr_scheduler_type": "cosine"], curve: .rewarm(lupEnd: 3.0, downEnd: 1.6))
        fixture.add(["rewarm": false, "anneal_ratio": 0.1], jitter: 0.015,
                    curve: .rewarm(peak: 2.6, lupEnd: 2.6, downEnd: 1.601))
        let r = try #require(fixture.results["F10"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 3)
        #expect(fixture.results["F4"] == nil)  // an annealed run is not the constant-LR baseline
    }
}
