import ArgumentParser
import Foundation
import RewarmReport
import RewarmStore
import RewarmSweep

/// `rewarm report SWEEP`: Markdown report with gnuplot charts and finding verdicts;
/// `--json` prints the verdicts and statistics; `--notebook FILE` refreshes a notebook's
/// generated blocks in place.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write DIR/SWEEP/report.md and charts, or refresh a notebook's generated blocks.",
        discussion: """
            A notebook (--notebook FILE) holds blocks between marker comments, e.g. \
            <!-- rewarm:table sweep=max-lr --> ... <!-- rewarm:end -->, and likewise \
            rewarm:chart (with chart=NAME) and rewarm:findings; they are rewritten from the \
            database and every other line is left as written.
            """)

    @Argument(help: "The sweep's name (not needed with --notebook).") var sweep: String?
    @OptionGroup var results: ResultsOptions
    @Flag(help: "Print the verdicts and statistics as JSON instead of writing the report.") var json = false
    @Option(help: "Refresh the generated blocks of this Markdown notebook in place.") var notebook: String?

    func validate() throws {
        if sweep == nil && notebook == nil { throw ValidationError("give a sweep name, or --notebook FILE") }
    }

    func run() async throws {
        try await Console.reportingBadInput {
            let store = try ResultsStore.open(at: results.database, writer: false)
            if let notebook {
                try await refresh(notebook, store: store)
                return
            }
            let report = try Self.report(sweep!, store: store)
            if json {
                print(ReportSummary(report).jsonText(), terminator: "")
                return
            }
            let outcome = try await report.write(results: results.url, gnuplot: Gnuplot.locate())
            print(outcome.message)
            for f in report.findings {
                print("\(f.id) \(f.verdict.rawValue): \(f.title)")
            }
        }
    }

    static func report(_ sweep: String, store: ResultsStore) throws -> SweepReport {
        let data = try SweepData.load(store: store, sweep: sweep)
        return SweepReport(data: data, findings: Findings.evaluate(data))
    }

    private func refresh(_ path: String, store: ResultsStore) async throws {
        let url = URL(fileURLWithPath: path)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            Console.error("\(path): cannot read the notebook")
            throw ExitCode(2)
        }
        var reports: [String: SweepReport] = [:]
        for name in try NotebookRefresher.sweeps(in: text, file: path) {
            do {
                reports[name] = try Self.report(name, store: store)
            } catch StoreError.unknownSweep {
                continue  // the refresher names the line that asks for it
            }
        }
        let refresher = NotebookRefresher(file: path, directory: url.deletingLastPathComponent(), reports: reports,
                                          gnuplot: Gnuplot.locate())
        let changed = try await refresher.refresh(fileAt: url)
        print(changed ? "refreshed \(path)" : "\(path): text unchanged; its charts were rendered again")
    }
}
