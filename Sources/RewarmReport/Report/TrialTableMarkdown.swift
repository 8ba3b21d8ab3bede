/// The trial table of a report: one row per condition with its final losses across seeds.
enum TrialTableMarkdown {
    static let header = ["#", "condition", "seeds", "state", "Lup(T)", "Ldown(T)", "forget", "learn"]

    /// The table and the line under it that says what the columns mean.
    static func table(_ conditions: [ReportCondition], baseLoss: Double?) -> String {
        guard !conditions.isEmpty else { return "The sweep has no trials yet.\n" }
        let rows = conditions.map { c in
            [String(c.index), c.label, String(c.seeds), c.stateText,
             ReportFormat.loss(c.finalUpstream), ReportFormat.loss(c.finalDownstream),
             c.forgetting.map { ReportFormat.signed($0.median, 3) } ?? "—",
             c.learning.map { ReportFormat.signed($0.median, 3) } ?? "—"]
        }
        var text = ReportFormat.table(
            header: header, right: [true, false, true, false, true, true, true, true], rows: rows)
        var legend = "Lup(T), Ldown(T): final validation losses (nats), median ± SD over the completed seeds; "
        legend += "forget = Lup(T) − the base model's final loss"
        legend += baseLoss.map { " (\(ReportFormat.fixed($0, 3)))" } ?? " (no base recorded)"
        legend += "; learn = Ldown(0) − Ldown(T)."
        if let keys = ConfigLabels.legend(keys: conditions.flatMap(\.labelKeys)) { legend += " Keys: \(keys)." }
        text += "\n" + legend + "\n"
        return text
    }
}
