import ArgumentParser
import Foundation
import RewarmReport
import RewarmStore
import RewarmSweep

/// `rewarm compare A B ...`: several sweeps in one report (e.g. one grid on two corpora).
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare", abstract: "Put several sweeps in one report: DIR/compare-A-B/report.md.")

    @Argument(help: "Two or more sweep names.") var sweeps: [String]
    @OptionGroup var results: ResultsOptions
    @Option(help: "Write the report to this Markdown file instead (charts beside it).") var out: String?

    func validate() throws {
        guard sweeps.count >= 2 else { throw ValidationError("give at least two sweeps to compare") }
    }

    func run() async throws {
        try await Console.reportingBadInput {
            let store = try ResultsStore.open(at: results.database, writer: false)
            let reports = try sweeps.map { try ReportCommand.report($0, store: store) }
            let comparison = try SweepComparison(reports)
            let outcome: SweepReport.Outcome
            if let out {
                outcome = try await comparison.write(reportFile: URL(fileURLWithPath: out), gnuplot: Gnuplot.locate())
            } else {
                outcome = try await comparison.write(folder: comparison.defaultDirectory(results: results.url),
                                                     gnuplot: Gnuplot.locate())
            }
            print(outcome.message)
        }
    }
}
