/// Why Slurm could not take a sweep's jobs or report on them. Each `description` is one line
/// that says what to do.
public enum SlurmError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A Slurm command (`sbatch`, `squeue`, ...) is not on the PATH.
    case notInstalled(tool: String)
    /// `--partition` names no partition of the cluster; `known` are the ones `sinfo` lists.
    case unknownPartition(name: String, known: [String])
    /// sbatch refused the job; `message` is its own error text.
    case rejected(message: String)
    /// A Slurm command failed for another reason (controller down, ...): its message.
    case failed(tool: String, message: String)
    /// The results folder (or the rewarm executable) cannot be written or read.
    case notWritable(path: String, reason: String)
    /// The results folder is on a filesystem only this machine sees, but jobs run on other nodes.
    case notShared(path: String, filesystem: String, nodes: [String])
    /// An executor option with a bad value (`--max-parallel 0`).
    case invalidOption(name: String, problem: String)

    /// Whether the user's input or setup is at fault (exit code 2), not a failing cluster.
    public var isBadInput: Bool {
        if case .failed = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .notInstalled(let tool):
            "\(tool) not found on the PATH: install Slurm's client commands "
                + "(Debian/Ubuntu: apt-get install slurm-client) "
                + "or load them (module load slurm), or run without --executor slurm"
        case .unknownPartition(let name, let known):
            "partition '\(name)' does not exist on this cluster"
                + (known.isEmpty ? "" : " (partitions: \(known.joined(separator: ", ")))")
        case .rejected(let message):
            "sbatch rejected the job: \(message)"
        case .failed(let tool, let message):
            "\(tool) failed: \(message)"
        case .notWritable(let path, let reason):
            "\(path): results folder not writable: \(reason)"
        case .notShared(let path, let filesystem, let nodes):
            "\(path) is on a local \(filesystem) filesystem, but the jobs run on \(nodes.joined(separator: ", ")): "
                + "put --results (and the rewarm executable) on a filesystem every node mounts (NFS, Lustre, GPFS, ...)"
        case .invalidOption(let name, let problem):
            "\(name): \(problem)"
        }
    }
}
