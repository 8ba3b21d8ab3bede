/// The trial table of a report: one row per condition with its final losses across seeds.
enum TrialTableMarkdown {
    static let header = ["#", "condition", "seeds", "state", "Lup(T)", "Ldown(T)", "forget", "learn"]
    /// The bits-per-byte columns, shown beside the losses when those are in nats.
    static let bpbHeader = ["bpb up(T)", "bpb down(T)"]

    /// The table and the line under it that says what the columns mean. With `unit` bits per
    /// byte the loss columns already hold bits per byte, so the bpb columns are left out.
    static func table(_ conditions: [ReportCondition], baseLoss: Double?, unit: LossUnit = .natsPerToken) -> String {
        guard !conditions.isEmpty else { return "The sweep has no trials yet.\n" }
        let withBPB = unit == .natsPerToken
        let rows = conditions.map { c in
            [String(c.index), c.label, String(c.seeds), c.stateText,
             ReportFormat.loss(c.finalUpstream), ReportFormat.loss(c.finalDownstream)]
                + (withBPB ? [ReportFormat.loss(c.finalUpstreamBPB), ReportFormat.loss(c.finalDownstreamBPB)] : [])
                + [c.forgetting.map { ReportFormat.signed($0.median, 3) } ?? "—",
                   c.learning.map { ReportFormat.signed($0.median, 3) } ?? "—"]
        }
        let columns = withBPB ? Array(header[..<6]) + bpbHeader + header[6...] : header
        var text = ReportFormat.table(
            header: columns, right: [true, false, true, false] + Array(repeating: true, count: columns.count - 4),
            rows: rows)
        var legend = "Lup(T), Ldown(T): final validation losses (\(unit.rawValue)), "
            + "median ± SD over the completed seeds; "
        if withBPB { legend += "bpb up(T), bpb down(T): the same in bits per byte of text; " }
        legend += "forget = Lup(T) − the base model's final loss"
        legend += baseLoss.map { " (\(ReportFormat.fixed($0, 3)))" } ?? " (no base recorded)"
        legend += "; learn = Ldown(0) − Ldown(T)."
        if let keys = ConfigLabels.legend(keys: conditions.flatMap(\.labelKeys)) { legend += " Keys: \(keys)." }
        text += "\n" + legend + "\n"
        return text
    }
}
