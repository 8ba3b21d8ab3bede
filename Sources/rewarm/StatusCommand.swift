import ArgumentParser
import Foundation
import RewarmLab

/// `rewarm status SWEEP`: what ran, what is left, what failed.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Trials of a sweep by state, failures with reasons, time used and left.")

    @Argument(help: "The sweep's name.") var sweep: String
    @OptionGroup var results: ResultsOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let report: SweepStatusReport
        do {
            let store = try ResultsStore.open(at: results.database, writer: false)
            report = try SweepStatusReport.make(store: store, sweep: sweep)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        let counts = RunStateOrder.all.map { "\(report.counts[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        print("sweep \(report.sweep): \(report.trials) trials: \(counts)")
        var time = "trial time used \(Console.duration(report.secondsUsed))"
        if let left = report.secondsLeft, left > 0 { time += ", about \(Console.duration(left)) left on one job" }
        print(time)
        for f in report.failures {
            print("  \(f.state) \(f.id) \(f.label): \(f.error)")
        }
    }
}
