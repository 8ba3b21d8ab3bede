/// How a sweep's jobs are submitted to Slurm: `executor: {type: slurm, ...}` in the spec, or the
/// `rewarm sweep --executor slurm` options (which win over the spec's).
///
/// ```yaml
/// executor:
///   type: slurm
///   partition: cpu          # sbatch --partition (default: the cluster's default partition)
///   time: "2:00:00"         # sbatch --time, per trial (a trial that hits it resumes on the next run)
///   cpus_per_task: 1        # sbatch --cpus-per-task; also the trial's BLAS threads
///   mem: 2G                 # sbatch --mem
///   max_parallel: 32        # at most this many trials at once: --array=0-N%32
///   sbatch_args: ["--qos=normal", "--account=lab"]   # any other sbatch option, as written
/// ```
public struct SlurmOptions: Sendable, Equatable {
    /// `--partition`; nil leaves the cluster's default.
    public var partition: String?
    /// `--time` of every job (Slurm's formats: `MM`, `HH:MM:SS`, `D-HH`, ...); nil leaves the default.
    public var time: String?
    /// `--cpus-per-task`; each task runs its BLAS with this many threads.
    public var cpusPerTask: Int = 1
    /// `--mem` (`2G`, `500M`); nil leaves the default.
    public var mem: String?
    /// The array's `%K` throttle; nil runs as many tasks at once as Slurm will.
    public var maxParallel: Int?
    /// Further sbatch options, each one argument as written (`--qos=normal`).
    public var sbatchArgs: [String] = []
    /// Submit and return at once instead of following the jobs.
    public var detach = false
    /// Seconds between two looks at the queue and the run folders while following.
    public var pollSeconds: Double = 2

    public init() {}

    /// The spec keys of `executor` (besides `type`).
    public static let specKeys = ["partition", "time", "cpus_per_task", "mem", "max_parallel", "sbatch_args"]

    /// These options with every option `other` sets on top (the command line over the spec).
    public func overridden(by other: SlurmOptions, cpusPerTaskGiven: Bool) -> SlurmOptions {
        var result = self
        if let p = other.partition { result.partition = p }
        if let t = other.time { result.time = t }
        if cpusPerTaskGiven { result.cpusPerTask = other.cpusPerTask }
        if let m = other.mem { result.mem = m }
        if let k = other.maxParallel { result.maxParallel = k }
        result.sbatchArgs += other.sbatchArgs
        result.detach = other.detach
        result.pollSeconds = other.pollSeconds
        return result
    }
}
