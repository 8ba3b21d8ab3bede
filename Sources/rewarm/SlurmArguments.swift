import ArgumentParser
import RewarmReport
import RewarmStore
import RewarmSweep

/// The executor options of `rewarm sweep`: `--executor slurm` and the sbatch settings, which win
/// over the spec's `executor:`.
struct SlurmArguments: ParsableArguments {
    @Option(help: "Where trials run: local (this machine, the default) or slurm (one job array).")
    var executor: String?
    @Option(help: "Slurm partition (sbatch --partition).") var partition: String?
    @Option(help: "Time limit of each Slurm job (sbatch --time, e.g. 30, 2:00:00).") var time: String?
    @Option(name: .customLong("cpus-per-task"), help: "CPUs of each Slurm task, also its BLAS threads (default 1).")
    var cpusPerTask: Int?
    @Option(help: "Memory of each Slurm task (sbatch --mem, e.g. 2G).") var mem: String?
    @Option(name: .customLong("max-parallel"), help: "At most this many trials at once (--array=0-N%K).")
    var maxParallel: Int?
    @Option(name: .customLong("sbatch-arg"), parsing: .unconditionalSingleValue,
            help: "Another sbatch option, as written (repeatable): --sbatch-arg --qos=normal")
    var sbatchArgs: [String] = []
    @Flag(help: "Submit the Slurm jobs and return at once.") var detach = false
    @Option(name: .customLong("poll-seconds"),
            help: ArgumentHelp("Seconds between looks at the Slurm queue.", visibility: .hidden))
    var pollSeconds: Double = 2

    func validate() throws {
        if let executor, executor != "local" && executor != "slurm" {
            throw ValidationError("--executor must be local or slurm, got '\(executor)'")
        }
        if let k = maxParallel, k < 1 { throw ValidationError("--max-parallel must be at least 1, got \(k)") }
        if let c = cpusPerTask, c < 1 { throw ValidationError("--cpus-per-task must be at least 1, got \(c)") }
    }

    /// The command line's Slurm settings that were given, by option name.
    private var given: [String] {
        [partition.map { _ in "--partition" }, time.map { _ in "--time" }, cpusPerTask.map { _ in "--cpus-per-task" },
         mem.map { _ in "--mem" }, maxParallel.map { _ in "--max-parallel" }, sbatchArgs.isEmpty ? nil : "--sbatch-arg",
         detach ? "--detach" : nil].compactMap { $0 }
    }

    /// The executor to use: `--executor`, else the spec's, else local; Slurm options given here
    /// override the spec's.
    func executor(spec: SweepExecutor?) throws -> SweepExecutor {
        let chosen = executor ?? spec?.name ?? "local"
        guard chosen == "slurm" else {
            if let first = given.first { throw ValidationError("\(first) applies only to --executor slurm") }
            return .local
        }
        var base = SlurmOptions()
        if case .slurm(let fromSpec) = spec { base = fromSpec }
        var cli = SlurmOptions()
        cli.partition = partition
        cli.time = time
        cli.cpusPerTask = cpusPerTask ?? 1
        cli.mem = mem
        cli.maxParallel = maxParallel
        cli.sbatchArgs = sbatchArgs
        cli.detach = detach
        cli.pollSeconds = pollSeconds
        return .slurm(base.overridden(by: cli, cpusPerTaskGiven: cpusPerTask != nil))
    }
}
