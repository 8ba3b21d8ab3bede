import Foundation

/// Refreshes the generated blocks of a Markdown notebook and leaves every other byte as written.
///
/// A block is a marker line, generated content, and `<!-- rewarm:end -->`:
/// ```
/// <!-- rewarm:table sweep=max-lr -->        the sweep's trial table
/// <!-- rewarm:findings sweep=max-lr -->     its findings section
/// <!-- rewarm:chart sweep=max-lr chart=upstream-learning_rate -->   a chart of its report
/// ```
/// Only the lines between a marker and its end are replaced (with the marker line's line ending);
/// markers inside fenced code blocks are text. A chart is rendered into `charts/SWEEP/` next to
/// the notebook and linked relatively. Refreshing twice gives the same text.
public struct NotebookRefresher: Sendable {
    /// The notebook's name in messages (`notebooks-md/study.md`).
    public var file: String
    /// The notebook's folder: charts go to `directory/charts/SWEEP/`.
    public var directory: URL
    /// The reports of the sweeps the notebook may name, by sweep name.
    public var reports: [String: SweepReport]
    /// gnuplot for chart blocks; nil writes the scripts only and says so in the block.
    public var gnuplot: Gnuplot?

    public init(file: String, directory: URL, reports: [String: SweepReport], gnuplot: Gnuplot?) {
        self.file = file
        self.directory = directory
        self.reports = reports
        self.gnuplot = gnuplot
    }

    /// A block found in the text: its marker, and the line indices (0-based) of the marker and its end.
    struct Block {
        var marker: NotebookMarker
        var start: Int
        var end: Int
    }

    /// The sweep names the notebook's blocks name, in order of first use (for the caller to load).
    public static func sweeps(in text: String, file: String) throws(ReportError) -> [String] {
        var names: [String] = []
        for block in try blocks(NotebookLines.split(text), file: file) {
            if let s = block.marker.options["sweep"], !names.contains(s) { names.append(s) }
        }
        return names
    }

    /// The text with every block's content generated afresh. Throws on a malformed marker, an
    /// unknown block kind, sweep or chart, or a block without its end, naming the line.
    public func refresh(text: String) async throws(ReportError) -> String {
        let lines = NotebookLines.split(text)
        let blocks = try Self.blocks(lines, file: file)
        for block in blocks { _ = try resolve(block.marker) }
        var out = ""
        var next = 0
        for block in blocks {
            for line in lines[next...block.start] { out += line }
            let eol = NotebookLines.terminator(lines[block.start])
            let body = try await content(block.marker)
            out += eol + body.replacingOccurrences(of: "\n", with: eol) + eol
            out += lines[block.end]
            next = block.end + 1
        }
        for line in lines[next...] { out += line }
        return out
    }

    /// Reads `url`, refreshes it, and writes it back when anything changed; returns whether it did.
    public func refresh(fileAt url: URL) async throws(ReportError) -> Bool {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .cannotRead(path: url.path, reason: ReportFiles.oneLine(error))
        }
        let text = String(decoding: data, as: UTF8.self)
        let refreshed = try await refresh(text: text)
        guard refreshed != text else { return false }
        try ReportFiles.write(refreshed, to: url)
        return true
    }

    /// The blocks of `lines`, checked: every marker closed by an end before the next marker,
    /// no stray end; markers inside fenced code are ignored.
    static func blocks(_ lines: [Substring], file: String) throws(ReportError) -> [Block] {
        var blocks: [Block] = []
        var open: (marker: NotebookMarker, index: Int)?
        var fence: String?
        for (i, line) in lines.enumerated() {
            if open == nil, NotebookLines.isFence(line) {
                let mark = String(NotebookLines.content(line).prefix(3))
                if fence == nil { fence = mark } else if fence == mark { fence = nil }
                continue
            }
            guard fence == nil,
                  let marker = try NotebookMarker.parse(NotebookLines.content(line), line: i + 1, file: file)
            else { continue }
            switch (marker.kind, open) {
            case (.end, nil): throw .strayEnd(file: file, line: i + 1)
            case (.end, let o?):
                blocks.append(Block(marker: o.marker, start: o.index, end: i))
                open = nil
            case (_, let o?): throw .unclosedBlock(file: file, line: o.marker.line)
            case (_, nil): open = (marker, i)
            }
        }
        if let o = open { throw .unclosedBlock(file: file, line: o.marker.line) }
        return blocks
    }

    /// The report and chart a marker names, or the error naming its line.
    func resolve(_ marker: NotebookMarker) throws(ReportError) -> (SweepReport, ReportChart?) {
        let sweep = marker.options["sweep"] ?? ""
        guard let report = reports[sweep] else { throw .unknownSweep(file: file, line: marker.line, sweep: sweep) }
        guard marker.kind == .chart else { return (report, nil) }
        let name = marker.options["chart"] ?? ""
        guard let chart = report.charts.first(where: { $0.name == name }) else {
            throw .unknownChart(file: file, line: marker.line, chart: name, known: report.charts.map(\.name))
        }
        return (report, chart)
    }

    /// The generated Markdown of a block ("\n" line endings, ending with a newline).
    func content(_ marker: NotebookMarker) async throws(ReportError) -> String {
        let (report, chart) = try resolve(marker)
        switch marker.kind {
        case .table:
            return TrialTableMarkdown.table(
                report.conditions, baseLoss: report.data.baseUpstreamLoss, unit: report.data.lossUnit)
        case .findings:
            return FindingsMarkdown.body(report.findings, seeds: report.seeds.count)
        case .chart:
            let folder = "charts/\(report.data.name)"
            let rendering = try await ChartRendering.render(
                [chart!], in: directory.appendingPathComponent(folder), gnuplot: gnuplot)
            if rendering.skipped {
                return "Chart skipped: gnuplot is not installed (`\(Gnuplot.installHint)`); "
                    + "its script and data are in `\(folder)/`.\n"
            }
            return SweepReport.image(chart!, rendering, folder: folder)
        case .end:
            return ""
        }
    }
}
