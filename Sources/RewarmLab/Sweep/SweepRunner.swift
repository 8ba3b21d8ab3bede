import Foundation
import RewarmEngine

/// Runs a sweep on this machine: pre-trains the base once (cached in `RESULTS/bases/<hash>`),
/// then the trials `jobs` at a time, each in a child process (`rewarm run-trial DIR`, one BLAS
/// thread), ingesting every run folder into SQLite idempotently. Running it again resumes:
/// finished trials are kept, unfinished ones continue from their last checkpoint.
public final class SweepRunner: Sendable {
    public struct Options: Sendable {
        public var jobs: Int
        /// Add trials a changed spec brings, keeping the old ones (else a changed spec is refused).
        public var allowNewTrials = false
        /// Run failed and diverged trials again (else they stay as they are).
        public var retryFailed = false
        /// The `rewarm` executable the children run.
        public var executable: URL

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
        do { store = try ResultsStore.open(at: self.results.appendingPathComponent("rewarm.sqlite"), writer: true) } catch {
            throw .store(error)
        }
        self.options = options
    }

    public var baseDirectory: URL { results.appendingPathComponent("bases").appendingPathComponent(expansion.base.hash) }
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
                    throw SweepError.changedSpec(sweep: name, added: new.subtracting(old).count, removed: old.subtracting(new).count)
                }
            }
            try store.upsertSweep(name: name, specText: spec.text, specHash: FNV1a.hex(spec.text), trialSetHash: expansion.trialSetHash)
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
        let metrics = directory.appendingPathComponent("metrics.jsonl")
        if FileManager.default.fileExists(atPath: metrics.path) {
            _ = try store.ingestMetrics(trialID: id, from: metrics)
        }
        guard let status = TrialStatus.read(in: directory), let state = status.runState else { return }
        try store.setTrialState(id: id, state: state, error: status.error, divergedStep: status.divergedStep,
                                finishedAt: Date(), wallSeconds: status.wallSeconds, host: status.host)
    }

    // MARK: Running

    /// Runs (or resumes) the sweep. `shouldStop` is polled: when it turns true, running trials
    /// save a checkpoint and stop, and the sweep returns with `stopped`.
    public func run(
        onEvent: @escaping @Sendable (SweepEvent) -> Void, shouldStop: @escaping @Sendable () -> Bool
    ) async throws(SweepError) -> SweepSummary {
        let start = Date()
        let records = try register()
        let retry: Set<RunState> = options.retryFailed ? [.pending, .failed, .diverged] : [.pending]
        let todo = expansion.trials.filter { t in records.first { $0.id == t.id }.map { retry.contains($0.state) } ?? true }
        let baseNeeded = todo.contains { $0.usesBase }
        let baseCached = Trainer.isFinished(baseDirectory)
        onEvent(.planned(trials: expansion.trials.count, done: expansion.trials.count - todo.count, toRun: todo.count, baseCached: baseCached || !baseNeeded))
        var baseTrained = false
        if baseNeeded && !baseCached {
            try await trainBase(onEvent: onEvent, shouldStop: shouldStop)
            baseTrained = true
        }
        if !shouldStop() {
            await runTrials(todo, onEvent: onEvent, shouldStop: shouldStop)
        }
        return try summary(since: start, stopped: shouldStop(), baseTrained: baseTrained)
    }

    func trainBase(onEvent: @escaping @Sendable (SweepEvent) -> Void, shouldStop: @escaping @Sendable () -> Bool) async throws(SweepError) {
        let config = expansion.baseRunConfig(baseDirectory: baseDirectory)
        do {
            try store.upsertBase(hash: expansion.base.hash, configJSON: expansion.base.canonicalJSON, runDir: "bases/\(expansion.base.hash)")
            try prepare(baseDirectory, config: config)
            try store.setBaseState(hash: expansion.base.hash, state: .running)
        } catch let e as StoreError {
            throw .store(e)
        } catch {
            throw .io(path: baseDirectory.path, reason: error.localizedDescription)
        }
        onEvent(.baseStarted(directory: baseDirectory.path, maxSteps: config.maxSteps))
        let outcome: ChildRun.Outcome
        do {
            outcome = try await ChildRun.run(executable: options.executable, directory: baseDirectory,
                                             onProgress: { onEvent(.baseProgress($0)) }, shouldStop: shouldStop)
        } catch {
            throw .base("cannot start \(options.executable.path): \(error)")
        }
        let status = TrialStatus.read(in: baseDirectory) ?? TrialStatus(state: .failed, error: ChildRun.describe(outcome, log: baseDirectory), step: 0)
        onEvent(.baseFinished(status))
        do {
            _ = try store.ingestBaseMetrics(baseHash: expansion.base.hash, from: baseDirectory.appendingPathComponent("metrics.jsonl"))
            try store.setBaseState(hash: expansion.base.hash, state: status.runState ?? .pending, error: status.error, wallSeconds: status.wallSeconds)
        } catch {
            throw .store(error)
        }
        if status.state == .stopped && shouldStop() { return }
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

    func runTrials(_ trials: [Trial], onEvent: @escaping @Sendable (SweepEvent) -> Void, shouldStop: @escaping @Sendable () -> Bool) async {
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func launch() {
                guard next < trials.count, !shouldStop() else { return }
                let trial = trials[next]
                next += 1
                group.addTask { await self.runTrial(trial, onEvent: onEvent, shouldStop: shouldStop) }
            }
            for _ in 0..<max(1, options.jobs) { launch() }
            while await group.next() != nil { launch() }
        }
    }

    func runTrial(_ trial: Trial, onEvent: @escaping @Sendable (SweepEvent) -> Void, shouldStop: @escaping @Sendable () -> Bool) async {
        let dir = trialDirectory(trial)
        let label = trial.label
        do {
            let config = try expansion.runConfig(for: trial, runDirectory: dir, baseDirectory: baseDirectory)
            try prepare(dir, config: config)
            try store.setTrialState(id: trial.id, state: .running, startedAt: Date(), host: ProcessInfo.processInfo.hostName)
        } catch {
            try? store.setTrialState(id: trial.id, state: .failed, error: "\(error)", finishedAt: Date())
            onEvent(.trialFinished(id: trial.id, label: label, status: TrialStatus(state: .failed, error: "\(error)", step: 0)))
            return
        }
        onEvent(.trialStarted(id: trial.id, label: label))
        let store = self.store
        let outcome = try? await ChildRun.run(
            executable: options.executable, directory: dir,
            onProgress: { p in
                if p.kind == "eval" { _ = try? store.ingestMetrics(trialID: trial.id, from: dir.appendingPathComponent("metrics.jsonl")) }
                onEvent(.trialProgress(id: trial.id, p))
            },
            shouldStop: shouldStop)
        var status = TrialStatus.read(in: dir)
            ?? TrialStatus(state: .failed, error: outcome.map { ChildRun.describe($0, log: dir) } ?? "could not start \(options.executable.path)", step: 0)
        if status.state == .failed, status.error == nil { status.error = ChildRun.tail(dir.appendingPathComponent("trial.log")) }
        // The trial's own status.json is the record; a crash leaves none, so write what we saw.
        if TrialStatus.read(in: dir) == nil { try? status.write(in: dir) }
        do {
            try reconcile(id: trial.id, directory: dir)
        } catch {
            try? store.setTrialState(id: trial.id, state: .failed, error: error.description)
        }
        onEvent(.trialFinished(id: trial.id, label: label, status: status))
    }

    func summary(since start: Date, stopped: Bool, baseTrained: Bool) throws(SweepError) -> SweepSummary {
        do {
            let trials = try store.trials(sweep: spec.name)
            let failures = trials.filter { $0.state == .failed || $0.state == .diverged }.map {
                (id: $0.id, label: $0.label, state: $0.state, error: $0.error ?? "")
            }
            return SweepSummary(counts: try store.counts(sweep: spec.name), failures: failures,
                                wallSeconds: Date().timeIntervalSince(start), stopped: stopped, baseTrained: baseTrained)
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

extension Trainer {
    /// Whether `directory` holds a finished run (its newest checkpoint is at its `max_steps`).
    public static func isFinished(_ directory: URL) -> Bool {
        guard let last = Checkpoint.list(in: directory).last, let c = try? Checkpoint(directory: last.url) else { return false }
        return c.state.step == c.state.maxSteps
    }
}
