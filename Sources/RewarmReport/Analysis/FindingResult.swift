/// REPRODUCED / NOT REPRODUCED / INCONCLUSIVE, computed by the rules of `../shared/findings.md`.
public enum Verdict: String, Codable, Sendable, CaseIterable {
    case reproduced = "REPRODUCED"
    case notReproduced = "NOT REPRODUCED"
    case inconclusive = "INCONCLUSIVE"
}

/// One check of a finding's rule, with the numbers behind it.
public struct FindingCheck: Codable, Sendable, Equatable {
    /// What is checked, in words with the numbers: "rho(maxLR, Ldown(T)) = -1.00 (needs -1)".
    public var text: String
    /// nil when the check could not be made (missing seeds, no noise estimate).
    public var passed: Bool?

    public init(_ text: String, passed: Bool?) {
        self.text = text
        self.passed = passed
    }
}

/// One row of the numbers a verdict compares (a condition of the sweep and its seed medians).
public struct FindingPoint: Codable, Sendable, Equatable {
    public var label: String
    public var seeds: Int
    /// Named values, e.g. ["Lup(T)": 3.07, "Ldown(T)": 1.56, "noise Lup(T)": 0.04].
    public var values: [String: Double]

    public init(label: String, seeds: Int, values: [String: Double]) {
        self.label = label
        self.seeds = seeds
        self.values = values
    }
}

/// The verdict of one finding on one sweep.
public struct FindingResult: Codable, Sendable, Equatable {
    /// "F1" ... "F11".
    public var id: String
    public var title: String
    public var verdict: Verdict
    public var checks: [FindingCheck]
    public var points: [FindingPoint]
    /// Named statistics (Spearman rho, noise, spreads), for JSON and tables.
    public var statistics: [String: Double]
    /// False when fewer than 3 seeds: "beyond noise" could not be judged.
    public var hasNoiseEstimate: Bool
    /// Notes for the reader (e.g. which trials were compared, what was missing).
    public var notes: [String]

    public init(id: String, title: String, verdict: Verdict, checks: [FindingCheck], points: [FindingPoint],
                statistics: [String: Double], hasNoiseEstimate: Bool, notes: [String] = []) {
        self.id = id
        self.title = title
        self.verdict = verdict
        self.checks = checks
        self.points = points
        self.statistics = statistics
        self.hasNoiseEstimate = hasNoiseEstimate
        self.notes = notes
    }
}
