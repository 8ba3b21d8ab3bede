import Foundation
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("Finding charts")
struct FindingChartTests {
    @Test("every finding comparing two or more conditions gets Lup and Ldown charts with one line per condition, labelled as in the table")
    func chartsPerFinding() throws {
        let data = ReportFixtures.data()
        let findings = Findings.evaluate(data)
        let report = SweepReport(data: data, findings: findings)
        let charted = findings.filter { Set($0.points.map(\.label)).count >= 2 }
        let conditions = ConditionSet(data).conditions
        #expect(!charted.isEmpty)
        for finding in charted {
            // Labelled as in the trial table: "#index label".
            let labels = Set(finding.points.map(\.label)).map { label -> String in
                let c = conditions.first { $0.label == label }!
                let row = report.conditions.first { $0.trials.first?.conditionKey == c.key }!
                return "#\(row.index) \(row.label)"
            }
            for kind in ["upstream", "downstream"] {
                let chart = try #require(report.charts.first { $0.name == "\(finding.id)-\(kind)" })
                // One data block per condition, headed by its label.
                for label in labels { #expect(chart.data.contains(": \(label)\n"), "\(finding.id) \(kind): \(label)") }
            }
        }
        let markdown = report.markdown(ChartRendering(rendered: report.charts.map(\.name), failures: [], skipped: false))
        #expect(markdown.contains("### The runs behind each finding"))
        #expect(markdown.contains("(charts/\(charted[0].id)-upstream.png)"))
    }
}
