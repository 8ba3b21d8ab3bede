import Foundation
import Testing
@testable import RewarmReport

@Suite("Rules v2: checks, their one-line rendering, orderings and the verdict")
struct RulesV2Tests {
    /// Five seeds of a value near `mean`, spread by `noise` (offsets 0, -1, +1, -2, +2).
    static func seeds(_ mean: Double, noise: Double = 0.01) -> [Int: Double] {
        Dictionary(uniqueKeysWithValues: [0.0, -1, 1, -2, 2].enumerated().map { ($0 + 1, mean + $1 * noise) })
    }

    static func check(_ outcome: CheckOutcome, _ name: String = "x") -> RuleCheck {
        RuleCheck(statement: name, claim: .above(0), interval: nil, outcome: outcome)
    }

    @Test("a real difference prints its estimate, 95% CI and claim on one line")
    func rendering() {
        let lower = Self.seeds(1.56).mapValues { $0 - 0.041 }
        let c = RuleCheck.difference("Ldown(T) 2x - 1x", lower, minus: Self.seeds(1.56), claim: .below(0),
                                     pairing: .welch)
        // Welch: d = -0.041, SE = sqrt(2 x 0.00025 / 5) = 0.01, df = 8, t_{0.975, 8} = 2.306004135204166
        // (stats.t.ppf(0.975, 8)): half-width 0.02306
        #expect(c.line == "Ldown(T) 2x - 1x = -0.041 [95% CI -0.064, -0.018] < 0: holds", "\(c.line)")
        let margin = Margin.relative(0.01, of: 1.7, named: "Lup(0)")
        let e = RuleCheck.equivalence("Lup(0.17T) warmup 0 - 2%", Self.seeds(1.702), minus: Self.seeds(1.7),
                                      margin: margin)
        // Paired with identical noise: every difference is 0.002, no spread: the point [0.002, 0.002].
        #expect(e.line == "Lup(0.17T) warmup 0 - 2% = 0.002000 [90% CI 0.002000, 0.002000] within +/-0.017 "
            + "(1% of Lup(0) 1.7): holds", "\(e.line)")
        let missing = RuleCheck.difference("Lup(T) a - b", [1: 2.0], minus: Self.seeds(1), claim: .above(0))
        #expect(missing.line == "Lup(T) a - b > 0: cannot be judged (a has 1 value(s), needs 2)", "\(missing.line)")
    }

    @Test("each claim holds, fails with its interval on the wrong side, or straddles")
    func claimsAreThreeValued() {
        func ci(_ lo: Double, _ hi: Double) -> ConfidenceInterval {
            ConfidenceInterval(method: .welch, estimate: (lo + hi) / 2, lower: lo, upper: hi, confidence: 0.95,
                               degreesOfFreedom: 4, standardError: 1, countA: 5, countB: 5)
        }
        #expect(Claim.above(0).judge(ci(0.1, 0.2)) == .holds)
        #expect(Claim.above(0).judge(ci(-0.2, -0.1)) == .fails)
        #expect(Claim.above(0).judge(ci(-0.1, 0.2)) == .straddles)
        #expect(Claim.above(0).judge(ci(0, 0.2)) == .straddles)  // touching is not excluding
        #expect(Claim.below(0).judge(ci(-0.2, -0.1)) == .holds)
        #expect(Claim.below(0).judge(ci(0.1, 0.2)) == .fails)
        #expect(Claim.below(0.05).judge(ci(0.01, 0.1)) == .straddles)
        #expect(Claim.notAbove(0).judge(ci(-0.1, 0.2)) == .holds)
        #expect(Claim.notAbove(0).judge(ci(0.1, 0.2)) == .fails)
        #expect(Claim.notBelow(0).judge(ci(-0.2, -0.1)) == .fails)
    }

    @Test("the verdict: every counted check holds -> REPRODUCED; one fails -> NOT REPRODUCED; one open -> INCONCLUSIVE")
    func verdictsAreAllReachable() {
        let trivial = Self.check(.triviallyTrue(reason: "Ldown(0) > ln(256)"), "learns")
        let holds = [Self.check(.holds, "a"), Self.check(.holds, "b"), trivial]
        #expect(RulesV2.verdict(holds, fewestSeeds: 5).verdict == .reproduced)
        #expect(RulesV2.verdict(holds, fewestSeeds: 5).reason
            == "all 2 counted checks hold (1 trivially true, not counted)")
        let fails = RulesV2.verdict([Self.check(.holds), Self.check(.fails, "Lup(T)"), Self.check(.straddles)],
                                    fewestSeeds: 5)
        #expect(fails == RulesV2Verdict(.notReproduced, "fails: Lup(T)"))
        #expect(RulesV2.verdict([Self.check(.holds), Self.check(.straddles)], fewestSeeds: 5).verdict == .inconclusive)
        let blocked = [Self.check(.holds), Self.check(.cannotJudge(reason: "no run"))]
        #expect(RulesV2.verdict(blocked, fewestSeeds: 5).verdict == .inconclusive)
    }

    @Test("only trivially true checks, no check, or fewer than 3 seeds can never be REPRODUCED")
    func guardsAgainstEmptyPasses() {
        let trivial = Self.check(.triviallyTrue(reason: "cannot fail"))
        #expect(RulesV2.verdict([trivial, trivial], fewestSeeds: 5) == RulesV2Verdict(.inconclusive,
                                                                                     "every check is trivially true"))
        #expect(RulesV2.verdict([], fewestSeeds: 5).verdict == .inconclusive)
        #expect(RulesV2.verdict([Self.check(.holds)], fewestSeeds: 2).verdict == .inconclusive)
        #expect(RulesV2.verdict([Self.check(.fails)], fewestSeeds: 2).verdict == .inconclusive)
        #expect(RulesV2.rulesVersion == "v2 (2026-12-05)")
    }

    @Test("an ordering holds when the medians are in order and every adjacent pair is a real difference")
    func orderingHolds() {
        let levels = [OrderLevel("0.5x", Self.seeds(2.83)), OrderLevel("1x", Self.seeds(3.07)),
                      OrderLevel("2x", Self.seeds(3.30))]
        let c = RuleCheck.ordering("Lup(T) rises with max LR", levels: levels, direction: .increasing)
        #expect(c.outcome == .holds, "\(c.line)")
        #expect(c.parts.map(\.statement) == ["1x - 0.5x", "2x - 1x"])
        #expect(c.line.hasPrefix("Lup(T) rises with max LR (medians 0.5x 2.83 < 1x 3.07 < 2x 3.3, in order): holds ["))
    }

    @Test("an ordering straddles when medians are out of order within the noise, and fails on a real reversal")
    func orderingStraddlesAndFails() {
        // Ldown(T) of the calibration table: 1.63, 1.56, 1.57 (2x not below 1x).
        let saturated = [OrderLevel("0.5x", Self.seeds(1.63)), OrderLevel("1x", Self.seeds(1.56, noise: 0.02)),
                         OrderLevel("2x", Self.seeds(1.57, noise: 0.03))]
        let down = RuleCheck.ordering("Ldown(T) falls with max LR", levels: saturated, direction: .decreasing,
                                      pairing: .welch)
        #expect(down.outcome == .straddles, "\(down.line)")
        // One adjacent pair suffices (F3): still not in order, so not a pass.
        let some = RuleCheck.ordering("Ldown(T)", levels: saturated, direction: .decreasing,
                                      requirement: .someAdjacentPair, pairing: .welch)
        #expect(some.outcome == .straddles)
        let reversed = [OrderLevel("0.5x", Self.seeds(1.50)), OrderLevel("1x", Self.seeds(1.60))]
        #expect(RuleCheck.ordering("Ldown(T)", levels: reversed, direction: .decreasing).outcome == .fails)
        #expect(RuleCheck.ordering("Ldown(T)", levels: [reversed[0]], direction: .decreasing).outcome
            == .cannotJudge(reason: "fewer than 2 levels"))
    }

    @Test("a check, with its parts, survives a JSON round trip (for `rewarm report --json`)")
    func codable() throws {
        let levels = [OrderLevel("0.5x", Self.seeds(2.83)), OrderLevel("1x", Self.seeds(3.07))]
        let c = RuleCheck.ordering("Lup(T)", levels: levels, direction: .increasing)
            .triviallyTrue("example")
        let back = try JSONDecoder().decode(RuleCheck.self, from: JSONEncoder().encode(c))
        #expect(back == c)
    }

    @Test("an ordering by its extremes needs the last level beyond the first, and the medians in order")
    func orderingByExtremes() {
        // Checkpoints 7%, 19%, 100%: adjacent pairs within the noise, final vs earliest real.
        let noisy = 0.05
        let levels = [OrderLevel("7%", Self.seeds(2.00, noise: noisy)),
                      OrderLevel("19%", Self.seeds(1.97, noise: noisy)),
                      OrderLevel("100%", Self.seeds(1.80, noise: noisy))]
        let c = RuleCheck.ordering("Ldown(0.17T) falls with checkpoint step", levels: levels, direction: .decreasing,
                                   requirement: .extremes, pairing: .welch)
        #expect(c.outcome == .holds, "\(c.line)")
        #expect(c.parts.last?.statement == "100% - 7%")
        let every = RuleCheck.ordering("same", levels: levels, direction: .decreasing, pairing: .welch)
        #expect(every.outcome == .straddles, "\(every.line)")
    }
}
