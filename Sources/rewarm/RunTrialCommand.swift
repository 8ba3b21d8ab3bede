import ArgumentParser
import Foundation
import RewarmReport
import RewarmStore
import RewarmSweep

/// `rewarm run-trial DIR`: trains the prepared run folder DIR (its `config.yaml` written by a
/// sweep), resuming from its newest checkpoint, and leaves `DIR/status.json`. Sweeps start it as
/// a child process (locally, or as a Slurm array task); it prints one JSON progress object per line.
struct RunTrialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-trial",
        abstract: "Train one prepared run folder (used by sweeps; prints JSON progress lines).")

    @Argument(help: "The run folder holding config.yaml.") var directory: String
    @Option(name: .customLong("parent-pid"),
            help: "Stop (with a checkpoint) as soon as this process is no longer our parent.")
    var parentPID: Int32?

    func run() throws {
        let dir = URL(fileURLWithPath: directory)
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("config.yaml").path) else {
            Console.error("\(dir.path): no config.yaml (run-trial takes a run folder prepared by a sweep)")
            throw ExitCode(2)
        }
        // One process per run folder: a second one waits until the first has saved and left.
        let lockPath = dir.appendingPathComponent(".lock").path
        let fd = open(lockPath, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0, flock(fd, LOCK_EX) == 0 else {
            Console.error("\(lockPath): cannot lock the run folder")
            throw ExitCode(2)
        }
        defer { close(fd) }
        // A dead sweep's pipe must fail our writes (EPIPE), not kill us: we then notice and stop
        // with a checkpoint. (Child processes start with default signal handling.)
        signal(SIGPIPE, SIG_IGN)
        let stop = StopSignal(quiet: true)
        // Stop (with a checkpoint) if the sweep that started us dies: no orphan keeps training.
        // The sweep passes its pid, so a child that starts after the sweep died stops at once.
        let parent = parentPID ?? getppid()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let status = TrialProcess.run(
            directory: dir,
            report: { progress in
                if let data = try? encoder.encode(progress) {
                    print(String(decoding: data, as: UTF8.self))
                    Console.flush()
                }
            },
            shouldStop: { stop.isRequested || getppid() != parent })
        switch status.state {
        case .completed: return
        case .stopped: throw ExitCode(130)
        case .diverged: throw ExitCode(3)
        case .failed:
            Console.error(status.error ?? "failed")
            throw ExitCode(1)
        }
    }
}
