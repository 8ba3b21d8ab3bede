import Foundation

/// The gnuplot charts of the reports, as scripts and data (nothing is written or run here).
enum ChartBuilders {
    /// One line of a loss chart: its key entry and its values across seeds.
    struct Line {
        var label: String
        var band: SeedBand
        /// gnuplot colour and dash (`lc 2 dt 3`); nil for the i-th default style.
        var style: String? = nil
    }

    /// A loss against tokens, one line per entry (the median), a min-max band where seeds differ,
    /// and horizontal reference lines (the base model's final loss). nil when no line has points.
    /// The y axis is logarithmic when the medians span more than a factor of 3 (Ldown(0) of a new
    /// byte distribution is often 5x its final value).
    /// `stageMarks`: where staged conditions' stages begin (`StageMarks`), in tokens.
    static func lossChart(name: String, title: String, kind: LossKind, lines allLines: [Line],
                          references: [(label: String, value: Double)], bands: Bool = true,
                          unit: LossUnit = .natsPerToken,
                          stageMarks: [(label: String, tokens: Int)] = []) -> ReportChart? {
        let lines = allLines.filter { !$0.band.points.isEmpty }
        guard !lines.isEmpty else { return nil }
        var data = GnuplotData(header: [title, "one block per line: tokens median min max seeds (across seeds)"])
        var clauses: [String] = []
        let scale = GnuplotScript.tokenScale(maxTokens: lines.flatMap { $0.band.points.map(\.tokens) }.max() ?? 0)
        let x = scale.divisor == 1 ? "1" : "($1/\(GnuplotScript.number(scale.divisor)))"
        for (i, line) in lines.enumerated() {
            data.block(line.label, rows: line.band.rows)
            let file = i == 0 ? GnuplotScript.quoted(name + ".dat") : "\"\""
            let style = line.style ?? GnuplotScript.style(i)
            if bands && line.band.hasSpread {
                clauses.append("\(file) index \(i) using \(x):3:4 with filledcurves \(style) "
                    + "fs transparent solid 0.15 noborder notitle")
                clauses.append("\"\" index \(i) using \(x):2 with linespoints \(style) lw 2 pt 7 ps 0.5 "
                    + "title \(GnuplotScript.quoted(line.label))")
            } else {
                clauses.append("\(file) index \(i) using \(x):2 with linespoints \(style) lw 2 pt 7 ps 0.5 "
                    + "title \(GnuplotScript.quoted(line.label))")
            }
        }
        for (j, ref) in references.enumerated() {
            clauses.append("\(GnuplotScript.number(ref.value)) with lines lc rgb \"black\" dt \(j + 2) lw 1.5 title "
                + GnuplotScript.quoted("\(ref.label) \(ReportFormat.fixed(ref.value, 3))"))
        }
        let medians = lines.flatMap { $0.band.points.map(\.median) } + references.map(\.value)
        var settings = StageMarks.settings(stageMarks, divisor: scale.divisor)
        if let lo = medians.min(), let hi = medians.max(), lo > 0, hi / lo > 3 { settings.append("set logscale y") }
        let script = GnuplotScript(name: name, title: title, xlabel: scale.label, ylabel: kind.axisLabel(unit),
                                   settings: settings, clauses: clauses,
                                   height: GnuplotScript.height(keyEntries: lines.count + references.count))
        return ReportChart(name: name, title: title, script: script.text, data: data.text)
    }

    /// A point of the trade-off chart: final Ldown (x), final Lup (y), and the tag printed beside it.
    struct TradeoffPoint: Equatable {
        var ldown: Double
        var lup: Double
        var tag: String
    }

    /// Final Lup against final Ldown: per-seed points in grey, each series' condition medians
    /// labelled with their tag, and each series' Pareto front (lower is better on both) as a line.
    static func tradeoffChart(name: String, title: String, series: [(label: String, points: [TradeoffPoint])],
                              seeds: [TradeoffPoint], references: [(label: String, value: Double)],
                              unit: LossUnit = .natsPerToken) -> ReportChart? {
        let series = series.filter { !$0.points.isEmpty }
        guard !series.isEmpty else { return nil }
        var data = GnuplotData(header: [title, "columns: final Ldown  final Lup  tag"])
        var clauses: [String] = []
        var index = 0
        func file() -> String { index == 0 ? GnuplotScript.quoted(name + ".dat") : "\"\"" }
        func rows(_ ps: [TradeoffPoint]) -> [[String]] {
            ps.map { [GnuplotScript.number($0.ldown), GnuplotScript.number($0.lup), $0.tag] }
        }
        if !seeds.isEmpty {
            data.block("each completed seed", rows: rows(seeds))
            clauses.append(
                "\(file()) index \(index) using 1:2 with points pt 6 ps 0.7 lc rgb \"#999999\" title \"seeds\"")
            index += 1
        }
        let one = series.count == 1
        for (i, s) in series.enumerated() {
            data.block("\(s.label): condition medians", rows: rows(s.points))
            let colour = one ? "rgb \"#1f77b4\"" : "\(i % 8 + 1)"
            let textColour = one ? colour : "lt \(i % 8 + 1)"
            clauses.append("\(file()) index \(index) using 1:2 with points pt 7 ps 1.2 lc \(colour) title "
                + GnuplotScript.quoted(one ? "conditions (median over seeds)" : s.label))
            // With many points only the front is labelled (the rest would overprint each other).
            let labelAll = s.points.count <= 15
            if labelAll {
                clauses.append("\"\" index \(index) using 1:2:3 with labels offset char 1,0.7 tc \(textColour) notitle")
            }
            index += 1
            data.block("\(s.label): Pareto front, by Ldown", rows: rows(paretoFront(s.points)))
            if !labelAll {
                clauses.append("\"\" index \(index) using 1:2:3 with labels offset char 1,0.7 tc \(textColour) notitle")
            }
            let frontColour = one ? "lc rgb \"#d62728\"" : "lc \(i % 8 + 1)"
            clauses.append("\"\" index \(index) using 1:2 with linespoints lw 2 pt 6 ps 2 \(frontColour) title "
                + GnuplotScript.quoted(one ? "Pareto front" : "\(s.label) Pareto front"))
            index += 1
        }
        for (j, ref) in references.enumerated() {
            clauses.append("\(GnuplotScript.number(ref.value)) with lines lc rgb \"black\" dt \(j + 2) lw 1.5 title "
                + GnuplotScript.quoted("\(ref.label) \(ReportFormat.fixed(ref.value, 3))"))
        }
        let script = GnuplotScript(
            name: name, title: title, xlabel: "final downstream loss Ldown(T) (\(unit.rawValue); lower = learned more)",
            ylabel: "final upstream loss Lup(T) (\(unit.rawValue); lower = forgot less)",
            settings: ["set autoscale x", "set offsets graph 0.08, graph 0.08, graph 0.08, graph 0.08"],
            clauses: clauses,
            height: GnuplotScript.height(keyEntries: 2 * series.count + references.count + 1))
        return ReportChart(name: name, title: title, script: script.text, data: data.text)
    }

    /// The points no other point beats on both losses (q dominates p when q.ldown <= p.ldown and
    /// q.lup <= p.lup, one strictly), sorted by Ldown.
    static func paretoFront(_ points: [TradeoffPoint]) -> [TradeoffPoint] {
        points.filter { p in
            !points.contains { q in
                q.ldown <= p.ldown && q.lup <= p.lup && (q.ldown < p.ldown || q.lup < p.lup)
            }
        }.sorted { ($0.ldown, $0.lup) < ($1.ldown, $1.lup) }
    }

    /// The learning rate against the optimizer step, one line per entry.
    static func scheduleChart(
        name: String, title: String, lines: [(label: String, points: [(step: Int, lr: Double)])]
    ) -> ReportChart? {
        let lines = lines.filter { !$0.points.isEmpty }
        guard !lines.isEmpty else { return nil }
        var data = GnuplotData(header: [title, "one block per line: step learning_rate"])
        var clauses: [String] = []
        for (i, line) in lines.enumerated() {
            data.block(line.label, rows: line.points.map { [String($0.step), GnuplotScript.number($0.lr)] })
            let file = i == 0 ? GnuplotScript.quoted(name + ".dat") : "\"\""
            clauses.append("\(file) index \(i) using 1:2 with linespoints \(GnuplotScript.style(i)) lw 2 pt 7 ps 0.4 "
                + "title \(GnuplotScript.quoted(line.label))")
        }
        let script = GnuplotScript(
            name: name, title: title, xlabel: "optimizer step of the continual run", ylabel: "learning rate",
            settings: ["set format y \"%.1e\"", "set offsets graph 0, graph 0, graph 0.05, 0"], clauses: clauses,
            height: GnuplotScript.height(keyEntries: lines.count))
        return ReportChart(name: name, title: title, script: script.text, data: data.text)
    }
}
