/// One chart of a report: a gnuplot script and its data, both plain text, written side by side
/// as `STEM.gp` and `STEM.dat`; the script reads `STEM.dat` and writes `STEM.png` and
/// `STEM.svg` in the folder it runs in, so `cd charts && gnuplot STEM.gp` re-renders it.
public struct ReportChart: Sendable, Equatable {
    /// File stem and the name notebooks use (`upstream-learning_rate`, `tradeoff`, `lr-schedules`).
    public let name: String
    /// What the chart shows, for the image's alt text.
    public let title: String
    /// The gnuplot script (`STEM.gp`).
    public let script: String
    /// The data (`STEM.dat`): gnuplot blocks separated by two blank lines, `#` comments.
    public let data: String
}

/// The parts of a gnuplot script every chart shares: labels, style, two terminals.
struct GnuplotScript {
    var name: String
    var title: String
    var xlabel: String
    var ylabel: String
    /// Extra `set` lines (log scales, formats, variables).
    var settings: [String] = []
    /// Plot clauses, joined with ", \".
    var clauses: [String]
    /// Picture height in pixels (the width is 960).
    var height = 540

    /// The whole script: the PNG first, then the same plot replotted as SVG.
    var text: String {
        var lines = [
            "# \(title)",
            "# Re-render from this folder: gnuplot \(name).gp (reads \(name).dat, writes \(name).png and \(name).svg)",
            "set encoding utf8",
            "set title \(Self.quoted(title))",
            "set xlabel \(Self.quoted(xlabel))",
            "set ylabel \(Self.quoted(ylabel))",
            "set grid",
            "set linetype cycle 8",
        ]
        lines += Self.palette.enumerated().map { "set linetype \($0 + 1) lc rgb \"\($1)\" lw 1" }
        lines += [
            "set key below",
            "set offsets graph 0, graph 0, graph 0.05, graph 0.05",
            "set autoscale xfix",
        ]
        lines += settings
        lines += [
            "set terminal pngcairo noenhanced size 960,\(height) font \"sans,10\" background rgb \"white\"",
            "set output \(Self.quoted(name + ".png"))",
            "plot " + clauses.joined(separator: ", \\\n     "),
            "set terminal svg noenhanced size 960,\(height) dynamic font \"sans,10\" background rgb \"white\"",
            "set output \(Self.quoted(name + ".svg"))",
            "replot",
            "unset output",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A gnuplot double-quoted string (`"` and `\` escaped).
    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A number for a script or data file: shortest round-trip form (deterministic).
    static func number(_ x: Double) -> String { ReportFormat.compact(x) }

    /// The eight line colours (Tableau 10 without its grey and olive): readable on white.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    /// How to show a token count on the x axis: the divisor and the unit word, so the ticks read
    /// 0, 50, 100 (thousands) instead of gnuplot's 1e+06 notation.
    static func tokenScale(maxTokens: Int) -> (divisor: Double, label: String) {
        if maxTokens >= 10_000_000 { return (1e6, "training tokens of the continual run (millions)") }
        if maxTokens >= 10_000 { return (1e3, "training tokens of the continual run (thousands)") }
        return (1, "training tokens of the continual run")
    }

    /// Picture height for `entries` key entries below the plot (about three per row).
    static func height(keyEntries entries: Int) -> Int { 480 + 20 * ((entries + 2) / 3) }

    /// Line colour and dash of the i-th line (0-based): eight colours, then dashed variants.
    static func style(_ i: Int) -> String { "lc \(i % 8 + 1) dt \(i / 8 + 1)" }
}

/// Builds the text of a `.dat` file: comment lines and blocks of rows (gnuplot `index` 0, 1, ...).
struct GnuplotData {
    private(set) var text = ""
    private var blocks = 0

    init(header: [String]) {
        text = header.map { "# " + $0 + "\n" }.joined()
    }

    /// Appends a block; `rows` are columns of numbers already formatted.
    mutating func block(_ comment: String, rows: [[String]]) {
        if blocks > 0 { text += "\n\n" }
        text += "# index \(blocks): \(comment)\n"
        for row in rows { text += row.joined(separator: " ") + "\n" }
        blocks += 1
    }
}
