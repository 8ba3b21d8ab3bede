import ArgumentParser
import Foundation
import RewarmLab

/// `rewarm sweep SPEC`: expand a sweep spec and run (or resume) its trials.
struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run or resume a sweep: pre-train its base once, then its trials in parallel.",
        discussion: """
            Running the same command again resumes: finished trials are kept, unfinished ones \
            continue from their last checkpoint. Ctrl-C stops cleanly (checkpoints are saved).
            """)

    @Argument(help: "The sweep spec (YAML).") var spec: String
    @OptionGroup var results: ResultsOptions
    @Option(help: "Trials run at a time (default: one per core).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Flag(name: .customLong("dry-run"), help: "List the trials the grid expands to; run nothing.") var dryRun = false
    @Flag(name: .customLong("allow-new-trials"), help: "Accept a changed spec: add its new trials, keep the old.")
    var allowNewTrials = false
    @Flag(name: .customLong("retry-failed"), help: "Run failed and diverged trials again.") var retryFailed = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    func run() async throws {
        let parsed: SweepSpec
        do {
            parsed = try SweepSpec.load(file: URL(fileURLWithPath: spec))
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        if dryRun {
            do {
                let expansion = try parsed.expand()
                for line in expansion.dryRunLines() { print(line) }
            } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }
            return
        }
        var options = SweepRunner.Options(jobs: jobs, executable: SelfExecutable.url)
        options.allowNewTrials = allowNewTrials
        options.retryFailed = retryFailed
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
        if summary.stopped {
            print("stopped; run the same command again to resume")
            throw ExitCode(130)
        }
    }
}

enum RunStateOrder {
    static let all: [RunState] = [.completed, .running, .pending, .failed, .diverged]
}
