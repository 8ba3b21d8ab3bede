import Foundation
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("Report charts")
struct ReportChartTests {
    @Test("The fixture has per-axis loss charts, the trade-off and the schedules")
    func chartNames() {
        #expect(ReportFixtures.report().charts.map(\.name) == [
            "upstream-learning_rate", "downstream-learning_rate", "upstream-rewarm", "downstream-rewarm",
            "tradeoff", "lr-schedules",
        ])
    }

    @Test("An axis chart draws one line per value with the other axes held; moot axes match any setting")
    func axisSlices() throws {
        let report = ReportFixtures.report()
        let lr = try #require(report.slices.first { $0.key == "learning_rate" })
        #expect(lr.lines.map(\.label) == ["lr=0.0015", "lr=0.003"])
        #expect(lr.held == "rewarm=true")
        let rewarm = try #require(report.slices.first { $0.key == "rewarm" })
        #expect(rewarm.lines.map(\.label) == ["rewarm=true", "rewarm=false"])
        #expect(rewarm.lines.map(\.condition.label) == ["lr=0.0015 rewarm=true", "rewarm=false"])
        #expect(rewarm.held == "lr=0.0015")
    }

    @Test("A loss chart's data has one block per line with median, min and max across seeds; upstream has the base line")
    func lossChartData() throws {
        let chart = try #require(ReportFixtures.report().charts.first { $0.name == "upstream-learning_rate" })
        let blocks = chart.data.components(separatedBy: "\n\n\n")
        #expect(blocks.count == 2)
        // lr=0.0015 at step 10 (20480 tokens): seeds 1, 2, 3 give 2.6 + 0.01 (seed - 2) / 3.
        let row = try #require(blocks[0].split(separator: "\n").first { $0.hasPrefix("20480 ") })
        let cols = row.split(separator: " ").compactMap { Double($0) }
        #expect(cols.count == 5)
        #expect(abs(cols[1] - 2.6) < 1e-9 && abs(cols[2] - (2.6 - 0.01 / 3)) < 1e-9 && abs(cols[3] - (2.6 + 0.01 / 3)) < 1e-9)
        #expect(cols[4] == 3)
        // lr=0.003: the failed third seed is left out, two seeds remain.
        let row2 = try #require(blocks[1].split(separator: "\n").first { $0.hasPrefix("20480 ") })
        #expect(row2.hasSuffix(" 2"))
        #expect(chart.script.contains("2 with lines lc rgb \"black\" dt 2 lw 1.5 title \"base model, final 2.000\""))
        #expect(chart.script.contains("with filledcurves"))
        #expect(chart.script.contains("set output \"upstream-learning_rate.png\""))
        #expect(chart.script.contains("set output \"upstream-learning_rate.svg\""))
        #expect(chart.script.contains("\"upstream-learning_rate.dat\" index 0"))
    }

    @Test("gnuplot accepts every chart script: each PNG and SVG is written and not empty")
    func gnuplotRenders() async throws {
        let gnuplot = try #require(Gnuplot.locate(), "gnuplot is installed on this machine")
        let folder = try ReportTemporaryFolder()
        defer { folder.remove() }
        let report = ReportFixtures.report()
        let outcome = try await report.write(results: folder.url, gnuplot: gnuplot)
        #expect(outcome.charts.failures == [])
        #expect(outcome.charts.rendered == report.charts.map(\.name))
        for chart in report.charts {
            for ext in ["gp", "dat", "png", "svg"] {
                #expect(folder.size("fixture/charts/\(chart.name).\(ext)") > 0, "\(chart.name).\(ext)")
            }
        }
        let markdown = try String(contentsOf: outcome.reportFile, encoding: .utf8)
        #expect(markdown == report.markdown(outcome.charts))
        #expect(markdown.contains("[![fixture: upstream loss by learning_rate (rewarm=true); median and range over seeds]"
            + "(charts/upstream-learning_rate.png)](charts/upstream-learning_rate.svg)"))
        #expect(outcome.message == "wrote \(outcome.reportFile.relativePath) (6 charts)")
    }

    @Test("A script gnuplot rejects becomes a failure with gnuplot's error line")
    func gnuplotError() async throws {
        let gnuplot = try #require(Gnuplot.locate())
        let folder = try ReportTemporaryFolder()
        defer { folder.remove() }
        let bad = ReportChart(name: "bad", title: "bad", script: "set terminal pngcairo\nset output 'bad.png'\nplot nosuchfunction(x)\n", data: "")
        let rendering = try await ChartRendering.render([bad], in: folder.url, gnuplot: gnuplot)
        #expect(rendering.rendered == [])
        let reason = try #require(rendering.failure("bad"))
        #expect(reason.hasPrefix("gnuplot: "))
        #expect(reason.contains("undefined function"))
        #expect(!reason.contains("\n"))
    }

    @Test("A gnuplot that runs past its timeout is stopped and reported")
    func gnuplotTimeout() async throws {
        var gnuplot = try #require(Gnuplot.locate())
        gnuplot.timeoutSeconds = 0.5
        let folder = try ReportTemporaryFolder()
        defer { folder.remove() }
        // gnuplot would pause for 120 s; stopped after 0.5 s it returns far sooner. The bound is
        // loose on purpose (a loaded CI machine took 11 s): only a timeout that never fires fails it.
        let slow = ReportChart(name: "slow", title: "slow", script: "pause 120\n", data: "")
        let start = Date()
        let rendering = try await ChartRendering.render([slow], in: folder.url, gnuplot: gnuplot)
        #expect(Date().timeIntervalSince(start) < 60)
        #expect(rendering.failure("slow") == "gnuplot took longer than 0.5 s and was stopped")
    }

    @Test("Without gnuplot the Markdown is still written with one line saying charts were skipped")
    func noGnuplot() async throws {
        #expect(Gnuplot.locate(path: "/nonexistent:/also/missing") == nil)
        let folder = try ReportTemporaryFolder()
        defer { folder.remove() }
        let report = ReportFixtures.report()
        let outcome = try await report.write(results: folder.url, gnuplot: nil)
        #expect(outcome.charts.skipped)
        #expect(outcome.message.hasSuffix("(0 charts); charts skipped: gnuplot not found (apt-get install gnuplot-nox)"))
        let markdown = try String(contentsOf: outcome.reportFile, encoding: .utf8)
        #expect(markdown.components(separatedBy: "Charts skipped: gnuplot is not installed (`apt-get install gnuplot-nox`)").count == 2)
        #expect(!markdown.contains(".png"))
        #expect(markdown.contains("## Trials"))
        #expect(folder.size("fixture/charts/tradeoff.gp") > 0)
        #expect(folder.size("fixture/charts/tradeoff.png") == 0)
    }

    @Test("locate finds an executable gnuplot on a given PATH")
    func locateOnPath() throws {
        let folder = try ReportTemporaryFolder()
        defer { folder.remove() }
        let fake = folder.url.appendingPathComponent("gnuplot")
        try Data("#!/bin/sh\n".utf8).write(to: fake)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        #expect(Gnuplot.locate(path: "/nonexistent:" + folder.url.path)?.executable.path == fake.path)
    }
}
