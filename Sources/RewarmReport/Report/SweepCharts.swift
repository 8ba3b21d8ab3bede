import RewarmEngine
import RewarmStore

/// The charts of one sweep's report, built from its conditions and grid axes.
enum SweepCharts {
    /// File stem of an axis chart: `upstream-learning_rate`.
    static func axisChartName(_ kind: LossKind, axis: String) -> String {
        "\(kind.rawValue)-" + String(axis.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
    }

    static let tradeoffName = "tradeoff"
    static let schedulesName = "lr-schedules"

    /// Every chart, in report order: per axis upstream then downstream, the trade-off, the schedules.
    static func all(
        sweep: String, conditions: [ReportCondition], slices: [AxisSlice], baseLoss: Double?,
        unit: LossUnit = .natsPerToken
    ) -> [ReportChart] {
        var charts: [ReportChart] = []
        for slice in slices {
            for kind in LossKind.allCases {
                if let c = axisChart(sweep: sweep, slice: slice, kind: kind, baseLoss: baseLoss, unit: unit) {
                    charts.append(c)
                }
            }
        }
        if let c = tradeoff(sweep: sweep, conditions: conditions, baseLoss: baseLoss, unit: unit) { charts.append(c) }
        for kind in LossKind.allCases {
            if let c = stages(sweep: sweep, conditions: conditions, kind: kind, baseLoss: baseLoss, unit: unit) {
                charts.append(c)
            }
        }
        if let c = schedules(sweep: sweep, conditions: conditions) { charts.append(c) }
        return charts
    }

    static func axisChart(
        sweep: String, slice: AxisSlice, kind: LossKind, baseLoss: Double?, unit: LossUnit = .natsPerToken
    ) -> ReportChart? {
        let held = slice.held.isEmpty ? "" : " (\(slice.held))"
        let lines = slice.lines.map {
            ChartBuilders.Line(label: $0.label, band: SeedBand(trials: $0.condition.trials, metric: kind.value))
        }
        let references = kind == .upstream ? baseLoss.map { [("base model, final", $0)] } ?? [] : []
        return ChartBuilders.lossChart(
            name: axisChartName(kind, axis: slice.name),
            title: "\(sweep): \(kind.rawValue) loss by \(slice.name)\(held); median and range over seeds",
            kind: kind, lines: lines, references: references, unit: unit,
            stageMarks: slice.lines.flatMap {
                StageMarks.marks(config: $0.condition.config, trials: $0.condition.trials, label: $0.label)
            })
    }

    static func stagesName(_ kind: LossKind) -> String { "stages-\(kind.rawValue)" }

    /// Sweeps of at most this many conditions draw every condition beside the staged ones.
    static let stagesChartAllConditions = 6

    /// The staged conditions (`stages`, `recipe`), one line each with its stage boundaries
    /// marked, and in a sweep of at most `stagesChartAllConditions` conditions the others too (a
    /// study of a few recipes reads on one chart); nil when the sweep has no staged condition.
    static func stages(
        sweep: String, conditions: [ReportCondition], kind: LossKind, baseLoss: Double?, unit: LossUnit
    ) -> ReportChart? {
        let staged = conditions.filter { !StageMarks.boundarySteps($0.config).isEmpty }
        guard !staged.isEmpty else { return nil }
        let drawn = conditions.count <= stagesChartAllConditions ? conditions : staged
        let label = { (c: ReportCondition) in "#\(c.index) \(c.label)" }
        let runs = drawn.count > staged.count ? "the runs" : "the staged runs"
        return ChartBuilders.lossChart(
            name: stagesName(kind),
            title: "\(sweep): \(kind.rawValue) loss of \(runs), stage boundaries dotted; median and range over seeds",
            kind: kind,
            lines: drawn.map { ChartBuilders.Line(label: label($0), band: SeedBand(trials: $0.trials, metric: kind.value)) },
            references: kind == .upstream ? baseLoss.map { [("base model, final", $0)] } ?? [] : [], unit: unit,
            stageMarks: staged.flatMap { StageMarks.marks(config: $0.config, trials: $0.trials, label: label($0)) })
    }

    /// Final medians of the completed conditions, tagged with their table number.
    static func tradeoffPoints(_ conditions: [ReportCondition]) -> [ChartBuilders.TradeoffPoint] {
        conditions.compactMap { c in
            guard let up = c.finalUpstream, let down = c.finalDownstream else { return nil }
            return ChartBuilders.TradeoffPoint(ldown: down.median, lup: up.median, tag: String(c.index))
        }
    }

    static func tradeoff(
        sweep: String, conditions: [ReportCondition], baseLoss: Double?, unit: LossUnit = .natsPerToken
    ) -> ReportChart? {
        let seeds = conditions.flatMap { c in
            c.trials.filter { $0.state == .completed }.compactMap { t -> ChartBuilders.TradeoffPoint? in
                guard let last = t.metrics.last, let up = last.upstreamLoss else { return nil }
                return ChartBuilders.TradeoffPoint(ldown: last.downstreamLoss, lup: up, tag: String(c.index))
            }
        }
        return ChartBuilders.tradeoffChart(
            name: tradeoffName, title: "\(sweep): final upstream vs downstream loss (labels: trial table #)",
            series: [("conditions", tradeoffPoints(conditions))], seeds: seeds,
            references: baseLoss.map { [("base model, final", $0)] } ?? [], unit: unit)
    }

    /// The schedule of each condition, read from the `learning_rate` of its first usable trial;
    /// conditions with the same schedule share a line ("#3 #5"). With more than 16 lines the key
    /// shows only the table numbers.
    static func schedules(sweep: String, conditions: [ReportCondition]) -> ReportChart? {
        var groups: [(conditions: [ReportCondition], points: [(step: Int, lr: Double)])] = []
        for c in conditions {
            let trial = c.trials.first { $0.state == .completed }
                ?? c.trials.first { $0.state != .failed && $0.state != .diverged && !$0.metrics.isEmpty }
            let points = (trial?.metrics ?? []).map { (step: $0.step, lr: $0.stepLR) }
            guard !points.isEmpty else { continue }
            if let g = groups.firstIndex(where: {
                $0.points.elementsEqual(points) { $0.step == $1.step && $0.lr == $1.lr }
            }) {
                groups[g].conditions.append(c)
            } else {
                groups.append(([c], points))
            }
        }
        let short = groups.count > 16
        let lines = groups.map { g in
            let numbers = g.conditions.map { "#\($0.index)" }.joined(separator: " ")
            let label = short || g.conditions.count > 1 ? numbers : "\(numbers) \(g.conditions[0].label)"
            return (label: label, points: g.points)
        }
        return ChartBuilders.scheduleChart(
            name: schedulesName, title: "\(sweep): learning-rate schedules (at each evaluation; # = trial table)",
            lines: lines)
    }
}
