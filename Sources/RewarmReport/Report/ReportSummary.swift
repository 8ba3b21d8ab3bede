import Foundation

/// What `rewarm report SWEEP --json` prints: the verdicts and statistics of the findings and the
/// condition table, as JSON with sorted keys.
public struct ReportSummary: Codable, Sendable, Equatable {
    /// One row of the trial table.
    public struct Row: Codable, Sendable, Equatable {
        public var index: Int
        public var label: String
        /// The keys that differ from the sweep's defaults, as text.
        public var diff: [String: String]
        public var seeds: Int
        /// Trials by state (`completed`, `failed`, ...).
        public var states: [String: Int]
        public var upstreamFinal: SeedStatistic?
        public var downstreamFinal: SeedStatistic?
        public var forgetting: SeedStatistic?
        public var learning: SeedStatistic?
        /// The final losses in bits per byte (absent for metrics from before bpb).
        public var upstreamFinalBPB: SeedStatistic?
        public var downstreamFinalBPB: SeedStatistic?

        enum CodingKeys: String, CodingKey {
            case index, label, diff, seeds, states, forgetting, learning
            case upstreamFinal = "upstream_final"
            case downstreamFinal = "downstream_final"
            case upstreamFinalBPB = "upstream_final_bpb"
            case downstreamFinalBPB = "downstream_final_bpb"
        }
    }

    public var sweep: String
    public var trials: Int
    public var seeds: [Int]
    /// The base model's final loss on its own corpus (the reference for forgetting).
    public var baseUpstreamLoss: Double?
    /// False for a sweep of fewer than 3 seeds: every verdict is INCONCLUSIVE by rule.
    public var hasEnoughSeeds: Bool
    /// The rules version of the verdicts.
    public var rules: String
    public var findings: [FindingResult]
    public var conditions: [Row]
    /// What the losses of `findings` and `conditions` are in: "nats" (per token), or "bits per
    /// byte" when the trials used different tokenizers (`SweepData.lossUnit`).
    public var lossUnit: String

    enum CodingKeys: String, CodingKey {
        case sweep, trials, seeds, findings, conditions
        case lossUnit = "loss_unit"
        case baseUpstreamLoss = "base_upstream_loss"
        case hasEnoughSeeds = "has_enough_seeds"
        case rules
    }

    public init(_ report: SweepReport) {
        sweep = report.data.name
        trials = report.data.trials.count
        seeds = report.seeds
        baseUpstreamLoss = report.data.baseUpstreamLoss
        hasEnoughSeeds = report.seeds.count >= RulesV2.minimumSeeds
        rules = RulesV2.rulesVersion
        findings = report.findings
        lossUnit = report.data.lossUnit.rawValue
        conditions = report.conditions.map { c in
            Row(index: c.index, label: c.label, diff: c.diff.mapValues(ConfigLabels.plain), seeds: c.seeds,
                      states: Dictionary(uniqueKeysWithValues: c.stateCounts.map { ($0.state.rawValue, $0.count) }),
                      upstreamFinal: c.finalUpstream, downstreamFinal: c.finalDownstream,
                      forgetting: c.forgetting, learning: c.learning,
                      upstreamFinalBPB: c.finalUpstreamBPB, downstreamFinalBPB: c.finalDownstreamBPB)
        }
    }

    /// Pretty-printed JSON, keys sorted, non-finite numbers as the strings "nan", "inf", "-inf".
    public func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Encoding plain values with these strategies cannot fail.
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
