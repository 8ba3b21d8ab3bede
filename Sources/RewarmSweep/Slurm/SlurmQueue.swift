/// One job, or one task of a job array, as `squeue` lists it.
struct SlurmTask: Sendable, Equatable {
    /// The job id, or the array's job id for an array task (`%F`).
    var jobID: String
    /// The array task index (`%K`), nil for a job that is not an array.
    var index: Int?
    /// Slurm's job state: `PENDING`, `RUNNING`, `COMPLETED`, `TIMEOUT`, `CANCELLED`, ...
    var state: String
    /// The node it runs or ran on (empty while pending).
    var node: String
    /// Why it waits, or why it ended (`Dependency`, `None`, ...).
    var reason: String

    /// Queued, running or finishing: Slurm still owns it, so nobody else may run its folder.
    var isActive: Bool { SlurmQueue.activeStates.contains(state) }

    /// `12` or `12_3`.
    var key: String { SlurmQueue.key(job: jobID, index: index) }
}

/// Slurm's view of this user's jobs (`squeue --me -r -t all`): pending and running ones, and the
/// ones that ended within the cluster's `MinJobAge` (their final state). Without slurmdbd,
/// `sacct` may not work; squeue and the run folders' `status.json` are the truth.
struct SlurmQueue: Sendable {
    var tasks: [String: SlurmTask]

    static let format = "%F|%K|%T|%N|%r"

    /// States in which a job is still Slurm's.
    static let activeStates: Set<String> = [
        "PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD",
        "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD", "SPECIAL_EXIT",
    ]
    /// States in which Slurm ended a job that did not fail by itself: its trial resumes on the next run.
    static let resumableStates: Set<String> = [
        "CANCELLED", "TIMEOUT", "PREEMPTED", "NODE_FAIL", "BOOT_FAIL", "DEADLINE",
    ]

    static func key(job: String, index: Int?) -> String {
        index.map { "\(job)_\($0)" } ?? job
    }

    /// Parses `squeue -h -r -o '%F|%K|%T|%N|%r'` output (lines it cannot read are skipped).
    static func parse(_ text: String) -> SlurmQueue {
        var tasks: [String: SlurmTask] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 5, !fields[0].isEmpty, !fields[2].isEmpty else { continue }
            let task = SlurmTask(jobID: fields[0], index: Int(fields[1]), state: fields[2], node: fields[3],
                                 reason: fields[4])
            tasks[task.key] = task
        }
        return SlurmQueue(tasks: tasks)
    }

    /// Asks squeue.
    static func query(_ commands: SlurmCommands) async throws(SlurmError) -> SlurmQueue {
        parse(try await commands.output("squeue", ["--me", "-h", "-r", "-t", "all", "-o", format]))
    }

    func task(job: String, index: Int?) -> SlurmTask? { tasks[Self.key(job: job, index: index)] }

    func isActive(job: String, index: Int?) -> Bool { task(job: job, index: index)?.isActive ?? false }
}
