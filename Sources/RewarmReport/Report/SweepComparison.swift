import Foundation

/// One report for several sweeps (`rewarm compare A B ...`): an overview, the verdicts side by
/// side, the condition tables side by side (one table per metric, a column per sweep, rows
/// matched by condition label), and charts that overlay the same grid axis of each sweep.
public struct SweepComparison: Sendable {
    public let reports: [SweepReport]
    /// Condition labels in order of first appearance (the first sweep's order, then new ones).
    public let labels: [String]
    public let charts: [ReportChart]

    public init(_ reports: [SweepReport]) throws(ReportError) {
        guard !reports.isEmpty else { throw .noSweeps }
        self.reports = reports
        var labels: [String] = []
        for r in reports { for c in r.conditions where !labels.contains(c.label) { labels.append(c.label) } }
        self.labels = labels
        charts = Self.makeCharts(reports, labels: labels)
    }

    /// `compare-A-B`.
    public var name: String { "compare-" + reports.map(\.data.name).joined(separator: "-") }

    /// The default folder: `DIR/compare-A-B`.
    public func defaultDirectory(results: URL) -> URL { results.appendingPathComponent(name) }

    /// Writes `folder/charts/*` and `folder/report.md` (folder: `defaultDirectory(results:)` or the caller's).
    public func write(folder: URL, gnuplot: Gnuplot?) async throws(ReportError) -> SweepReport.Outcome {
        try await SweepReport.write(markdown: markdown, charts: charts, folder: folder, gnuplot: gnuplot)
    }

    /// Writes the Markdown to `reportFile` (any `.md` path) and the charts to `charts/` beside it.
    public func write(reportFile: URL, gnuplot: Gnuplot?) async throws(ReportError) -> SweepReport.Outcome {
        try await SweepReport.write(markdown: markdown, charts: charts, folder: reportFile.deletingLastPathComponent(),
                                    fileName: reportFile.lastPathComponent, gnuplot: gnuplot)
    }

    public func markdown(_ rendering: ChartRendering) -> String {
        let names = reports.map(\.data.name)
        var parts = ["# Comparison of " + names.map { "`\($0)`" }.joined(separator: ", ") + "\n"]
        parts.append(ReportFormat.table(
            header: ["sweep", "trials", "conditions", "seeds", "base loss", "trains on"],
            right: [false, true, true, true, true, false],
            rows: reports.map { r in
                [r.data.name, String(r.data.trials.count), String(r.conditions.count), String(r.seeds.count),
                 r.data.baseUpstreamLoss.map { ReportFormat.fixed($0, 4) } ?? "—",
                 Set(r.data.trials.compactMap { $0.config["dataset"].map(ConfigLabels.plain) }).sorted()
                     .joined(separator: ", ")]
            }))
        parts.append("## Findings\n")
        parts.append(findingsTable())
        let metrics: [(title: String, cell: (ReportCondition) -> String)] = [
            ("Final upstream loss Lup(T)", { ReportFormat.loss($0.finalUpstream) }),
            ("Final downstream loss Ldown(T)", { ReportFormat.loss($0.finalDownstream) }),
            ("Forgetting: Lup(T) − the sweep's base loss",
             { c in c.forgetting.map { ReportFormat.signed($0.median, 3) } ?? "—" }),
            ("Learning: Ldown(0) − Ldown(T)", { c in c.learning.map { ReportFormat.signed($0.median, 3) } ?? "—" }),
        ]
        for metric in metrics {
            parts.append("## \(metric.title)\n")
            let rows = labels.enumerated().map { i, label in
                [String(i + 1), label]
                    + reports.map { r in r.conditions.first { $0.label == label }.map(metric.cell) ?? "—" }
            }
            parts.append(ReportFormat.table(header: ["#", "condition"] + names,
                                            right: [true, false] + names.map { _ in true }, rows: rows))
        }
        parts.append("Losses: median ± SD over each sweep's completed seeds; "
            + "— where a sweep has no such condition.\n")
        parts.append("## Charts\n")
        if charts.isEmpty {
            parts.append("No charts: no grid axis is shared by two sweeps and no sweep has final losses.\n")
        } else if rendering.skipped {
            parts.append(ChartRendering.skippedLine + "\n")
        } else {
            for chart in charts { parts.append(SweepReport.image(chart, rendering)) }
        }
        return parts.joined(separator: "\n")
    }

    /// One row per finding any sweep tests, one verdict column per sweep.
    func findingsTable() -> String {
        var ids: [(id: String, title: String)] = []
        for r in reports {
            for f in r.findings where !ids.contains(where: { $0.id == f.id }) { ids.append((f.id, f.title)) }
        }
        guard !ids.isEmpty else { return "No finding of `findings.md` can be tested with these sweeps' trials.\n" }
        let names = reports.map(\.data.name)
        let rows = ids.map { f in
            ["\(f.id) \(f.title)"] + reports.map { r in r.findings.first { $0.id == f.id }?.verdict.rawValue ?? "—" }
        }
        return ReportFormat.table(header: ["finding"] + names, right: [false] + names.map { _ in false }, rows: rows)
            + "\nEach sweep's own report has the checks and statistics behind its verdicts.\n"
    }

    /// Per shared axis (in at least two sweeps) an upstream and a downstream chart: colour by the
    /// axis value's position, dash type by sweep; then the trade-off of every sweep.
    static func makeCharts(_ reports: [SweepReport], labels: [String]) -> [ReportChart] {
        var axisNames: [String] = []
        for r in reports { for s in r.slices where !axisNames.contains(s.name) { axisNames.append(s.name) } }
        var charts: [ReportChart] = []
        for axis in axisNames {
            let having = reports.enumerated().compactMap { i, r in
                r.slices.first { $0.name == axis }.map { (i, r, $0) }
            }
            guard having.count >= 2 else { continue }
            for kind in LossKind.allCases {
                let lines = having.flatMap { i, r, slice in
                    slice.lines.enumerated().map { j, line in
                        ChartBuilders.Line(label: "\(r.data.name) \(line.label)",
                                           band: SeedBand(trials: line.condition.trials, metric: kind.value),
                                           style: "lc \(j % 8 + 1) dt \(i % 5 + 1)")
                    }
                }
                let refs = kind == .upstream ? references(having.map(\.1)) : []
                if let c = ChartBuilders.lossChart(
                    name: SweepCharts.axisChartName(kind, axis: axis),
                    title: "\(kind.rawValue) loss by \(axis): " + having.map(\.1.data.name).joined(separator: " vs ")
                        + " (median over seeds; dash = sweep)",
                    kind: kind, lines: lines, references: refs, bands: false) {
                    charts.append(c)
                }
            }
        }
        let series = reports.map { r in
            (label: r.data.name, points: SweepCharts.tradeoffPoints(r.conditions).map { p in
                var q = p
                let label = r.conditions.first { String($0.index) == p.tag }!.label
                q.tag = String(labels.firstIndex(of: label)! + 1)
                return q
            })
        }
        if let c = ChartBuilders.tradeoffChart(
            name: SweepCharts.tradeoffName, title: "final upstream vs downstream loss (labels: condition #)",
            series: series, seeds: [], references: references(reports)) {
            charts.append(c)
        }
        return charts
    }

    /// The base losses of the sweeps, once per distinct value ("A base" or "base" when shared).
    static func references(_ reports: [SweepReport]) -> [(label: String, value: Double)] {
        let values = reports.compactMap { r in r.data.baseUpstreamLoss.map { (r.data.name, $0) } }
        if Set(values.map(\.1)).count == 1, let v = values.first { return [("base model, final", v.1)] }
        return values.map { ("\($0.0) base", $0.1) }
    }
}
