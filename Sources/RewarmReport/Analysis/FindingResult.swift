/// REPRODUCED / NOT REPRODUCED / INCONCLUSIVE, computed by rules v2 (docs/findings.md).
public enum Verdict: String, Codable, Sendable, CaseIterable {
    case reproduced = "REPRODUCED"
    case notReproduced = "NOT REPRODUCED"
    case inconclusive = "INCONCLUSIVE"
}

/// One check of a finding's rule, with the numbers behind it.
public struct FindingCheck: Codable, Sendable, Equatable {
    /// The check on one line with its estimate, interval, claim and outcome:
    /// "Ldown(T) lr=0.006 - lr=0.003 = -0.041 [95% CI -0.064, -0.018] < 0: holds".
    public var text: String
    /// true: holds; false: fails; nil: straddles, cannot be judged, or trivially true.
    public var passed: Bool?
    /// false for a check that cannot fail on the data ("trivially true, not counted").
    public var counted: Bool

    public init(_ text: String, passed: Bool?, counted: Bool = true) {
        self.text = text
        self.passed = passed
        self.counted = counted
    }
}

/// One row of the numbers a verdict compares (a condition of the sweep and its seed medians).
public struct FindingPoint: Codable, Sendable, Equatable {
    public var label: String
    public var seeds: Int
    /// Named values, seed means and SDs: ["Lup(T)": 3.07, "sd Lup(T)": 0.02, "Ldown(T)": 1.56].
    public var values: [String: Double]

    public init(label: String, seeds: Int, values: [String: Double]) {
        self.label = label
        self.seeds = seeds
        self.values = values
    }
}

/// The verdict of one finding on one sweep.
public struct FindingResult: Codable, Sendable, Equatable {
    /// "F1" ... "F18".
    public var id: String
    public var title: String
    public var verdict: Verdict
    public var checks: [FindingCheck]
    public var points: [FindingPoint]
    /// Named statistics (Spearman rho, noise, spreads), for JSON and tables.
    public var statistics: [String: Double]
    /// False when a condition it reads has fewer than 3 completed seeds: INCONCLUSIVE by rule.
    public var hasEnoughSeeds: Bool
    /// The rules version of the verdict (`RulesV2.rulesVersion`).
    public var rules: String
    /// Notes for the reader (e.g. which trials were compared, what was missing).
    public var notes: [String]

    public init(id: String, title: String, verdict: Verdict, checks: [FindingCheck], points: [FindingPoint],
                statistics: [String: Double], hasEnoughSeeds: Bool, notes: [String] = [],
                rules: String = RulesV2.rulesVersion) {
        self.id = id
        self.title = title
        self.verdict = verdict
        self.checks = checks
        self.points = points
        self.statistics = statistics
        self.hasEnoughSeeds = hasEnoughSeeds
        self.rules = rules
        self.notes = notes
    }
}
