import Foundation
import RewarmEngine

/// Follows a sweep's Slurm jobs until every task has ended: polls `squeue` and the run folders,
/// ingests new `metrics.jsonl` lines as they appear, and hands each ended task's folder to the
/// same ingestion as a local sweep, reporting the same `SweepEvent`s.
///
/// A task that ended with its `status.json` is done (`stopped`, after Slurm's SIGTERM at a time
/// limit or `scancel`, means it resumes from its checkpoint on the next run). A task that ended
/// without one was killed outright or crashed: Slurm's state says which (`TIMEOUT`, `CANCELLED`,
/// `PREEMPTED`, `NODE_FAIL`: pending, resumes; `FAILED`, `OUT_OF_MEMORY`: failed, with its job log).
struct SlurmFollower: Sendable {
    private struct Followed {
        var trial: Trial
        var job: String
        var index: Int
        var directory: URL
        var maxSteps: Int
        var seenRunning = false
        var metricLines = 0
        var goneSince: Date?
    }

    let runner: any SweepWorkspace
    let commands: SlurmCommands
    let folder: URL
    let pollSeconds: Double
    /// Seconds a task may be gone from the queue before its missing `status.json` counts
    /// (a shared filesystem may show the file late).
    let grace: Double = 5

    /// Follows `base` (a job id, if the base is in Slurm's hands) and `trials` until all ended;
    /// returns true if `shouldStop` ended the following first (the jobs keep running).
    func follow(base: String?, trials: [(Trial, (job: String, index: Int))],
                onEvent: @escaping @Sendable (SweepEvent) -> Void,
                shouldStop: @escaping @Sendable () -> Bool) async throws(SweepError) -> Bool {
        var followed: [Followed] = []
        for (trial, ref) in trials {
            let dir = runner.trialDirectory(trial)
            let maxSteps = trial.config.maxSteps
            // Lines of earlier attempts were ingested when the sweep started; show only new ones.
            followed.append(Followed(trial: trial, job: ref.job, index: ref.index, directory: dir, maxSteps: maxSteps,
                                     metricLines: RunFolderMetrics.lines(in: dir).count))
        }
        var baseJob = base
        var baseSeen = false
        var baseLines = 0
        var failures = 0
        while baseJob != nil || !followed.isEmpty {
            if shouldStop() { return true }
            let queue: SlurmQueue
            do {
                queue = try await SlurmQueue.query(commands)
                failures = 0
            } catch {
                failures += 1
                if failures * Int(max(pollSeconds, 0.1) * 10) >= 1200 { throw .slurm(error) }  // about two minutes
                try? await Task.sleep(nanoseconds: UInt64(pollSeconds * 1e9))
                continue
            }
            if let job = baseJob {
                let task = queue.task(job: job, index: nil)
                let dir = runner.baseDirectory
                if task?.state == "RUNNING", !baseSeen {
                    baseSeen = true
                    onEvent(.baseStarted(directory: dir.path, maxSteps: runner.baseMaxSteps))
                }
                for p in newEvaluations(in: dir, after: &baseLines, maxSteps: runner.baseMaxSteps) {
                    onEvent(.baseProgress(p))
                }
                if task?.isActive != true {
                    let status = TrialStatus.read(in: dir) ?? TrialStatus(
                        state: .failed, error: "ended without a status (Slurm \(task?.state ?? "state unknown")): "
                            + tail(SlurmLedger.logFile(in: folder, job: job, index: nil)), step: 0)
                    onEvent(.baseFinished(status))
                    baseJob = nil
                    try runner.finishBase(status, stopping: false)
                }
            }
            var still: [Followed] = []
            for var f in followed {
                if try !update(&f, queue: queue, onEvent: onEvent) { still.append(f) }
            }
            followed = still
            if baseJob != nil || !followed.isEmpty { try? await Task.sleep(nanoseconds: UInt64(pollSeconds * 1e9)) }
        }
        return false
    }

    /// Looks at one followed task; returns true when it has ended and its folder was ingested.
    private func update(
        _ f: inout Followed, queue: SlurmQueue, onEvent: @escaping @Sendable (SweepEvent) -> Void
    ) throws(SweepError) -> Bool {
        let task = queue.task(job: f.job, index: f.index)
        if task?.state == "RUNNING", !f.seenRunning {
            f.seenRunning = true
            try? runner.markRunning(f.trial, host: task?.node)
            onEvent(.trialStarted(id: f.trial.id, label: f.trial.label))
            let resumedAt = RunFolderMetrics.lastStep(in: f.directory) ?? 0
            onEvent(.trialProgress(
                id: f.trial.id, TrialProcess.Progress(kind: "start", step: resumedAt, maxSteps: f.maxSteps)))
        }
        // A queued task's folder has nothing new: only running and ended tasks' folders are read.
        if task?.state == "PENDING" { return false }
        let evaluations = newEvaluations(in: f.directory, after: &f.metricLines, maxSteps: f.maxSteps)
        if !evaluations.isEmpty {
            runner.ingestProgress(f.trial)
            for p in evaluations { onEvent(.trialProgress(id: f.trial.id, p)) }
        }
        if task?.isActive == true { return false }
        let status: TrialStatus
        if let written = TrialStatus.read(in: f.directory) {
            status = written
            runner.finishTrial(f.trial.id, directory: f.directory)
            if written.state != .completed { record(f, state: task?.state ?? "unknown") }
        } else {
            if f.goneSince == nil { f.goneSince = Date() }
            if Date().timeIntervalSince(f.goneSince!) < grace { return false }
            let state = task?.state ?? "unknown (no longer listed by squeue)"
            let log = SlurmLedger.logFile(in: folder, job: f.job, index: f.index)
            if task == nil || SlurmQueue.resumableStates.contains(state) {
                status = TrialStatus(
                    state: .stopped,
                    error: "Slurm \(state) before it saved a status; "
                        + "resumes from its last checkpoint on the next run",
                    step: RunFolderMetrics.lastStep(in: f.directory) ?? 0)
                runner.ingestProgress(f.trial)
                runner.markPending(f.trial)
            } else {
                let lines = tail(log)
                status = TrialStatus(
                    state: .failed,
                    error: "ended without a status (Slurm \(state))" + (lines.isEmpty ? "" : ": \(lines)"),
                    step: 0)
                try? status.write(in: f.directory)
                runner.finishTrial(f.trial.id, directory: f.directory)
            }
            record(f, state: state)
        }
        onEvent(.trialFinished(id: f.trial.id, label: f.trial.label, status: status))
        return true
    }

    /// Notes in `jobs.json` how Slurm ended a task whose trial did not complete.
    private func record(_ f: Followed, state: String) {
        var ledger = SlurmLedger.load(from: folder)
        ledger.ended[f.trial.id] = .init(job: f.job, index: f.index, state: state,
                                         log: SlurmLedger.logFile(in: folder, job: f.job, index: f.index).path)
        try? ledger.save(to: folder)
    }

    /// Progress events for the complete lines of `DIR/metrics.jsonl` after the first `count`.
    private func newEvaluations(in directory: URL, after count: inout Int, maxSteps: Int) -> [TrialProcess.Progress] {
        let lines = RunFolderMetrics.lines(in: directory)
        guard lines.count > count else { return [] }
        defer { count = lines.count }
        return lines[count...].compactMap { line in
            guard let m = try? JSONDecoder().decode(MetricsRecord.self, from: Data(line.utf8)) else { return nil }
            return TrialProcess.Progress(kind: "eval", step: m.step, maxSteps: maxSteps, trainLoss: m.trainLoss,
                                         upstreamLoss: m.upstreamLoss, downstreamLoss: m.downstreamLoss)
        }
    }

    private func tail(_ log: URL) -> String { ChildRun.tail(log, lines: 5) }
}

/// The complete lines of a run folder's `metrics.jsonl` (a torn last line is left for later).
enum RunFolderMetrics {
    static func lines(in directory: URL) -> [String] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        else { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        if !text.hasSuffix("\n"), !lines.isEmpty { lines.removeLast() }
        return lines
    }

    /// The step of the last complete line, if any.
    static func lastStep(in directory: URL) -> Int? {
        guard let last = lines(in: directory).last,
              let o = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] else { return nil }
        return o["step"] as? Int
    }
}
