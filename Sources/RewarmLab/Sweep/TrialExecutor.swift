import Foundation

/// Where a sweep's base and trials run. Both executors run the same `rewarm run-trial DIR` on
/// run folders the sweep prepared, and both hand every finished folder to the same ingestion
/// (`SweepRunner.reconcile`), so they give the same database rows (timings and hosts aside).
public enum SweepExecutor: Sendable, Equatable {
    /// Child processes on this machine, `SweepRunner.Options.jobs` at a time (the default).
    case local
    /// One Slurm job for the base (unless cached), then one job array for the trials.
    case slurm(SlurmOptions)

    /// `local` or `slurm`.
    public var name: String {
        switch self {
        case .local: "local"
        case .slurm: "slurm"
        }
    }
}

/// What a sweep run has to do, decided after resuming (`SweepRunner.run`).
struct SweepPlan: Sendable {
    /// Every distinct trial of the spec.
    var trialCount: Int
    /// The trials to run now (pending; failed and diverged too with `--retry-failed`).
    var todo: [Trial]
    /// Whether a trial to run starts from the base.
    var baseNeeded: Bool
    /// Whether the base's final checkpoint is already in `RESULTS/bases/<hash>`.
    var baseCached: Bool
}

/// What an executor did: whether it pre-trained the base, and whether it returned without
/// waiting for its trials (`--detach`, or Ctrl-C while following a Slurm array).
struct ExecutionOutcome: Sendable {
    var baseTrained = false
    var detached = false
}

/// Runs a sweep's plan: the base if needed, then the trials, reporting `SweepEvent`s.
protocol TrialExecutor: Sendable {
    func execute(
        _ plan: SweepPlan, runner: SweepRunner,
        onEvent: @escaping @Sendable (SweepEvent) -> Void, shouldStop: @escaping @Sendable () -> Bool
    ) async throws(SweepError) -> ExecutionOutcome
}
