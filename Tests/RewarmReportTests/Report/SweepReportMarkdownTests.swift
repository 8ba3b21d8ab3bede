import Foundation
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("Sweep report Markdown")
struct SweepReportMarkdownTests {
    /// Every chart rendered, so the Markdown links them all.
    static func allRendered(_ report: SweepReport) -> ChartRendering {
        ChartRendering(rendered: report.charts.map(\.name), failures: [], skipped: false)
    }

    @Test("The report of the fixture sweep equals the golden Markdown byte for byte")
    func goldenMarkdown() throws {
        let report = ReportFixtures.report()
        let text = report.markdown(Self.allRendered(report))
        #expect(try ReportFixtures.goldenDifference(text, "fixture-report.md") == nil)
    }

    @Test("The JSON summary of the fixture sweep equals the golden JSON byte for byte and decodes back")
    func goldenJSON() throws {
        let summary = ReportSummary(ReportFixtures.report())
        let text = summary.jsonText()
        #expect(try ReportFixtures.goldenDifference(text, "fixture-summary.json") == nil)
        let decoded = try JSONDecoder().decode(ReportSummary.self, from: Data(text.utf8))
        #expect(decoded == summary)
    }

    @Test("The same data gives the same Markdown whatever the order of its dictionaries")
    func deterministic() {
        let a = ReportFixtures.report(), b = ReportFixtures.report()
        #expect(Array(a.markdown(Self.allRendered(a)).utf8) == Array(b.markdown(Self.allRendered(b)).utf8))
    }

    @Test("Conditions group seeds; final losses use completed seeds; forgetting and learning are computed per seed")
    func conditionTable() throws {
        let report = ReportFixtures.report()
        #expect(report.conditions.map(\.label) == ["lr=0.0015 rewarm=true", "lr=0.003 rewarm=true", "rewarm=false", "scratch"])
        let lr3 = report.conditions[1]
        #expect(lr3.seeds == 3)
        #expect(lr3.stateText == "2 completed, 1 failed")
        let up = try #require(lr3.finalUpstream)
        // Seeds 1 and 2 at step 30: 2.0 + 0.9 + 0.01 * (seed - 2) -> 2.89 and 2.90.
        #expect(up.count == 2)
        #expect(abs(up.median - 2.895) < 1e-12)
        #expect(abs((up.sd ?? 0) - 0.01 / 2.0.squareRoot()) < 1e-12)
        #expect(abs(try #require(lr3.forgetting).median - 0.895) < 1e-12)
        // Learning Ldown(0) - Ldown(T) = 2.5 - 0.01 * (seed - 2): median of 2.51 and 2.50.
        #expect(abs(try #require(lr3.learning).median - 2.505) < 1e-12)
    }

    @Test("A one-seed sweep says every verdict is inconclusive by the seed rule, and names the rules version")
    func oneSeed() {
        let report = ReportFixtures.report(seeds: [1])
        let text = report.markdown(Self.allRendered(report))
        #expect(text.contains("This sweep ran one seed: a verdict needs at least 3 seeds per condition"))
        #expect(text.contains("Verdicts by rules v2 (2026-12-05)"))
        #expect(ReportSummary(report).rules == "v2 (2026-12-05)")
        #expect(text.contains("1 trials") == false)
        #expect(text.contains("4 trials: 4 conditions, seed 1;"))
        #expect(ReportSummary(report).hasEnoughSeeds == false)
    }

    @Test("A sweep no finding can test says so instead of listing verdicts")
    func noFindings() {
        let report = SweepReport(data: ReportFixtures.data(), findings: [])
        let text = report.markdown(Self.allRendered(report))
        #expect(text.contains("No finding of `findings.md` can be tested with this sweep's trials."))
        #expect(!text.contains("**Verdict"))
        #expect(!text.contains("a verdict needs at least 3 seeds"))
    }

    @Test("Checks show ✓, ✗, ? and – for trivially true; a finding with fewer than 3 seeds says so")
    func checkMarks() {
        let result = FindingResult(
            id: "F2", title: "Rewarming first raises both losses", verdict: .notReproduced,
            checks: [FindingCheck("a", passed: true), FindingCheck("b", passed: false), FindingCheck("c", passed: nil),
                     FindingCheck("d", passed: nil, counted: false)],
            points: [FindingPoint(label: "x|y", seeds: 1, values: ["Lup(T)": 0.0001])],
            statistics: ["rho": -0.5], hasEnoughSeeds: false)
        let text = FindingsMarkdown.finding(result)
        #expect(text.contains("- ✓ a\n- ✗ b\n- ? c\n- – d\n"))
        #expect(text.contains("**Verdict: NOT REPRODUCED** (fewer than 3 seeds in a condition)"))
        #expect(text.contains("| x\\|y | 1 | 1.00e-04 |"))
        #expect(text.contains("| rho | -0.5000 |"))
    }

    @Test("A chart gnuplot failed on is named with the reason instead of a broken image link")
    func failedChart() {
        let report = ReportFixtures.report()
        var rendering = Self.allRendered(report)
        rendering.rendered.removeAll { $0 == "tradeoff" }
        rendering.failures = [ChartFailure(chart: "tradeoff", reason: "gnuplot: line 9: undefined variable")]
        let text = report.markdown(rendering)
        #expect(text.contains("Chart `tradeoff` was not rendered: gnuplot: line 9: undefined variable\n"))
        #expect(!text.contains("charts/tradeoff.png"))
    }

    @Test("A spec holding backticks is fenced with a longer fence")
    func fence() {
        #expect(SweepReport.fenced("a: ```x```\n", language: "yaml") == "````yaml\na: ```x```\n````\n")
        #expect(SweepReport.fenced("a: 1", language: "yaml") == "```yaml\na: 1\n```\n")
    }
}

@Suite("Report numbers")
struct ReportNumberTests {
    @Test("Median, range and sample SD across seeds; non-finite values are left out")
    func seedStatistic() throws {
        let s = try #require(SeedStatistic([3, 1, 2, .nan, 10]))
        #expect(s.median == 2.5 && s.min == 1 && s.max == 10 && s.count == 4)
        // mean 4; squares 1 + 9 + 4 + 36 = 50; / 3.
        #expect(abs(try #require(s.sd) - (50.0 / 3).squareRoot()) < 1e-12)
        #expect(SeedStatistic([2])?.sd == nil)
        #expect(SeedStatistic([.infinity]) == nil)
    }

    @Test("Numbers are fixed-point without a negative zero, signed where asked")
    func formats() {
        #expect(ReportFormat.fixed(-0.0001, 3) == "0.000")
        #expect(ReportFormat.signed(0.7834, 3) == "+0.783")
        #expect(ReportFormat.signed(-0.012, 3) == "-0.012")
        #expect(ReportFormat.signed(0, 3) == "0.000")
        #expect(ReportFormat.loss(SeedStatistic([3.0, 3.02])) == "3.010 ± 0.014")
        #expect(ReportFormat.number(0.0003) == "3.00e-04")
    }

    @Test("The Pareto front keeps the points no other beats on both losses, sorted by Ldown")
    func pareto() {
        let p = { (x: Double, y: Double, t: String) in ChartBuilders.TradeoffPoint(ldown: x, lup: y, tag: t) }
        let points = [p(2.0, 3.0, "a"), p(2.5, 2.5, "b"), p(3.0, 2.0, "c"), p(2.6, 2.6, "d"), p(2.0, 3.1, "e")]
        #expect(ChartBuilders.paretoFront(points).map(\.tag) == ["a", "b", "c"])
    }
}
