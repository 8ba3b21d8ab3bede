import Foundation

/// The batch scripts a Slurm sweep submits, written into `RESULTS/SWEEP/slurm/` so they can be
/// read and submitted again by hand (`sbatch RESULTS/SWEEP/slurm/array-001.sbatch`). Every
/// option is an `#SBATCH` line; the command line only adds the dependency on the base job.
enum BatchScript {
    /// The trials' array script: task i trains the run folder on line i+1 of `tasksFile`
    /// (`--array=0-N%K`, N = `count` - 1).
    static func array(
        sweep: String, count: Int, tasksFile: URL, logs: URL, options: SlurmOptions, executable: URL
    ) -> String {
        let throttle = options.maxParallel.map { "%\($0)" } ?? ""
        return """
            #!/bin/bash
            # Rewarm sweep '\(sweep)': \(count) trial\(count == 1 ? "" : "s") as one Slurm job array, written by
            # `rewarm sweep --executor slurm`. Task i trains the run folder on line i+1 of
            # \(tasksFile.path)
            # Submit again by hand with `sbatch` and this file; `rewarm sweep SPEC` or `rewarm status \(sweep)`
            # then ingests what the tasks wrote. The results folder must be shared with every node.
            #SBATCH --job-name=rewarm-\(sweep)
            #SBATCH --array=0-\(max(0, count - 1))\(throttle)
            #SBATCH --output=\(logs.path)/%A_%a.out
            \(optionLines(options))
            set -u
            TASKS=\(quoted(tasksFile.path))
            RUN=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" "$TASKS" 2>/dev/null)
            \(runLines(executable: executable))
            """
    }

    /// The base's script: one job training the base's run folder.
    static func base(hash: String, directory: URL, logs: URL, options: SlurmOptions, executable: URL) -> String {
        """
        #!/bin/bash
        # Rewarm base \(hash): pre-trains the base model of a sweep once (cached by its hash), written by
        # `rewarm sweep --executor slurm`. The trials' array waits for it (--dependency=afterok).
        #SBATCH --job-name=rewarm-base-\(hash.prefix(8))
        #SBATCH --output=\(logs.path)/%j.out
        \(optionLines(options))
        set -u
        RUN=\(quoted(directory.path))
        \(runLines(executable: executable))
        """
    }

    /// `#SBATCH` lines of the options the user chose (partition, time, CPUs, memory, extras).
    static func optionLines(_ options: SlurmOptions) -> String {
        var lines = ["#SBATCH --cpus-per-task=\(options.cpusPerTask)"]
        if let p = options.partition { lines.append("#SBATCH --partition=\(p)") }
        if let t = options.time { lines.append("#SBATCH --time=\(t)") }
        if let m = options.mem { lines.append("#SBATCH --mem=\(m)") }
        lines += options.sbatchArgs.map { "#SBATCH \($0)" }
        return lines.joined(separator: "\n")
    }

    /// Checks that the run folder is there (the results folder is shared), then becomes
    /// `rewarm run-trial RUN`, so Slurm's SIGTERM (time limit, scancel, preemption) reaches it
    /// and it stops with a checkpoint. Its JSON progress lines are not kept (the run folder's
    /// `metrics.jsonl` and `trial.log` are the record); its errors go to the job log.
    private static func runLines(executable: URL) -> String {
        """
        if [ -z "$RUN" ] || [ ! -f "$RUN/config.yaml" ]; then
            echo "rewarm: no run folder '$RUN' on $(hostname): the results folder must be on a \
        filesystem this node shares" >&2
            exit 2
        fi
        export OPENBLAS_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
        exec \(quoted(executable.path)) run-trial "$RUN" >/dev/null
        """
    }

    /// `text` in single quotes for bash.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
