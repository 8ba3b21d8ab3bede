import Foundation
import RewarmStore

/// Slurm's view of a sweep submitted with `--executor slurm`, for `rewarm status`: its jobs by
/// state, and each unfinished trial whose last task ended (failed, or ended by Slurm) with
/// Slurm's state and the last lines of its job log.
public struct SlurmSweepStatus: Codable, Sendable {
    public struct Job: Codable, Sendable {
        public var job: String
        /// `base` or `array`.
        public var kind: String
        /// Tasks of this job still in the queue, by Slurm state (`RUNNING`, `PENDING`, ...).
        public var active: [String: Int]
    }

    public struct EndedTrial: Codable, Sendable {
        public var id: String
        public var label: String
        /// The trial's state in the database (`failed`, or `pending`: resumes on the next run).
        public var state: String
        /// How Slurm ended its last task (`TIMEOUT`, `CANCELLED`, `FAILED`, ...).
        public var slurmState: String
        public var log: String
        /// The last lines of the task's job log.
        public var logTail: [String]

        enum CodingKeys: String, CodingKey {
            case id, label, state, log
            case slurmState = "slurm_state"
            case logTail = "log_tail"
        }
    }

    public var jobs: [Job]
    public var ended: [EndedTrial]
    /// Why squeue could not be asked (then only the recorded states show).
    public var queueError: String?

    enum CodingKeys: String, CodingKey {
        case jobs, ended
        case queueError = "queue_error"
    }

    /// Whether the sweep was ever submitted to Slurm (it has `RESULTS/SWEEP/slurm/jobs.json`).
    public static func exists(results: URL, sweep: String) -> Bool {
        FileManager.default.fileExists(atPath: folder(results, sweep).appendingPathComponent(SlurmLedger.fileName).path)
    }

    static func folder(_ results: URL, _ sweep: String) -> URL {
        SlurmExecutor.folder(sweepDirectory: results.standardizedFileURL.appendingPathComponent(sweep))
    }

    /// Ingests the run folders of the sweep's unfinished trials into the database when no sweep
    /// holds its writer lock (one that does ingests them itself); returns whether it did.
    public static func ingest(results: URL, sweep: String) throws(StoreError) -> Bool {
        let store: ResultsStore
        do {
            store = try ResultsStore.open(at: results.appendingPathComponent(ResultsStore.fileName), writer: true)
        } catch {
            if case .locked = error { return false }
            throw error
        }
        for trial in try store.trials(sweep: sweep) where trial.state != .completed {
            try SweepRunner.reconcile(store: store, id: trial.id,
                                      directory: results.appendingPathComponent(trial.runDir))
        }
        return true
    }

    public static func make(
        results: URL, sweep: String, store: ResultsStore
    ) async throws(StoreError) -> SlurmSweepStatus {
        let folder = folder(results, sweep)
        let ledger = SlurmLedger.load(from: folder)
        var queue = SlurmQueue(tasks: [:])
        var queueError: String?
        do { queue = try await SlurmQueue.query(SlurmCommands()) } catch { queueError = error.description }
        var jobs: [Job] = []
        if let base = ledger.base {
            jobs.append(Job(job: base.job, kind: "base", active: activeCounts(queue, job: base.job)))
        }
        for array in ledger.arrays {
            jobs.append(Job(job: array.job, kind: "array", active: activeCounts(queue, job: array.job)))
        }
        var ended: [EndedTrial] = []
        for trial in try store.trials(sweep: sweep) where trial.state != .completed {
            guard let ref = ledger.latestTask(of: trial.id), !queue.isActive(job: ref.job, index: ref.index) else {
                continue
            }
            let task = queue.task(job: ref.job, index: ref.index)
            let recorded = ledger.ended[trial.id].flatMap {
                $0.job == ref.job && $0.index == ref.index ? $0.state : nil
            }
            let state = task?.state ?? recorded ?? "unknown"
            if trial.state != .failed && trial.state != .diverged && state == "COMPLETED" { continue }
            let log = SlurmLedger.logFile(in: folder, job: ref.job, index: ref.index)
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            ended.append(EndedTrial(id: trial.id, label: trial.label, state: trial.state.rawValue, slurmState: state,
                                    log: log.path,
                                    logTail: text.split(whereSeparator: \.isNewline).suffix(5).map(String.init)))
        }
        return SlurmSweepStatus(jobs: jobs, ended: ended, queueError: queueError)
    }

    private static func activeCounts(_ queue: SlurmQueue, job: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for task in queue.tasks.values where task.jobID == job && task.isActive { counts[task.state, default: 0] += 1 }
        return counts
    }
}
