import Foundation

/// The verdict rules v2 (docs/findings.md, "Rules v2"): their constants, the checks a finding
/// makes, and how the checks make a verdict.
public enum RulesV2 {
    /// The rules version a report prints beside its verdicts.
    public static let rulesVersion = "v2 (2026-12-05)"
    /// Fewer completed seeds than this in any condition a finding reads: INCONCLUSIVE.
    public static let minimumSeeds = 3
    /// The seeds a study runs; fewer (but >= `minimumSeeds`) gives a verdict and a note.
    public static let recommendedSeeds = 5
    /// The level of "a real difference": the 95% interval excludes the threshold.
    public static let differenceConfidence = 0.95
    /// The level of equivalence and "equivalent or better": the 90% interval (TOST at 5% each side).
    public static let equivalenceConfidence = 0.90
    /// The equivalence margin unless a rule gives one: 1% of the reference value.
    public static let defaultRelativeMargin = 0.01

    /// The verdict of a finding from its checks (only the top-level ones; an ordering's parts
    /// are already in its outcome):
    /// - fewer than `minimumSeeds` seeds in any condition read -> INCONCLUSIVE;
    /// - some counted check fails (its interval on the wrong side) -> NOT REPRODUCED;
    /// - no counted check (none, or every one trivially true) -> INCONCLUSIVE;
    /// - every counted check holds -> REPRODUCED;
    /// - otherwise (some straddle or cannot be judged) -> INCONCLUSIVE.
    public static func verdict(_ checks: [RuleCheck], fewestSeeds: Int) -> RulesV2Verdict {
        if fewestSeeds < minimumSeeds {
            return RulesV2Verdict(.inconclusive, "fewer than \(minimumSeeds) seeds (\(fewestSeeds)) in a condition")
        }
        let counted = checks.filter(\.outcome.counts)
        let failing = counted.filter { $0.outcome == .fails }
        if !failing.isEmpty {
            return RulesV2Verdict(.notReproduced, "fails: " + failing.map(\.statement).joined(separator: "; "))
        }
        if counted.isEmpty {
            let why = checks.isEmpty ? "no check could be made" : "every check is trivially true"
            return RulesV2Verdict(.inconclusive, why)
        }
        let open = counted.filter { $0.outcome != .holds }
        if open.isEmpty {
            let trivial = checks.count - counted.count
            return RulesV2Verdict(.reproduced, "all \(counted.count) counted checks hold"
                + (trivial > 0 ? " (\(trivial) trivially true, not counted)" : ""))
        }
        return RulesV2Verdict(.inconclusive, "no check fails; open: " + open.map(\.statement).joined(separator: "; "))
    }
}

/// A verdict with the one sentence that says why.
public struct RulesV2Verdict: Sendable, Equatable, Codable {
    public var verdict: Verdict
    public var reason: String

    public init(_ verdict: Verdict, _ reason: String) {
        self.verdict = verdict
        self.reason = reason
    }
}

extension RuleCheck {
    /// "a - b `claim`" on two conditions' per-seed values (keyed by seed), by default at 95%:
    /// e.g. `.difference("Ldown(T) 2x - 1x", twoX, minus: oneX, claim: .below(0))`.
    public static func difference(
        _ statement: String, _ a: [Int: Double], minus b: [Int: Double], claim: Claim,
        pairing: Pairing = .pairedWhenSameSeeds, confidence: Double = RulesV2.differenceConfidence,
        margin: Margin? = nil
    ) -> RuleCheck {
        RuleCheck(statement, claim: claim, margin: margin) { () throws(StatisticUnavailable) in
            try IntervalEstimates.difference(a, b, pairing: pairing, confidence: confidence)
        }
    }

    /// "mean per-seed change `claim`" on one condition's per-seed differences (e.g. peak Lup -
    /// Lup(0) per seed), one-sample t, by default at 95%.
    public static func change(
        _ statement: String, perSeed: [Int: Double], claim: Claim,
        confidence: Double = RulesV2.differenceConfidence, margin: Margin? = nil
    ) -> RuleCheck {
        RuleCheck(statement, claim: claim, margin: margin) { () throws(StatisticUnavailable) in
            try IntervalEstimates.oneSample(perSeed.keys.sorted().map { perSeed[$0]! }, confidence: confidence)
        }
    }

    /// Equivalence of a and b within +/- `margin` by two one-sided tests: the 90% interval of
    /// a - b lies inside (-margin, margin) (Schuirmann 1987).
    public static func equivalence(
        _ statement: String, _ a: [Int: Double], minus b: [Int: Double], margin: Margin,
        pairing: Pairing = .pairedWhenSameSeeds
    ) -> RuleCheck {
        difference(statement, a, minus: b, claim: .within(margin: margin.value), pairing: pairing,
                   confidence: RulesV2.equivalenceConfidence, margin: margin)
    }

    /// "Equivalent within `margin` or better", where lower is better: the 90% interval of a - b
    /// lies below +margin (the upper one of TOST's two tests; findings F8, F10, F12, F17, F20).
    public static func equivalentOrLower(
        _ statement: String, _ a: [Int: Double], minus b: [Int: Double], margin: Margin,
        pairing: Pairing = .pairedWhenSameSeeds
    ) -> RuleCheck {
        difference(statement, a, minus: b, claim: .below(margin.value), pairing: pairing,
                   confidence: RulesV2.equivalenceConfidence, margin: margin)
    }
}

extension FindingCheck {
    /// A rules-v2 check as the report's check type: its one-line text, `passed` true when it
    /// holds, false when it fails, nil otherwise (straddles, cannot be judged, and trivially
    /// true, so that no trivially true check can make a v1 aggregation say REPRODUCED). The
    /// verdict of v2 checks comes from `RulesV2.verdict`, never from `FindingBuilder`.
    public init(_ check: RuleCheck) {
        let passed: Bool? = switch check.outcome {
        case .holds: true
        case .fails: false
        default: nil
        }
        self.init(check.line, passed: passed, counted: check.outcome.counts)
    }
}
