import ArgumentParser
import Foundation
import RewarmLab

/// `rewarm export SWEEP --format csv`: per-step metrics for pandas or R.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a sweep's per-step metrics as CSV.")

    @Argument(help: "The sweep's name.") var sweep: String
    @OptionGroup var results: ResultsOptions
    @Option(help: "Output format (csv).") var format: String = "csv"
    @Option(help: "Output file (default: standard output).") var out: String?

    func validate() throws {
        guard format == "csv" else { throw ValidationError("--format must be csv, got '\(format)'") }
    }

    func run() throws {
        let text: String
        do {
            let store = try ResultsStore.open(at: results.database, writer: false)
            text = try MetricsCSV.make(store: store, sweep: sweep)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        if let out {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                Console.error("\(out): cannot write: \(error.localizedDescription)")
                throw ExitCode(1)
            }
        } else {
            print(text, terminator: "")
        }
    }
}
