import Foundation
import RewarmEngine
import RewarmStore

/// The report of one sweep: `DIR/SWEEP/report.md` and `DIR/SWEEP/charts/`, from the sweep's data
/// and the verdicts of the findings it can test (`Findings.evaluate(data)`, passed in).
///
/// The Markdown has no dates and no absolute paths, and orders everything by the sweep's trial
/// order or by sorted keys, so the same data always gives the same bytes.
public struct SweepReport: Sendable {
    public let data: SweepData
    public let findings: [FindingResult]
    /// The conditions in trial-table order.
    public let conditions: [ReportCondition]
    /// What each grid axis's charts draw.
    public let slices: [AxisSlice]
    /// The charts, in report order (scripts and data; rendering happens in `write`).
    public let charts: [ReportChart]

    public init(data: SweepData, findings: [FindingResult]) {
        self.data = data
        self.findings = findings
        conditions = ReportCondition.conditions(of: data)
        slices = AxisSlice.slices(of: data, conditions: conditions)
        charts = SweepCharts.all(sweep: data.name, conditions: conditions, slices: slices,
                                 baseLoss: data.baseUpstreamLoss, unit: data.lossUnit)
            + FindingCharts.all(sweep: data.name, findings: findings, data: data, table: conditions)
    }

    /// What `write` did, and the one line the CLI prints.
    public struct Outcome: Sendable {
        public var reportFile: URL
        public var chartsDirectory: URL
        public var charts: ChartRendering
        /// "wrote results/max-lr/report.md (8 charts)", with the skip or failure count when any.
        public var message: String
    }

    /// The report's folder for a results folder: `DIR/SWEEP`.
    public static func directory(results: URL, sweep: String) -> URL { results.appendingPathComponent(sweep) }

    /// Writes `DIR/SWEEP/charts/*` (rendered with `gnuplot` when given; pass `Gnuplot.locate()`)
    /// and then `DIR/SWEEP/report.md`.
    public func write(results: URL, gnuplot: Gnuplot?) async throws(ReportError) -> Outcome {
        let folder = Self.directory(results: results, sweep: data.name)
        return try await Self.write(markdown: markdown, charts: charts, folder: folder, gnuplot: gnuplot)
    }

    /// Renders `charts` into `folder/charts`, then writes `folder/FILE` from `markdown(rendering)`.
    static func write(markdown: (ChartRendering) -> String, charts: [ReportChart], folder: URL,
                      fileName: String = "report.md", gnuplot: Gnuplot?) async throws(ReportError) -> Outcome {
        let chartsFolder = folder.appendingPathComponent("charts")
        let rendering = try await ChartRendering.render(charts, in: chartsFolder, gnuplot: gnuplot)
        let file = folder.appendingPathComponent(fileName)
        try ReportFiles.write(markdown(rendering), to: file)
        var message = "wrote \(file.relativePath) (\(rendering.rendered.count) charts)"
        if rendering.skipped { message += "; charts skipped: gnuplot not found (\(Gnuplot.installHint))" }
        if !rendering.failures.isEmpty { message += "; \(rendering.failures.count) charts failed (see the report)" }
        return Outcome(reportFile: file, chartsDirectory: chartsFolder, charts: rendering, message: message)
    }

    /// The distinct seeds of the sweep, sorted.
    public var seeds: [Int] { Set(data.trials.map(\.seed)).sorted() }

    /// The whole report as Markdown, with image links for the charts `rendering` says exist.
    public func markdown(_ rendering: ChartRendering) -> String {
        var parts = ["# Sweep `\(data.name)`\n", overview]
        parts.append("## Findings\n")
        parts.append(FindingsMarkdown.body(findings, seeds: seeds.count))
        parts.append("## Trials\n")
        parts.append(TrialTableMarkdown.table(conditions, baseLoss: data.baseUpstreamLoss, unit: data.lossUnit))
        parts.append("## Charts\n")
        parts.append(chartsSection(rendering))
        parts.append("## Spec\n")
        parts.append(Self.fenced(data.specText, language: "yaml"))
        return parts.joined(separator: "\n")
    }

    /// The description, trial counts and what the base and the trials train on.
    var overview: String {
        var lines: [String] = []
        if let d = data.description {
            lines.append("> " + d.split(whereSeparator: \.isNewline).joined(separator: " ") + "\n")
        }
        let states = [RunState.completed, .running, .pending, .failed, .diverged].compactMap { s in
            let n = data.trials.filter { $0.state == s }.count
            return n > 0 ? "\(n) \(s.rawValue)" : nil
        }
        var counts = "\(data.trials.count) trials: \(conditions.count) conditions, "
        counts += (seeds.count == 1 ? "seed " : "seeds ") + seeds.map(String.init).joined(separator: ", ")
        counts += states.isEmpty ? "." : "; " + states.joined(separator: ", ") + "."
        var base = ""
        if let loss = data.baseUpstreamLoss {
            base = "Base model: final loss \(ReportFormat.fixed(loss, 4)) on its corpus"
            if let d = data.baseConfig["dataset"] { base += " `\(ConfigLabels.plain(d))`" }
            if let step = data.baseMetrics.last?.step { base += " (step \(step))" }
            base += "."
        } else {
            base = "No base model recorded: forgetting is not computed."
        }
        let datasets = Set(data.trials.compactMap { $0.config["dataset"].map(ConfigLabels.plain) }).sorted()
        if !datasets.isEmpty {
            base += " Trials train on " + datasets.map { "`\($0)`" }.joined(separator: ", ") + "."
        }
        lines.append(counts + "\n" + base + "\n")
        if data.lossUnit == .bitsPerByte {
            let names = data.tokenizers.map { "`\($0)`" }.joined(separator: ", ")
            let which = data.tokenizers.count > 1 ? "different tokenizers (" + names + ")" : "the tokenizer " + names
            lines.append("The runs used " + which
                + ": losses, comparisons, charts and verdicts are in bits per byte of text, not nats per token.\n")
        }
        return lines.joined(separator: "\n")
    }

    func chartsSection(_ rendering: ChartRendering) -> String {
        guard !charts.isEmpty else { return "No charts: the sweep has no evaluations yet.\n" }
        if rendering.skipped { return ChartRendering.skippedLine + "\n" }
        var parts: [String] = []
        let names = Set(charts.map(\.name))
        for slice in slices {
            let own = LossKind.allCases.map { SweepCharts.axisChartName($0, axis: slice.name) }.filter(names.contains)
            guard !own.isEmpty else { continue }
            var text = "### Loss by `\(slice.name)`\n"
            if !slice.held.isEmpty { text += "\nOther axes held at \(slice.held).\n" }
            parts.append(text)
            for name in own { parts.append(Self.image(charts.first { $0.name == name }!, rendering)) }
        }
        if let tradeoff = charts.first(where: { $0.name == SweepCharts.tradeoffName }) {
            parts.append("### Forgetting vs learning\n")
            parts.append(Self.image(tradeoff, rendering))
            let front = ChartBuilders.paretoFront(SweepCharts.tradeoffPoints(conditions))
            let labels = front.compactMap { p in
                conditions.first { String($0.index) == p.tag }
                    .map { front.count > 8 ? "#\($0.index)" : "#\($0.index) \($0.label)" }
            }
            parts.append("Pareto front (lower is better on both losses): " + labels.joined(separator: "; ") + ".\n")
        }
        if let schedules = charts.first(where: { $0.name == SweepCharts.schedulesName }) {
            parts.append("### Learning-rate schedules\n")
            parts.append(Self.image(schedules, rendering))
        }
        let findingCharts = findings.flatMap { f in
            LossKind.allCases.compactMap { kind in charts.first { $0.name == FindingCharts.name(f.id, kind) } }
        }
        if !findingCharts.isEmpty {
            parts.append("### The runs behind each finding\n")
            for chart in findingCharts { parts.append(Self.image(chart, rendering)) }
        }
        parts.append("Every chart has its gnuplot script, data and SVG beside it in `charts/` "
            + "(`cd charts && gnuplot NAME.gp` renders it again).\n")
        return parts.joined(separator: "\n")
    }

    /// A chart's PNG linking to its SVG, or the reason it was not rendered.
    static func image(_ chart: ReportChart, _ rendering: ChartRendering, folder: String = "charts") -> String {
        if let reason = rendering.failure(chart.name) { return "Chart `\(chart.name)` was not rendered: \(reason)\n" }
        let alt = chart.title.replacingOccurrences(of: "[", with: "(").replacingOccurrences(of: "]", with: ")")
        return "[![\(alt)](\(folder)/\(chart.name).png)](\(folder)/\(chart.name).svg)\n"
    }

    /// `text` in a fenced code block whose fence is longer than any backtick run inside it.
    static func fenced(_ text: String, language: String) -> String {
        var longest = 0, run = 0
        for ch in text {
            run = ch == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let body = text.hasSuffix("\n") ? text : text + "\n"
        return fence + language + "\n" + body + fence + "\n"
    }
}
