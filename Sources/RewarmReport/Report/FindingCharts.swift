import RewarmEngine
import RewarmStore

/// Charts of the runs each finding compares: for every finding with at least two conditions in
/// its points, Lup and Ldown against tokens (median and min-max band over seeds), so a reader
/// sees the curves behind a verdict, including the extra trials no grid axis chart draws
/// (warmups, scratch, early checkpoints, same-data runs, LoRA ranks).
enum FindingCharts {
    /// File stem of a finding's chart: `F1-upstream`.
    static func name(_ finding: String, _ kind: LossKind) -> String { "\(finding)-\(kind.rawValue)" }

    /// The charts of `findings`, in their order, upstream then downstream for each.
    /// Lines are labelled as in the report's trial table (`#3 lr=0.003`), so a chart reads
    /// against the table.
    static func all(
        sweep: String, findings: [FindingResult], data: SweepData, table: [ReportCondition]
    ) -> [ReportChart] {
        let conditions = ConditionSet(data).conditions
        func tableLabel(_ c: Condition) -> String {
            guard let row = table.first(where: { $0.trials.first?.conditionKey == c.key }) else { return c.label }
            return "#\(row.index) \(row.label)"
        }
        var charts: [ReportChart] = []
        for finding in findings {
            var labels: [String] = []
            for p in finding.points where !labels.contains(p.label) { labels.append(p.label) }
            let members = labels.compactMap { label in conditions.first { $0.label == label } }
            guard members.count >= 2 else { continue }
            for kind in LossKind.allCases {
                let lines = members.map {
                    ChartBuilders.Line(label: tableLabel($0), band: SeedBand(trials: $0.trials, metric: kind.value))
                }
                let references = kind == .upstream
                    ? data.baseUpstreamLoss.map { [("base model, final", $0)] } ?? [] : []
                if let chart = ChartBuilders.lossChart(
                    name: name(finding.id, kind),
                    title: "\(sweep): \(finding.id), \(kind.rawValue) loss of the runs it compares; "
                        + "median and range over seeds",
                    kind: kind, lines: lines, references: references, unit: data.lossUnit,
                    stageMarks: members.flatMap {
                        StageMarks.marks(config: $0.config, trials: $0.trials, label: tableLabel($0))
                    }) {
                    charts.append(chart)
                }
            }
        }
        return charts
    }
}
