import Foundation
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("Sweep comparison")
struct SweepComparisonTests {
    static func comparison() throws -> SweepComparison {
        let a = SweepReport(data: ReportFixtures.data(name: "zh"), findings: ReportFixtures.findings)
        let b = SweepReport(data: ReportFixtures.data(seeds: [1, 2], name: "code", shift: 0.5), findings: [])
        return try SweepComparison([a, b])
    }

    @Test("Condition tables side by side: one table per metric, a column per sweep, rows matched by label")
    func tables() throws {
        let c = try Self.comparison()
        #expect(c.name == "compare-zh-code")
        let text = c.markdown(ChartRendering(rendered: c.charts.map(\.name), failures: [], skipped: false))
        #expect(text.hasPrefix("# Comparison of `zh`, `code`\n"))
        #expect(text.contains("## Final upstream loss Lup(T)\n\n| # | condition | zh | code |\n|---:|---|---:|---:|\n"))
        // lr=0.003 in `code`: seeds 1 and 2 completed, shifted by 0.5: 3.39 and 3.40.
        #expect(text.contains("| 2 | lr=0.003 rewarm=true | 2.895 ± 0.007 | 3.395 ± 0.007 |"))
        #expect(text.contains("| F3 Max LR trades learning for forgetting | REPRODUCED | — |"))
    }

    @Test("Charts overlay the same axis of each sweep, dash type by sweep, and gnuplot renders them")
    func charts() async throws {
        let c = try Self.comparison()
        #expect(c.charts.map(\.name) == ["upstream-learning_rate", "downstream-learning_rate", "upstream-rewarm",
                                         "downstream-rewarm", "tradeoff"])
        let up = try #require(c.charts.first)
        #expect(up.script.contains("title \"zh lr=0.003\""))
        #expect(up.script.contains("lc 2 dt 2 lw 2 pt 7 ps 0.5 title \"code lr=0.003\""))
        // Both sweeps share their base: one reference line.
        #expect(up.script.components(separatedBy: "title \"base model, final 2.000\"").count == 2)
        let gnuplot = try #require(Gnuplot.locate())
        let folder = try ReportTemporaryFolder()
        defer { folder.remove() }
        let outcome = try await c.write(folder: c.defaultDirectory(results: folder.url), gnuplot: gnuplot)
        #expect(outcome.charts.failures == [])
        #expect(folder.size("compare-zh-code/report.md") > 0)
        #expect(folder.size("compare-zh-code/charts/tradeoff.png") > 0)
        #expect(folder.size("compare-zh-code/charts/upstream-rewarm.svg") > 0)
    }

    @Test("A comparison written to a given file puts its charts beside it; without gnuplot it says charts were skipped")
    func customPath() async throws {
        let c = try Self.comparison()
        let folder = try ReportTemporaryFolder()
        defer { folder.remove() }
        let outcome = try await c.write(reportFile: folder.url.appendingPathComponent("out/zh-vs-code.md"), gnuplot: nil)
        #expect(outcome.reportFile.lastPathComponent == "zh-vs-code.md")
        #expect(folder.size("out/charts/tradeoff.gp") > 0 && folder.size("out/charts/tradeoff.dat") > 0)
        let text = try String(contentsOf: outcome.reportFile, encoding: .utf8)
        #expect(text.contains("Charts skipped: gnuplot is not installed (`apt-get install gnuplot-nox`)"))
        #expect(!text.contains(".png"))
    }

    @Test("Comparing no sweep is an error")
    func empty() {
        #expect(throws: ReportError.noSweeps) { try SweepComparison([]) }
    }
}
