/// The "Findings" part of a report: a verdict summary table, then each finding with its checks,
/// the points compared, its statistics and notes.
enum FindingsMarkdown {
    /// The section body (without its `## Findings` heading); `seeds` is the number of distinct
    /// seeds of the sweep, to say when rules v2 make every verdict INCONCLUSIVE.
    static func body(_ results: [FindingResult], seeds: Int) -> String {
        var parts: [String] = []
        parts.append("Verdicts by rules \(RulesV2.rulesVersion) (Rewarm's docs/findings.md, \"Rules v2\"): each check "
            + "prints its estimate, its confidence interval and its threshold or margin; ✓ holds, ✗ fails, "
            + "? straddles or cannot be judged, – trivially true (not counted).\n")
        if seeds < RulesV2.minimumSeeds {
            let ran = seeds <= 1 ? "one seed" : "\(seeds) seeds"
            parts.append("This sweep ran \(ran): a verdict needs at least \(RulesV2.minimumSeeds) seeds per condition, "
                + "so every verdict is INCONCLUSIVE; the checks show what the data say so far.\n")
        }
        guard !results.isEmpty else {
            parts.append("No finding of `findings.md` can be tested with this sweep's trials.\n")
            return parts.joined(separator: "\n")
        }
        parts.append(ReportFormat.table(
            header: ["finding", "verdict"], right: [false, false],
            rows: results.map {
                ["\($0.id) \($0.title)" + (Findings.isBeyondThePapers($0.id) ? " (beyond the papers)" : ""),
                 $0.verdict.rawValue]
            }))
        for r in results { parts.append(finding(r)) }
        return parts.joined(separator: "\n")
    }

    /// One finding: heading, verdict line, checks, points, statistics, notes.
    static func finding(_ r: FindingResult) -> String {
        var parts: [String] = []
        var head = "### \(r.id). \(r.title)\n\n**Verdict: \(r.verdict.rawValue)**"
        if !r.hasEnoughSeeds { head += " (fewer than \(RulesV2.minimumSeeds) seeds in a condition)" }
        parts.append(head + "\n")
        if !r.checks.isEmpty {
            parts.append(r.checks.map { c in
                let mark = switch (c.counted, c.passed) {
                case (false, _): "–"
                case (true, true?): "✓"
                case (true, false?): "✗"
                case (true, nil): "?"
                }
                return "- \(mark) \(c.text)\n"
            }.joined())
        }
        if !r.points.isEmpty { parts.append(pointsTable(r.points)) }
        if !r.statistics.isEmpty {
            let keys = r.statistics.keys.sorted()
            parts.append(ReportFormat.table(header: ["statistic", "value"], right: [false, true],
                                            rows: keys.map { [$0, ReportFormat.number(r.statistics[$0]!)] }))
        }
        if !r.notes.isEmpty { parts.append(r.notes.map { "- \($0)\n" }.joined()) }
        return parts.joined(separator: "\n")
    }

    /// The points as a table: label, seeds, then every value name (sorted) in its own column.
    static func pointsTable(_ points: [FindingPoint]) -> String {
        let names = Set(points.flatMap(\.values.keys)).sorted()
        let rows = points.map { p in
            [p.label, String(p.seeds)] + names.map { p.values[$0].map(ReportFormat.number) ?? "—" }
        }
        return ReportFormat.table(header: ["point", "seeds"] + names,
                                  right: [false, true] + names.map { _ in true }, rows: rows)
    }
}
