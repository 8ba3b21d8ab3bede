import Foundation
import RewarmStore

/// What a sweep reports while it runs (the CLI draws the progress display from these).
public enum SweepEvent: Sendable {
    /// The plan after resuming: `trials` distinct trials, `done` of them already finished,
    /// `toRun` to run now; whether the base comes from the cache.
    case planned(trials: Int, done: Int, toRun: Int, baseCached: Bool)
    case baseStarted(directory: String, maxSteps: Int)
    case baseProgress(TrialProcess.Progress)
    case baseFinished(TrialStatus)
    case trialStarted(id: String, label: String)
    case trialProgress(id: String, TrialProcess.Progress)
    case trialFinished(id: String, label: String, status: TrialStatus)
    /// A Slurm job was submitted: the base (`tasks` 0) or the trials' array of `tasks` tasks.
    case slurmSubmitted(jobID: String, tasks: Int, script: String)
    /// A Slurm job submitted earlier is still queued or running; the sweep follows it.
    case slurmFollowing(jobID: String, tasks: Int)
}

/// How a sweep ended: counts of trials by state, and the failures with their reasons.
public struct SweepSummary: Sendable {
    public var counts: [RunState: Int]
    public var failures: [(id: String, label: String, state: RunState, error: String)]
    public var wallSeconds: Double
    public var stopped: Bool
    public var baseTrained: Bool
    /// The sweep returned without waiting for its Slurm jobs (`--detach`, or Ctrl-C while following).
    public var detached = false
}

/// Why a sweep could not start or go on (one line each).
public enum SweepError: Error, CustomStringConvertible, Sendable {
    case spec(SpecError)
    case store(StoreError)
    /// The spec's trials differ from those recorded under the same name.
    case changedSpec(sweep: String, added: Int, removed: Int)
    case base(String)
    case io(path: String, reason: String)
    /// Slurm could not take or report the jobs (no sbatch, unknown partition, a rejected option, ...).
    case slurm(SlurmError)

    /// Whether the user's input is at fault (spec, database), not the run.
    public var isBadInput: Bool {
        switch self {
        case .spec, .store, .changedSpec: true
        case .slurm(let e): e.isBadInput
        case .base, .io: false
        }
    }

    public var description: String {
        switch self {
        case .spec(let e): e.description
        case .store(let e): e.description
        case .changedSpec(let sweep, let added, let removed):
            "sweep '\(sweep)' was run before with other trials (\(added) new, \(removed) gone); "
                + "pass --allow-new-trials to add the new ones and keep the old, or rename the sweep"
        case .base(let reason): "base model: \(reason)"
        case .io(let path, let reason): "\(path): \(reason)"
        case .slurm(let e): e.description
        }
    }
}
