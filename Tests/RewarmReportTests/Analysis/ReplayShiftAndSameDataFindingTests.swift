import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("F6 same data, F8 replay and F9 shift strength under rules v2")
struct ReplayShiftAndSameDataFindingTests {
    /// Same-data runs on fortunes-en (the base's corpus, jitter 0.01) with peak rises `sameRise` and
    /// their shifted twins on fortunes-zh (jitter 0.02) with `shiftedRise`, at max LRs 1.5e-3, 3e-3,
    /// 6e-3 (same - shifted per seed: d + (0, +0.01, -0.01)); a constant-LR same-data run whose Lup
    /// stays at 1.7 (jitter 0.002). `shiftedStates` adds a seed 4 with that state to the shifted 6e-3 run.
    static func sameDataSweep(sameRise: [Double] = [0.1, 0.15, 0.2], shiftedRise: [Double] = [0.35, 0.45, 0.55],
                              seeds: [Int] = [1, 2, 3], shiftedStates: [Int: RunState] = [:],
                              constant: Bool = true) -> SweepFixture {
        var fixture = SweepFixture()
        for (i, lr) in [1.5e-3, 3e-3, 6e-3].enumerated() {
            fixture.add(["dataset": "fortunes-en", "learning_rate": .double(lr)], seeds: seeds,
                        curve: .rewarm(peak: 1.7 + sameRise[i], lupEnd: 1.7 + sameRise[i] / 2, downEnd: 1.6, down0: 1.7))
            let extra = i == 2 ? shiftedStates : [:]
            fixture.add(["learning_rate": .double(lr)], seeds: seeds + extra.keys.sorted(), jitter: 0.02, states: extra,
                        curve: .rewarm(peak: 1.7 + shiftedRise[i], lupEnd: 1.7 + shiftedRise[i] - 0.05))
        }
        if constant {
            fixture.add(["dataset": "fortunes-en", "rewarm": false], seeds: seeds, jitter: 0.002,
                        curve: Curve(up: [(0, 1.7), (1, 1.7)], down: [(0, 1.7), (1, 1.65)]))
        }
        return fixture
    }

    @Test("F6 is reproduced: same-data rises are real, grow with the LR, stay below the shifted ones; constant LR flat")
    func sameDataReproduced() throws {
        let r = try #require(Self.sameDataSweep().results["F6"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 9, "\(r.dump)")  // 3 rises, the ordering, 3 same vs shifted, 2 constant-LR
        #expect(r.checks.allSatisfy { $0.passed == true && ($0.text.contains("[95% CI") || $0.text.contains("[90% CI")) })
        // Same - shifted at 1.5e-3: -0.25 + (0, +0.01, -0.01), mean -0.25, SD 0.01, paired (same seeds):
        // -0.25 +/- t(0.975, 2) 0.01 / sqrt(3) = -0.25 +/- 0.02484 = [-0.275, -0.225].
        let half = 4.302652729749464 * 0.01 / 3.0.squareRoot()
        #expect(r.checks[4].text.contains(String(format: "at lr=0.0015 on fortunes-zh = -0.250 [95%% CI %.3f, %.3f] < 0: holds",
                                                 -0.25 - half, -0.25 + half)), "\(r.checks[4].text)")
        // The constant run's Lup(T) - Lup(0) per seed: 0 + (0, -0.002, +0.002); 90% half-width 0.00337 < 0.0085.
        #expect(r.checks[7].text.contains("[90% CI -0.0034, 0.0034] < 0.0085 (0.5% of Lup(0) 1.7): holds"),
                "\(r.checks[7].text)")
        #expect(r.checks[3].text.contains("medians lr=0.0015 0.1 < lr=0.003 0.15 < lr=0.006 0.2, in order"))
        #expect(r.points.count == 7)
    }

    @Test("F6 is not reproduced when the same-data rise at the top LR exceeds the shifted one for real")
    func sameDataNotReproduced() throws {
        let r = try #require(Self.sameDataSweep(sameRise: [0.1, 0.15, 0.6]).results["F6"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[6].passed == false && r.checks[6].text.contains("[95% CI 0.025, 0.075] < 0: fails"), "\(r.dump)")
        #expect(r.checks[3].passed == true)
    }

    @Test("F6 is inconclusive when the same-data rise is below the shifted one by less than the seed noise resolves")
    func sameDataInconclusive() throws {
        // -0.01 + (0, +0.01, -0.01): [95% CI -0.035, 0.015] straddles 0.
        let r = try #require(Self.sameDataSweep(sameRise: [0.1, 0.15, 0.54]).results["F6"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks[6].passed == nil && r.checks[6].text.hasSuffix("straddles (inconclusive)"), "\(r.dump)")
        #expect(r.checks.enumerated().allSatisfy { $0.offset == 6 || $0.element.passed == true })
    }

    @Test("F6 without a constant-LR same-data run is inconclusive: that check cannot be judged")
    func sameDataNeedsConstant() throws {
        let r = try #require(Self.sameDataSweep(constant: false).results["F6"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks.count == 8 && r.checks[7].passed == nil)
        #expect(r.checks[7].text.contains("cannot be judged (the sweep has no constant-LR same-data run)"))
    }

    @Test("F6 with two seeds is inconclusive by the seed rule")
    func sameDataTwoSeeds() throws {
        let r = try #require(Self.sameDataSweep(seeds: [1, 2]).results["F6"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(!r.hasEnoughSeeds && r.notes.contains { $0.contains("fewer than 3 seeds (2)") })
    }

    @Test("F6 leaves a diverged seed of a shifted run out, notes it, and still judges on the three others")
    func sameDataDivergedSeed() throws {
        let r = try #require(Self.sameDataSweep(shiftedStates: [4: .diverged]).results["F6"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.notes.contains { $0.contains("learning_rate=0.006") && $0.hasSuffix("seed 4 diverged: left out") })
        #expect(r.points.contains { $0.label.contains("fortunes-zh") && $0.label.contains("0.006") && $0.seeds == 3 })
        #expect(r.checks[6].text.contains("= -0.350 [95% CI"), "\(r.checks[6].text)")  // paired on seeds 1-3, no 99s
    }

    @Test("F6 is absent when the sweep has no rewarmed same-data run")
    func sameDataAbsent() {
        var fixture = SweepFixture()
        fixture.add(["learning_rate": 3e-3], curve: .rewarm())
        fixture.add(["dataset": "fortunes-en", "rewarm": false], curve: Curve(up: [(0, 1.7), (1, 1.7)], down: [(0, 1.7), (1, 1.65)]))
        #expect(fixture.results["F6"] == nil)
    }

    /// Replay ratios with final Lup `lup` and Ldown `ldown` and seed jitters `jitter`; the base's
    /// final Lup is 1.7, so the forgetting gap is 3.0 - 1.7 = 1.3. `failing` adds a failed seed 4
    /// to the run with that ratio.
    static func replaySweep(ratios: [Double] = [0, 0.01, 0.05, 0.1], lup: [Double] = [3.0, 2.3, 2.0, 1.9],
                            ldown: [Double] = [1.6, 1.6, 1.605, 1.61], jitter: [Double] = [0.01, 0.01, 0.013, 0.01],
                            seeds: [Int] = [1, 2, 3], failing: Double? = nil) -> SweepFixture {
        var fixture = SweepFixture()
        for (i, ratio) in ratios.enumerated() {
            let fails = failing == ratio
            fixture.add(["replay_ratio": .double(ratio)], seeds: fails ? seeds + [4] : seeds, jitter: jitter[i],
                        states: fails ? [4: .failed] : [:],
                        curve: .rewarm(peak: lup[i] + 0.2, lupEnd: lup[i], downEnd: ldown[i]))
        }
        return fixture
    }

    @Test("F8 is reproduced: Lup(T) falls with replay, 5% costs under 1% of Ldown, 1% / 5% close 54% / 77% of the gap")
    func replayReproduced() throws {
        let r = try #require(Self.replaySweep().results["F8"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 4 && r.checks.allSatisfy { $0.passed == true })
        // Ldown(T) 5% - none per seed: 0.005 + (0, -0.003, +0.003), SD 0.003; the 90% paired interval is
        // 0.005 +/- t(0.95, 2) 0.003 / sqrt(3) = 0.005 +/- 0.005058 = [-0.000058, 0.010058], below +0.016.
        let half = 2.919985580355516 * 0.003 / 3.0.squareRoot()
        #expect(r.checks[1].text.contains(String(format: "= 0.0050 [90%% CI %.4f, %.4f] < 0.016 (1%% of Ldown(T) without replay 1.6): holds",
                                                 0.005 - half, 0.005 + half)), "\(r.checks[1].text)")
        #expect(r.checks[2].text.contains("[95% bootstrap CI") && r.checks[2].text.hasSuffix("> 0.4: holds"))
        #expect(abs(try #require(r.statistics["share of the forgetting gap closed by 1% replay"]) - 0.7 / 1.3) < 1e-9)
        #expect(abs(try #require(r.statistics["share of the forgetting gap closed by 5% replay"]) - 1.0 / 1.3) < 1e-9)
        #expect(r.checks[0].text.contains("in order") && r.checks[0].text.contains("[95% CI"))
    }

    @Test("F8 is not reproduced when 1% replay closes only a fifth of the gap, whatever the resample")
    func replayNotReproduced() throws {
        let r = try #require(Self.replaySweep(lup: [3.0, 2.74, 2.0, 1.9]).results["F8"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [true, true, false, true], "\(r.dump)")
        #expect(r.checks[2].text.contains("= 0.20"))
    }

    @Test("F8 is inconclusive when 1% replay closes 41% of the gap but its seeds scatter the bootstrap across 40%")
    func replayInconclusive() throws {
        let r = try #require(Self.replaySweep(lup: [3.0, 2.47, 2.0, 1.9], jitter: [0.01, 0.05, 0.013, 0.01]).results["F8"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [true, true, nil, true], "\(r.dump)")
        #expect(r.checks[2].text.hasSuffix("> 0.4: straddles (inconclusive)"))
    }

    @Test("F8 with two seeds is inconclusive by the seed rule")
    func replayTwoSeeds() throws {
        let r = try #require(Self.replaySweep(seeds: [1, 2]).results["F8"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(!r.hasEnoughSeeds)
    }

    @Test("F8 leaves a failed seed out of the 1% replay run and notes it")
    func replayFailedSeed() throws {
        let r = try #require(Self.replaySweep(failing: 0.01).results["F8"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.notes.contains { $0.contains("0.01") && $0.hasSuffix("seed 4 failed: left out") })
        #expect(r.notes.contains { $0.hasPrefix("3 seeds in a condition: a verdict") })
        #expect(abs(try #require(r.statistics["share of the forgetting gap closed by 1% replay"]) - 0.7 / 1.3) < 1e-9)
    }

    @Test("F8 is absent without a no-replay run to compare with")
    func replayAbsent() {
        #expect(Self.replaySweep(ratios: [0.01, 0.05], lup: [2.3, 2.0], ldown: [1.6, 1.6]).results["F8"] == nil)
    }

    /// Two shifted corpora: fortunes-zh is far from the base (Ldown(0) 12.6) and forgets
    /// `strongEnd` - 1.7; synthetic:b is close (Ldown(0) 3.0) and forgets `weakEnd` - 1.7.
    /// `weakStates` adds a seed 4 with that state to the weak shift.
    static func shiftSweep(strongEnd: Double = 3.1, weakEnd: Double = 2.0, seeds: [Int] = [1, 2, 3],
                           weakStates: [Int: RunState] = [:]) -> SweepFixture {
        var fixture = SweepFixture()
        fixture.add(["dataset": "fortunes-zh"], seeds: seeds, curve: .rewarm(peak: strongEnd + 0.1, lupEnd: strongEnd, down0: 12.6))
        fixture.add(["dataset": "synthetic:b"], seeds: seeds + weakStates.keys.sorted(), states: weakStates,
                    curve: .rewarm(peak: weakEnd + 0.1, lupEnd: weakEnd, down0: 3.0))
        return fixture
    }

    @Test("F9 is reproduced when the stronger shift forgets more than twice as much for real")
    func shiftReproduced() throws {
        let r = try #require(Self.shiftSweep().results["F9"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 2 && r.checks.allSatisfy { $0.passed == true })
        // Strong - 2 x weak per seed: (1.4 + o) - 2 (0.3 + o) = 0.8 - o with o = 0, -0.01, +0.01:
        // mean 0.8, SD 0.01, paired: 0.8 +/- t(0.975, 2) 0.01 / sqrt(3) = [0.775, 0.825].
        let half = 4.302652729749464 * 0.01 / 3.0.squareRoot()
        #expect(r.checks[1].text.contains(String(format: "(fortunes-zh vs synthetic:b) = 0.800 [95%% CI %.3f, %.3f] > 0: holds",
                                                 0.8 - half, 0.8 + half)), "\(r.checks[1].text)")
        #expect(abs(try #require(r.statistics["forgetting (strongest) - 2 x forgetting (weakest)"]) - 0.8) < 1e-9)
        #expect(r.checks[0].text.contains("medians synthetic:b 0.3 < fortunes-zh 1.4, in order"), "\(r.checks[0].text)")
    }

    @Test("F9 is not reproduced when the strong shift forgets less than twice the weak one, or less than it")
    func shiftNotReproduced() throws {
        let r = try #require(Self.shiftSweep(strongEnd: 2.2).results["F9"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [true, false] && r.checks[1].text.contains("= -0.100 [95% CI"))
        let reversed = try #require(Self.shiftSweep(strongEnd: 1.9).results["F9"])
        #expect(reversed.verdict == .notReproduced && reversed.checks[0].passed == false, "\(reversed.dump)")
        #expect(reversed.notes.contains { $0.contains("this strength measure does not rank the shifts") })
    }

    @Test("F9 is inconclusive when the strong shift forgets about twice the weak one within the seed noise")
    func shiftInconclusive() throws {
        // 0.61 - 2 x 0.3 = 0.01 - o: [95% CI -0.015, 0.035] straddles 0.
        let r = try #require(Self.shiftSweep(strongEnd: 2.31).results["F9"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks.map(\.passed) == [true, nil] && r.checks[1].text.hasSuffix("straddles (inconclusive)"))
    }

    @Test("F9 with two seeds is inconclusive by the seed rule")
    func shiftTwoSeeds() throws {
        let r = try #require(Self.shiftSweep(seeds: [1, 2]).results["F9"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(!r.hasEnoughSeeds)
    }

    @Test("F9 leaves a diverged seed of the weak shift out and notes it")
    func shiftDivergedSeed() throws {
        let r = try #require(Self.shiftSweep(weakStates: [4: .diverged]).results["F9"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.notes.contains { $0.contains("synthetic:b") && $0.hasSuffix("seed 4 diverged: left out") })
        #expect(abs(try #require(r.statistics["forgetting (strongest) - 2 x forgetting (weakest)"]) - 0.8) < 1e-9)
    }

    @Test("F9 is absent with one shifted dataset: a same-data run is no second shift")
    func shiftAbsent() {
        var fixture = SweepFixture()
        fixture.add(["dataset": "fortunes-zh"], curve: .rewarm())
        fixture.add(["dataset": "fortunes-en"], curve: .rewarm(down0: 1.7))
        #expect(fixture.results["F9"] == nil)
    }
}
