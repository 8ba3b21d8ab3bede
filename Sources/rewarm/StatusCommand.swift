import ArgumentParser
import Foundation
import RewarmReport
import RewarmStore
import RewarmSweep

/// `rewarm status SWEEP`: what ran, what is left, what failed; for a sweep on Slurm, first
/// ingests what its tasks finished meanwhile, then shows Slurm's view of the rest.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Trials of a sweep by state, failures with reasons, time used and left.")

    @Argument(help: "The sweep's name.") var sweep: String
    @OptionGroup var results: ResultsOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let report: SweepStatusReport
        var slurm: SlurmSweepStatus?
        do {
            let onSlurm = SlurmSweepStatus.exists(results: results.url, sweep: sweep)
            if onSlurm, FileManager.default.fileExists(atPath: results.database.path) {
                _ = try SlurmSweepStatus.ingest(results: results.url, sweep: sweep)
            }
            let store = try ResultsStore.open(at: results.database, writer: false)
            report = try SweepStatusReport.make(store: store, sweep: sweep)
            if onSlurm { slurm = try await SlurmSweepStatus.make(results: results.url, sweep: sweep, store: store) }
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(StatusJSON(report: report, slurm: slurm)), as: UTF8.self))
            return
        }
        let counts = RunStateOrder.all.map { "\(report.counts[$0.rawValue] ?? 0) \($0.rawValue)" }
            .joined(separator: ", ")
        print("sweep \(report.sweep): \(report.trials) trials: \(counts)")
        var time = "trial time used \(Console.duration(report.secondsUsed))"
        if let left = report.secondsLeft, left > 0 { time += ", about \(Console.duration(left)) left on one job" }
        print(time)
        for f in report.failures {
            print("  \(f.state) \(f.id) \(f.label): \(f.error)")
        }
        if let slurm { printSlurm(slurm) }
    }

    private func printSlurm(_ slurm: SlurmSweepStatus) {
        let jobs = slurm.jobs.map { job in
            let active = job.active.keys.sorted().map { "\(job.active[$0]!) \($0)" }.joined(separator: ", ")
            return "\(job.kind) job \(job.job)" + (active.isEmpty ? ": ended" : ": \(active)")
        }
        print("slurm: " + (jobs.isEmpty ? "no jobs submitted" : jobs.joined(separator: "; ")))
        if let error = slurm.queueError { print("  (squeue: \(error))") }
        for t in slurm.ended {
            let what = t.state == "pending" ? "resumes from its checkpoint on the next rewarm sweep" : t.state
            print("  \(t.slurmState) \(t.id) \(t.label): \(what); job log \(t.log)")
            for line in t.logTail { print("    | \(line)") }
        }
    }
}

/// `rewarm status --json`: the report's keys, plus `slurm` for a sweep on Slurm.
private struct StatusJSON: Encodable {
    let report: SweepStatusReport
    let slurm: SlurmSweepStatus?

    enum CodingKeys: String, CodingKey { case slurm }

    func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(slurm, forKey: .slurm)
    }
}
