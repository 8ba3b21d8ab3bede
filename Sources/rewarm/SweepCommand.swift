import ArgumentParser
import Foundation
import RewarmReport
import RewarmStore
import RewarmSweep

/// `rewarm sweep SPEC`: expand a sweep spec and run (or resume) its trials, on this machine or
/// as Slurm jobs (`--executor slurm`).
struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run or resume a sweep: pre-train its base once, then its trials in parallel.",
        discussion: """
            Running the same command again resumes: finished trials are kept, unfinished ones \
            continue from their last checkpoint. Ctrl-C stops cleanly (checkpoints are saved). \
            With --executor slurm the base is one Slurm job and the trials one job array; the \
            sweep follows them (Ctrl-C stops following, the jobs go on) unless --detach.
            """)

    @Argument(help: "The sweep spec (YAML).") var spec: String
    @OptionGroup var results: ResultsOptions
    @Option(help: "Trials run at a time (default: one per core).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Flag(name: .customLong("dry-run"),
          help: "List the trials the grid expands to (and print the Slurm batch scripts); run nothing.")
    var dryRun = false
    @Flag(name: .customLong("allow-new-trials"), help: "Accept a changed spec: add its new trials, keep the old.")
    var allowNewTrials = false
    @Flag(name: .customLong("retry-failed"), help: "Run failed and diverged trials again.") var retryFailed = false
    @OptionGroup var slurm: SlurmArguments

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        try slurm.validate()
    }

    func run() async throws {
        let parsed: SweepSpec
        do {
            parsed = try SweepSpec.load(file: URL(fileURLWithPath: spec))
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        let executor: SweepExecutor
        do { executor = try slurm.executor(spec: parsed.executor) } catch {
            Console.error("\(error)")
            throw ExitCode(2)
        }
        if dryRun {
            do {
                let expansion = try parsed.expand()
                for line in expansion.dryRunLines() { print(line) }
                if case .slurm(let options) = executor {
                    print("")
                    print(SlurmDryRun.text(expansion: expansion, results: results.url, options: options,
                                           executable: SelfExecutable.url), terminator: "")
                }
            } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }
            return
        }
        var options = SweepRunner.Options(jobs: jobs, executable: SelfExecutable.url)
        options.allowNewTrials = allowNewTrials
        options.retryFailed = retryFailed
        options.executor = executor
        let runner: SweepRunner
        do {
            runner = try SweepRunner(spec: parsed, results: results.url, options: options)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        let stop = StopSignal()
        let display = SweepProgressDisplay(jobs: jobs)
        let summary: SweepSummary
        do {
            summary = try await runner.run(onEvent: { display.handle($0) }, shouldStop: { stop.isRequested })
        } catch {
            display.finish()
            Console.error(error.description)
            throw ExitCode(error.isBadInput ? 2 : 1)
        }
        display.finish()
        let counts = summary.counts
        var line = "sweep \(parsed.name): "
        line += RunStateOrder.all.compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }.joined(separator: ", ")
        line += " | \(Console.duration(summary.wallSeconds))"
        print(line)
        for f in summary.failures {
            print("  \(f.state.rawValue) \(f.id) \(f.label): \(f.error)")
        }
        print("results: \(results.url.path)/rewarm.sqlite  (rewarm status \(parsed.name) --results \(results.results))")
        if summary.detached {
            print(summary.stopped
                ? "stopped following; the Slurm jobs go on (scancel them to stop them)"
                : "submitted; the Slurm jobs run on their own")
            print("run the same command again to follow them and ingest what finished, or rewarm status \(parsed.name)")
            if summary.stopped { throw ExitCode(130) }
            return
        }
        if summary.stopped {
            print("stopped; run the same command again to resume")
            throw ExitCode(130)
        }
        if case .slurm = executor, let pending = counts[.pending], pending > 0 {
            print("\(pending) trial\(pending == 1 ? " was" : "s were") ended by Slurm before finishing; "
                + "run the same command again to resume from their checkpoints")
        }
    }
}

enum RunStateOrder {
    static let all: [RunState] = [.completed, .running, .pending, .failed, .diverged]
}
