import Foundation

/// What a rules-v2 check claims about an estimate d (a difference of seed means, a mean
/// per-seed change, a bootstrapped statistic) and how its confidence interval [L, U] decides.
/// Boundaries are strict: an interval that touches the threshold or the margin straddles it.
public enum Claim: Sendable, Equatable, Codable {
    /// d > threshold by a real difference: holds when L > threshold, fails when U < threshold
    /// (a real difference the wrong way), else straddles.
    case above(Double)
    /// d < threshold by a real difference: holds when U < threshold, fails when L > threshold,
    /// else straddles. At the 90% level with threshold = a margin, this is "equivalent or
    /// better" (non-inferiority, one of the two one-sided tests of Schuirmann 1987).
    case below(Double)
    /// Equivalence by two one-sided tests (Schuirmann 1987, "A comparison of the two one-sided
    /// tests procedure and the power approach for assessing the equivalence of average
    /// bioavailability"): -margin < d < margin, judged on the 90% interval. Holds when
    /// -margin < L and U < margin; fails when the interval lies entirely outside
    /// [-margin, margin] (U < -margin or L > margin); an interval across either edge straddles.
    case within(margin: Double)
    /// d is not above threshold by a real difference ("not worse"): fails when L > threshold,
    /// else holds. It cannot straddle: use it only where a rule says "not worse by a real
    /// difference", since more noise makes it easier to pass.
    case notAbove(Double)
    /// d is not below threshold by a real difference: fails when U < threshold, else holds.
    case notBelow(Double)

    /// The outcome of this claim on `ci`.
    public func judge(_ ci: ConfidenceInterval) -> CheckOutcome {
        let (lo, hi) = (ci.lower, ci.upper)
        switch self {
        case .above(let t): return lo > t ? .holds : hi < t ? .fails : .straddles
        case .below(let t): return hi < t ? .holds : lo > t ? .fails : .straddles
        case .within(let m): return lo > -m && hi < m ? .holds : hi < -m || lo > m ? .fails : .straddles
        case .notAbove(let t): return lo > t ? .fails : .holds
        case .notBelow(let t): return hi < t ? .fails : .holds
        }
    }

    /// "> 0", "< 0.017", "within +/-0.017", "not above 0 by a real difference".
    public var text: String {
        switch self {
        case .above(let t): "> \(RuleCheck.threshold(t))"
        case .below(let t): "< \(RuleCheck.threshold(t))"
        case .within(let m): "within +/-\(RuleCheck.threshold(m))"
        case .notAbove(let t): "not above \(RuleCheck.threshold(t)) by a real difference"
        case .notBelow(let t): "not below \(RuleCheck.threshold(t)) by a real difference"
        }
    }
}

/// The outcome of one check under rules v2.
public enum CheckOutcome: Sendable, Equatable, Codable {
    /// The interval lies on the claimed side (or inside the margin).
    case holds
    /// The interval lies entirely on the wrong side (or entirely outside the margin).
    case fails
    /// The interval crosses the threshold or an edge of the margin: the data cannot tell.
    case straddles
    /// The check cannot fail on these data (e.g. "Ldown falls" when Ldown(0) > ln(vocab)):
    /// shown, never counted toward REPRODUCED.
    case triviallyTrue(reason: String)
    /// No interval could be computed (too few seeds, a missing condition, ...).
    case cannotJudge(reason: String)

    /// "holds", "fails", "straddles (inconclusive)", "trivially true, not counted (why)",
    /// "cannot be judged (why)".
    public var text: String {
        switch self {
        case .holds: "holds"
        case .fails: "fails"
        case .straddles: "straddles (inconclusive)"
        case .triviallyTrue(let reason): "trivially true, not counted (\(reason))"
        case .cannotJudge(let reason): "cannot be judged (\(reason))"
        }
    }

    /// Whether the check counts toward the verdict (every outcome but trivially true).
    public var counts: Bool {
        if case .triviallyTrue = self { return false }
        return true
    }
}

/// A margin of equivalence, fixed before the run, with the words that say where it comes from.
public struct Margin: Sendable, Equatable, Codable {
    /// The half-width m of the band (-m, m); >= 0.
    public var value: Double
    /// "1% of Lup(0) 1.7" or "absolute".
    public var note: String

    public init(value: Double, note: String) {
        self.value = value
        self.note = note
    }

    /// `fraction` x |reference|: the rules' default is 1% of the reference value.
    public static func relative(_ fraction: Double, of reference: Double, named name: String) -> Margin {
        Margin(value: fraction * abs(reference),
               note: "\(Fmt.num(100 * fraction))% of \(name) \(Fmt.num(reference))")
    }

    public static func absolute(_ value: Double) -> Margin { Margin(value: value, note: "absolute") }
}

/// One check of a finding under rules v2: a statement, its estimate and interval, the claim
/// (threshold or margin) and the outcome; an ordering also holds the pair checks it rests on.
public struct RuleCheck: Sendable, Equatable, Codable {
    /// What is estimated: "Ldown(T) 2x - 1x", "max(Lup) - Lup(0) at lr=0.003".
    public var statement: String
    public var claim: Claim
    /// nil when the check could not be judged, or for an ordering (its parts have intervals).
    public var interval: ConfidenceInterval?
    public var margin: Margin?
    public var outcome: CheckOutcome
    /// Extra words printed after the statement, e.g. an ordering's seed medians.
    public var detail: String?
    /// The checks an ordering rests on (its adjacent or extreme pairs), each with its interval.
    public var parts: [RuleCheck]

    public init(statement: String, claim: Claim, interval: ConfidenceInterval?, margin: Margin? = nil,
                outcome: CheckOutcome, detail: String? = nil, parts: [RuleCheck] = []) {
        self.statement = statement
        self.claim = claim
        self.interval = interval
        self.margin = margin
        self.outcome = outcome
        self.detail = detail
        self.parts = parts
    }

    /// Judges `claim` on a computed interval.
    public init(_ statement: String, interval: ConfidenceInterval, claim: Claim, margin: Margin? = nil) {
        self.init(statement: statement, claim: claim, interval: interval, margin: margin,
                  outcome: claim.judge(interval))
    }

    /// Judges `claim` on an interval still to be computed; an unavailable one cannot be judged.
    public init(_ statement: String, claim: Claim, margin: Margin? = nil,
                interval: () throws(StatisticUnavailable) -> ConfidenceInterval) {
        do {
            self.init(statement, interval: try interval(), claim: claim, margin: margin)
        } catch {
            self.init(statement: statement, claim: claim, interval: nil, margin: margin,
                      outcome: .cannotJudge(reason: error.description))
        }
    }

    /// This check marked as one that cannot fail on the data: shown with its numbers, not counted.
    public func triviallyTrue(_ reason: String) -> RuleCheck {
        var copy = self
        copy.outcome = .triviallyTrue(reason: reason)
        return copy
    }

    /// This check, its numbers kept, marked as one that cannot be judged (the rule's
    /// precondition is not met, e.g. warmups too short to differ).
    public func cannotBeJudged(_ reason: String) -> RuleCheck {
        var copy = self
        copy.outcome = .cannotJudge(reason: reason)
        return copy
    }

    /// The check on one line:
    /// "Ldown(T) 2x - 1x = -0.041 [95% CI -0.060, -0.022] < 0: holds", with the margin's source
    /// after an equivalence ("within +/-0.017 (1% of Lup(0) 1.7)"), and an ordering's pairs in
    /// brackets after its outcome.
    public var line: String {
        var text = statement
        if let detail { text += " (\(detail))" }
        if let ci = interval {
            let digits = RuleCheck.decimals(ci)
            let number = { (x: Double) in String(format: "%.\(digits)f", x) }
            let method = ci.method == .bootstrap ? " bootstrap" : ""
            text += " = \(number(ci.estimate)) [\(Fmt.num(100 * ci.confidence))%\(method) CI "
                + "\(number(ci.lower)), \(number(ci.upper))]"
        }
        if parts.isEmpty || interval != nil {
            text += " " + claim.text
            if let margin { text += " (\(margin.note))" }
        }
        text += ": " + outcome.text
        if !parts.isEmpty { text += " [" + parts.map(\.line).joined(separator: "; ") + "]" }
        return text
    }

    /// Decimals that show the interval's half-width to 2 significant digits (0.019 -> 3), or the
    /// estimate to 4 when the interval has no width; between 0 and 10.
    static func decimals(_ ci: ConfidenceInterval) -> Int {
        let half = (ci.upper - ci.lower) / 2
        let scale = half > 0 && half.isFinite ? half : abs(ci.estimate)
        guard scale > 0, scale.isFinite else { return 3 }
        let significant = half > 0 ? 1 : 3
        return max(0, min(10, significant - Int(log10(scale).rounded(.down))))
    }

    /// A threshold or margin as the claim prints it: "0", "0.017", "0.4".
    static func threshold(_ x: Double) -> String { Fmt.num(x) }
}
