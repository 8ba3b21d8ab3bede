import Foundation
import RewarmEngine
import RewarmStore

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
        _ plan: SweepPlan, runner: any SweepWorkspace,
        onEvent: @escaping @Sendable (SweepEvent) -> Void, shouldStop: @escaping @Sendable () -> Bool
    ) async throws(SweepError) -> ExecutionOutcome
}

/// What an executor may see and do of a sweep (`SweepRunner` is the one implementation): where
/// things go, the base's and trials' run folders, and the store updates of a trial's life. An
/// executor decides only where and when `rewarm run-trial DIR` runs.
protocol SweepWorkspace: Sendable {
    var sweepName: String { get }
    /// The `rewarm` executable the children (or the Slurm tasks) run.
    var executable: URL { get }
    /// Trials at a time on this machine.
    var jobs: Int { get }
    var sweepDirectory: URL { get }
    var baseDirectory: URL { get }
    var baseHash: String { get }
    var baseMaxSteps: Int { get }
    func trialDirectory(_ trial: Trial) -> URL

    /// Records the base and prepares its run folder; returns its run config.
    func beginBase() throws(SweepError) -> RunConfig
    /// Ingests the base's metrics and status; throws unless it completed (or stopped on request).
    func finishBase(_ status: TrialStatus, stopping: Bool) throws(SweepError)
    /// Prepares a trial's run folder for an attempt; returns its run config.
    func prepareTrial(_ trial: Trial) throws -> RunConfig
    /// Marks a trial running (started now on `host`).
    func markRunning(_ trial: Trial, host: String?) throws(StoreError)
    /// Marks a trial failed with `error` (it could not be started).
    func markFailed(_ trial: Trial, error: String)
    /// Marks a trial pending again (its job ended before it saved a status: it resumes next run).
    func markPending(_ trial: Trial)
    /// Ingests the metrics a running trial has written so far.
    func ingestProgress(_ trial: Trial)
    /// Ingests an ended attempt's run folder (metrics and final state).
    func finishTrial(_ id: String, directory: URL)
}
