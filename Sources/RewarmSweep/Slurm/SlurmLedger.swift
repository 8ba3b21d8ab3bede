import Foundation

/// The Slurm jobs of one sweep, kept in `RESULTS/SWEEP/slurm/jobs.json` beside the batch scripts
/// and task files, so a later `rewarm sweep` or `rewarm status` finds them again: which array
/// task ran which trial, and how Slurm ended the tasks that did not finish.
struct SlurmLedger: Codable, Sendable, Equatable {
    struct Job: Codable, Sendable, Equatable {
        var job: String
        var script: String
        var submittedAt: Date
        /// Trial ids by array index (empty for the base job).
        var trials: [String]

        enum CodingKeys: String, CodingKey {
            case job, script, trials
            case submittedAt = "submitted_at"
        }
    }

    /// A task Slurm ended before its trial finished (or that failed): for `rewarm status`.
    struct Ended: Codable, Sendable, Equatable {
        var job: String
        var index: Int?
        /// Slurm's final state (`TIMEOUT`, `CANCELLED`, `FAILED`, ...).
        var state: String
        /// The task's job log.
        var log: String
    }

    var base: Job?
    var arrays: [Job] = []
    /// By trial id.
    var ended: [String: Ended] = [:]

    static let fileName = "jobs.json"

    static func load(from folder: URL) -> SlurmLedger {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(fileName)) else { return SlurmLedger() }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try? decoder.decode(SlurmLedger.self, from: data)) ?? SlurmLedger()
    }

    func save(to folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(self).write(to: folder.appendingPathComponent(Self.fileName), options: .atomic)
    }

    /// The newest array task that ran (or runs) `trial`: its job id and index.
    func latestTask(of trial: String) -> (job: String, index: Int)? {
        for array in arrays.reversed() {
            if let i = array.trials.firstIndex(of: trial) { return (array.job, i) }
        }
        return nil
    }

    /// The job log of an array task (`#SBATCH --output=.../logs/%A_%a.out`) or of the base job (`%j`).
    static func logFile(in folder: URL, job: String, index: Int?) -> URL {
        folder.appendingPathComponent("logs").appendingPathComponent(index.map { "\(job)_\($0).out" } ?? "\(job).out")
    }
}
