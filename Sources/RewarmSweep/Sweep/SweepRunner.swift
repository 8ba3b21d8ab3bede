import Foundation
import RewarmEngine
import RewarmStore

/// Runs a sweep on this machine: pre-trains the base once (cached in `RESULTS/bases/<hash>`),
/// then the trials `jobs` at a time, each in a child process (`rewarm run-trial DIR`, one BLAS
/// thread), ingesting every run folder into SQLite idempotently. Running it again resumes:
/// finished trials are kept, unfinished ones continue from their last checkpoint.
public final class SweepRunner: SweepWorkspace {
    public struct Options: Sendable {
        public var jobs: Int
        /// Add trials a changed spec brings, keeping the old ones (else a changed spec is refused).
        public var allowNewTrials = false
        /// Run failed and diverged trials again (else they stay as they are).
        public var retryFailed = false
        /// The `rewarm` executable the children (or the Slurm tasks) run.
        public var executable: URL
        /// Where the trials run (this machine by default).
        public var executor: SweepExecutor = .local

        public init(jobs: Int, executable: URL) {
            self.jobs = jobs
            self.executable = executable
        }
    }

    public let spec: SweepSpec
    public let expansion: Expansion
    public let results: URL
    public let store: ResultsStore
    public let options: Options

    public init(spec: SweepSpec, results: URL, options: Options) throws(SweepError) {
        self.spec = spec
        do { expansion = try spec.expand() } catch { throw .spec(error) }
        self.results = results.standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: self.results, withIntermediateDirectories: true)
        } catch {
            throw .io(path: results.path, reason: "cannot create the results folder: \(error.localizedDescription)")
        }
        do {
            store = try ResultsStore.open(at: self.results.appendingPathComponent("rewarm.sqlite"), writer: true)
        } catch {
            throw .store(error)
        }
        self.options = options
    }

    var sweepName: String { spec.name }
    var executable: URL { options.executable }
    var jobs: Int { options.jobs }
    var baseHash: String { expansion.base.hash }
    var baseMaxSteps: Int { expansion.base.maxSteps }

    public var baseDirectory: URL {
        results.appendingPathComponent("bases").appendingPathComponent(expansion.base.hash)
    }
    public var sweepDirectory: URL { results.appendingPathComponent(spec.name) }

    func trialDirectory(_ trial: Trial) -> URL {
        sweepDirectory.appendingPathComponent("trials").appendingPathComponent(trial.id)
    }

    // MARK: Registration

    /// Records the sweep and its trials, refusing a changed trial set unless allowed; brings the
    /// store up to date with run folders that finished while no sweep was watching.
    func register() throws(SweepError) -> [TrialRecord] {
        let name = spec.name
        do {
            if let existing = try store.sweep(named: name), existing.trialSetHash != expansion.trialSetHash {
                let old = Set(try store.trials(sweep: name).map(\.id))
                let new = Set(expansion.trials.map(\.id))
                if !options.allowNewTrials {
                    throw SweepError.changedSpec(sweep: name, added: new.subtracting(old).count,
                                                 removed: old.subtracting(new).count)
                }
            }
            try store.upsertSweep(
                name: name, specText: spec.text, specHash: FNV1a.hex(spec.text), trialSetHash: expansion.trialSetHash,
                description: spec.description,
                axes: spec.grid.map { SweepAxis(name: $0.name, key: $0.key, values: $0.values) })
            try FileManager.default.createDirectory(at: sweepDirectory, withIntermediateDirectories: true)
            try Data(spec.text.utf8).write(to: sweepDirectory.appendingPathComponent("spec.yaml"), options: .atomic)
            let records = expansion.trials.map { t in
                TrialRecord(
                    id: t.id, sweep: name, name: t.name, seed: t.seed, configJSON: t.canonicalJSON,
                    diffJSON: CanonicalJSON.text(Dictionary(uniqueKeysWithValues: t.diff.map { ($0.key, $0.value) })),
                    baseHash: t.usesBase ? expansion.base.hash : nil,
                    runDir: "\(name)/trials/\(t.id)", position: t.position)
            }
            _ = try store.registerTrials(records)
            // A sweep killed mid-run leaves `running` rows; the sweep lock says nobody runs them now.
            for t in try store.trials(sweep: name, state: .running) {
                try store.setTrialState(id: t.id, state: .pending)
            }
            // Run folders that finished while no sweep was watching (a killed sweep, a cluster).
            for t in expansion.trials {
                try reconcile(id: t.id, directory: trialDirectory(t))
            }
            return try store.trials(sweep: name)
        } catch let e as SweepError {
            throw e
        } catch let e as StoreError {
            throw .store(e)
        } catch {
            throw .io(path: sweepDirectory.path, reason: error.localizedDescription)
        }
    }

    /// Ingests a run folder's metrics and, if it left a final status, its state.
    func reconcile(id: String, directory: URL) throws(StoreError) {
        try Self.reconcile(store: store, id: id, directory: directory)
    }

    /// Ingests a run folder's metrics and, if it left a final status, its state into `store`.
    static func reconcile(store: ResultsStore, id: String, directory: URL) throws(StoreError) {
        let metrics = directory.appendingPathComponent("metrics.jsonl")
        if FileManager.default.fileExists(atPath: metrics.path) {
            _ = try store.ingestMetrics(trialID: id, from: metrics)
        }
        guard let status = TrialStatus.read(in: directory), let state = status.runState else { return }
        try store.setTrialState(id: id, state: state, error: status.error, divergedStep: status.divergedStep,
                                finishedAt: Date(), wallSeconds: status.wallSeconds, host: status.host)
    }

    // MARK: Running

    /// Runs (or resumes) the sweep with `options.executor`. `shouldStop` is polled: when it turns
    /// true, running trials save a checkpoint and stop (a Slurm sweep stops following its jobs,
    /// which keep running), and the sweep returns with `stopped`.
    public func run(
        onEvent: @escaping @Sendable (SweepEvent) -> Void, shouldStop: @escaping @Sendable () -> Bool
    ) async throws(SweepError) -> SweepSummary {
        let start = Date()
        let records = try register()
        let retry: Set<RunState> = options.retryFailed ? [.pending, .failed, .diverged] : [.pending]
        let todo = expansion.trials.filter { t in
            records.first { $0.id == t.id }.map { retry.contains($0.state) } ?? true
        }
        let plan = SweepPlan(trialCount: expansion.trials.count, todo: todo, baseNeeded: todo.contains { $0.usesBase },
                             baseCached: Trainer.isFinished(baseDirectory))
        let executor: any TrialExecutor = switch options.executor {
        case .local: LocalExecutor()
        case .slurm(let slurm): SlurmExecutor(options: slurm)
        }
        let outcome = try await executor.execute(plan, runner: self, onEvent: onEvent, shouldStop: shouldStop)
        var summary = try summary(since: start, stopped: shouldStop(), baseTrained: outcome.baseTrained)
        summary.detached = outcome.detached
        return summary
    }

    /// Records the base and prepares its run folder before it trains; returns its run config.
    func beginBase() throws(SweepError) -> RunConfig {
        let config = expansion.baseRunConfig(baseDirectory: baseDirectory)
        do {
            try store.upsertBase(hash: expansion.base.hash, configJSON: expansion.base.canonicalJSON,
                                 runDir: "bases/\(expansion.base.hash)")
            try prepare(baseDirectory, config: config)
            try store.setBaseState(hash: expansion.base.hash, state: .running)
        } catch let e as StoreError {
            throw .store(e)
        } catch {
            throw .io(path: baseDirectory.path, reason: error.localizedDescription)
        }
        return config
    }

    /// Ingests the base's metrics and final `status`; throws unless it completed (or was
    /// stopped because the sweep is `stopping`).
    func finishBase(_ status: TrialStatus, stopping: Bool) throws(SweepError) {
        do {
            _ = try store.ingestBaseMetrics(baseHash: expansion.base.hash,
                                            from: baseDirectory.appendingPathComponent("metrics.jsonl"))
            try store.setBaseState(hash: expansion.base.hash, state: status.runState ?? .pending, error: status.error,
                                   wallSeconds: status.wallSeconds)
        } catch {
            throw .store(error)
        }
        if status.state == .stopped && stopping { return }
        guard status.state == .completed else {
            throw .base("\(status.state.rawValue): \(status.error ?? "see \(baseDirectory.path)/trial.log")")
        }
    }

    /// Writes a run folder's `config.yaml` (once: a resumed run keeps it) and clears a stale status.
    func prepare(_ directory: URL, config: RunConfig) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("config.yaml")
        if !fm.fileExists(atPath: file.path) {
            try Data(config.yaml().utf8).write(to: file, options: .atomic)
        }
        try? fm.removeItem(at: directory.appendingPathComponent(TrialStatus.fileName))
    }

    /// Prepares a trial's run folder for an attempt; returns its run config.
    func prepareTrial(_ trial: Trial) throws -> RunConfig {
        let dir = trialDirectory(trial)
        let config = expansion.runConfig(for: trial, runDirectory: dir, baseDirectory: baseDirectory)
        try prepare(dir, config: config)
        return config
    }

    func markRunning(_ trial: Trial, host: String?) throws(StoreError) {
        try store.setTrialState(id: trial.id, state: .running, startedAt: Date(), host: host)
    }

    func markFailed(_ trial: Trial, error: String) {
        try? store.setTrialState(id: trial.id, state: .failed, error: error, finishedAt: Date())
    }

    func markPending(_ trial: Trial) {
        try? store.setTrialState(id: trial.id, state: .pending)
    }

    func ingestProgress(_ trial: Trial) {
        _ = try? store.ingestMetrics(trialID: trial.id,
                                     from: trialDirectory(trial).appendingPathComponent("metrics.jsonl"))
    }

    /// Ingests an ended attempt's run folder (metrics and final state) into the store.
    func finishTrial(_ id: String, directory: URL) {
        do {
            try reconcile(id: id, directory: directory)
        } catch {
            try? store.setTrialState(id: id, state: .failed, error: error.description)
        }
    }

    func summary(since start: Date, stopped: Bool, baseTrained: Bool) throws(SweepError) -> SweepSummary {
        do {
            let trials = try store.trials(sweep: spec.name)
            let failures = trials.filter { $0.state == .failed || $0.state == .diverged }.map {
                (id: $0.id, label: $0.label, state: $0.state, error: $0.error ?? "")
            }
            return SweepSummary(counts: try store.counts(sweep: spec.name), failures: failures,
                                wallSeconds: Date().timeIntervalSince(start), stopped: stopped,
                                baseTrained: baseTrained)
        } catch {
            throw .store(error)
        }
    }
}

extension TrialStatus {
    /// The store state of a final status (`stopped` means the trial continues later: pending).
    var runState: RunState? {
        switch state {
        case .completed: .completed
        case .failed: .failed
        case .diverged: .diverged
        case .stopped: .pending
        }
    }
}

extension ChildRun {
    /// Why a child ended without a status file: its exit code or signal and its last log lines.
    static func describe(_ outcome: Outcome, log directory: URL) -> String {
        let how = outcome.signal.map { "crashed (signal \($0))" } ?? "exited with code \(outcome.exitCode ?? -1)"
        let tail = tail(directory.appendingPathComponent("trial.log"))
        return tail.isEmpty ? how : "\(how): \(tail)"
    }
}
