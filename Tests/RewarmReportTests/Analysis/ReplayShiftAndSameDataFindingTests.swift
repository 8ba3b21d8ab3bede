import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("F6 same data, F8 replay and F9 shift strength: verdicts on constructed sweeps")
struct ReplayShiftAndSameDataFindingTests {
    /// Replay ratios with final Lup / Ldown; the base's final Lup is 1.7.
    static func replaySweep(ratios: [Double] = [0, 0.01, 0.05, 0.1], lup: [Double] = [3.0, 2.3, 2.0, 1.9],
                            ldown: [Double] = [1.60, 1.605, 1.61, 1.615], seeds: [Int] = [1, 2, 3]) -> SweepFixture {
        var fixture = SweepFixture()
        for (i, ratio) in ratios.enumerated() {
            fixture.add(["replay_ratio": .double(ratio)], seeds: seeds, curve: .rewarm(peak: lup[i] + 0.2, lupEnd: lup[i], downEnd: ldown[i]))
        }
        return fixture
    }

    @Test("F8 is reproduced: forgetting falls with replay, cheaply, and 1% / 5% close 54% / 77% of the gap")
    func replayReproduced() throws {
        let r = try #require(Self.replaySweep().results["F8"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 4)
        #expect(abs(try #require(r.statistics["forgetting gap"]) - 1.3) < 1e-9)
        #expect(abs(try #require(r.statistics["gap closed by 1% replay"]) - 0.7 / 1.3) < 1e-9)
        #expect(abs(try #require(r.statistics["gap closed by 5% replay"]) - 1.0 / 1.3) < 1e-9)
        #expect(r.statistics["rho(replay, Lup(T))"] == -1)
    }

    @Test("F8 is not reproduced when 1% replay closes only a fifth of the gap")
    func replayNotReproduced() throws {
        let r = try #require(Self.replaySweep(lup: [3.0, 2.74, 2.0, 1.9]).results["F8"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[2].passed == false)
        #expect(r.checks[2].text.contains("20%"))
    }

    @Test("F8 is inconclusive when the sweep has no 5% replay run")
    func replayInconclusive() throws {
        let r = try #require(Self.replaySweep(ratios: [0, 0.01, 0.1], lup: [3.0, 2.3, 1.9], ldown: [1.6, 1.605, 1.615]).results["F8"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks[3].passed == nil && r.checks[3].text.contains("no 5% replay run"))
    }

    @Test("F8 judges the Ldown cost against noise + 1%: a 5% cost fails with three seeds")
    func replayCost() throws {
        let r = try #require(Self.replaySweep(ldown: [1.6, 1.605, 1.68, 1.7]).results["F8"])
        #expect(r.checks[1].passed == false, "\(r.dump)")
        #expect(r.verdict == .notReproduced)
    }

    /// Two downstream corpora: fortunes-zh is new to the base (Ldown(0) 12.6), synthetic:b is close (3.0).
    static func shiftSweep(strongEnd: Double = 3.1, weakEnd: Double = 2.0) -> SweepFixture {
        var fixture = SweepFixture()
        fixture.add(["dataset": "fortunes-zh"], curve: .rewarm(peak: strongEnd + 0.1, lupEnd: strongEnd, down0: 12.6))
        fixture.add(["dataset": "synthetic:b"], curve: .rewarm(peak: weakEnd + 0.1, lupEnd: weakEnd, down0: 3.0))
        return fixture
    }

    @Test("F9 is reproduced when the shift with the higher Ldown(0) forgets more than twice as much")
    func shiftReproduced() throws {
        let r = try #require(Self.shiftSweep().results["F9"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(abs(try #require(r.statistics["forgetting strong"]) - 1.4) < 1e-9)
        #expect(abs(try #require(r.statistics["forgetting weak"]) - 0.3) < 1e-9)
    }

    @Test("F9 is not reproduced when the strong shift forgets less than twice the weak one")
    func shiftNotReproduced() throws {
        let r = try #require(Self.shiftSweep(strongEnd: 2.2, weakEnd: 2.0).results["F9"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
    }

    /// Same-data runs on fortunes-en (the base's corpus) and their shifted twins on fortunes-zh,
    /// at three max LRs, and a constant-LR same-data run whose Lup stays flat.
    static func sameDataSweep(sameRise: [Double] = [0.1, 0.15, 0.2], shiftedRise: [Double] = [0.35, 0.45, 0.55]) -> SweepFixture {
        var fixture = SweepFixture()
        for (i, lr) in [1.5e-3, 3e-3, 6e-3].enumerated() {
            fixture.add(["dataset": "fortunes-en", "learning_rate": .double(lr)],
                        curve: .rewarm(peak: 1.7 + sameRise[i], lupEnd: 1.7 + sameRise[i] / 2, downEnd: 1.6, down0: 1.7))
            fixture.add(["learning_rate": .double(lr)],
                        curve: .rewarm(peak: 1.7 + shiftedRise[i], lupEnd: 1.7 + shiftedRise[i] - 0.05))
        }
        fixture.add(["dataset": "fortunes-en", "rewarm": false],
                    curve: Curve(up: [(0, 1.7), (1, 1.7)], down: [(0, 1.7), (1, 1.65)]))
        return fixture
    }

    @Test("F6 is reproduced: same-data rises are real, grow with the LR, stay below the shifted ones; constant LR flat")
    func sameDataReproduced() throws {
        let r = try #require(Self.sameDataSweep().results["F6"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 4)
        #expect(r.statistics["rho(maxLR, peak rise Lup)"] == 1)
    }

    @Test("F6 is not reproduced when the same-data rise at 2x peak exceeds the shifted one")
    func sameDataNotReproduced() throws {
        let r = try #require(Self.sameDataSweep(sameRise: [0.1, 0.15, 0.6]).results["F6"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[2].passed == false)
        #expect(r.checks[1].passed == true)
    }

    @Test("same-data runs stay out of F2 and F3, which only compare shifted continuations")
    func sameDataKeptApart() throws {
        let results = Self.sameDataSweep().results
        let f3 = try #require(results["F3"])
        #expect(f3.points.allSatisfy { !$0.label.contains("fortunes-en") })
        #expect(f3.points.count == 3)
    }
}
