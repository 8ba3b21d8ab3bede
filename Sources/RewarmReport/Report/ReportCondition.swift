import RewarmEngine
import RewarmStore

/// One condition of a sweep: the trials that share a config but for the seed, with the final
/// losses summarised across seeds. Final values come from completed trials only.
public struct ReportCondition: Sendable {
    /// 1-based position in the trial table (conditions in the order of their first trial).
    public let index: Int
    /// The extra trial's name; for a grid point its value on every grid axis where it is not
    /// moot, in the spec's axis order (`lr=0.003 warmup=0`).
    public private(set) var label: String
    /// The config keys (or axis names) the label shows, for the table's key legend.
    public private(set) var labelKeys: [String]
    /// The trials, one per seed, in the sweep's order.
    public let trials: [TrialSeries]
    /// The shared config (without the seed).
    public let config: [String: ConfigValue]
    /// The keys that differ from the sweep's defaults.
    public let diff: [String: ConfigValue]
    /// True when no trial of the condition is an explicit extra trial.
    public let isGridPoint: Bool
    /// Final upstream loss Lup(T) across completed seeds.
    public let finalUpstream: SeedStatistic?
    /// Final downstream loss Ldown(T) across completed seeds.
    public let finalDownstream: SeedStatistic?
    /// Forgetting Lup(T) - L_base (the base's final loss on its own corpus), across completed seeds.
    public let forgetting: SeedStatistic?
    /// Learning Ldown(0) - Ldown(T), across completed seeds.
    public let learning: SeedStatistic?
    /// Final upstream and downstream bits per byte across completed seeds (nil for metrics from
    /// before bpb was recorded).
    public let finalUpstreamBPB: SeedStatistic?
    public let finalDownstreamBPB: SeedStatistic?

    /// Seeds (trials) of the condition, whatever their state.
    public var seeds: Int { trials.count }

    /// Trials by state, in the order completed, running, pending, failed, diverged (absent states left out).
    public var stateCounts: [(state: RunState, count: Int)] {
        [RunState.completed, .running, .pending, .failed, .diverged].compactMap { state in
            let n = trials.filter { $0.state == state }.count
            return n > 0 ? (state, n) : nil
        }
    }

    /// "3 completed" or "2 completed, 1 failed".
    public var stateText: String { stateCounts.map { "\($0.count) \($0.state.rawValue)" }.joined(separator: ", ") }

    /// The conditions of `data` (`ConditionSet`: trials equal but for the seed, in the order of
    /// each condition's first trial) as table rows, labelled by their grid values.
    public static func conditions(of data: SweepData) -> [ReportCondition] {
        var conditions = ConditionSet(data).conditions.enumerated().map { i, condition in
            ReportCondition(index: i + 1, trials: condition.trials, baseLoss: data.baseUpstreamLoss)
        }
        let axes = AxisSlice.axes(of: data, conditions: conditions)
        for i in conditions.indices where conditions[i].isGridPoint && !axes.isEmpty {
            let shown = axes.filter { !RunConfig.isMoot($0.key, in: conditions[i].config) }
            conditions[i].label = shown.map {
                "\(ConfigLabels.short($0.name))=\(ConfigLabels.plain(conditions[i].config[$0.key] ?? .null))"
            }.joined(separator: " ")
            conditions[i].labelKeys = shown.map(\.name)
        }
        return conditions
    }

    init(index: Int, trials: [TrialSeries], baseLoss: Double?) {
        let first = trials[0]
        self.index = index
        self.trials = trials
        config = first.condition
        var diff = first.diff
        diff["seed"] = nil
        self.diff = diff
        isGridPoint = trials.allSatisfy { $0.name == nil }
        label = trials.compactMap(\.name).first ?? ConfigLabels.label(diff: diff)
        labelKeys = trials.contains { $0.name != nil } ? [] : diff.keys.sorted()
        let done = trials.filter { $0.state == .completed }
        let ups = done.compactMap { $0.metrics.last?.upstreamLoss }
        let downs = done.compactMap { $0.metrics.last?.downstreamLoss }
        finalUpstream = SeedStatistic(ups)
        finalDownstream = SeedStatistic(downs)
        finalUpstreamBPB = SeedStatistic(done.compactMap { $0.metrics.last?.upstreamBPB })
        finalDownstreamBPB = SeedStatistic(done.compactMap { $0.metrics.last?.downstreamBPB })
        forgetting = baseLoss.flatMap { b in SeedStatistic(ups.map { $0 - b }) }
        learning = SeedStatistic(done.compactMap { t in
            guard let first = t.metrics.first, first.step == 0, let last = t.metrics.last else { return nil }
            return first.downstreamLoss - last.downstreamLoss
        })
    }
}
