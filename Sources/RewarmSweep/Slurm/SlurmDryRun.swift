import Foundation
import RewarmEngine
import RewarmStore

/// What `rewarm sweep SPEC --dry-run --executor slurm` prints: the batch scripts a submission of
/// every trial would write (the base's, unless it is cached, and the array's). Nothing is
/// written or submitted.
public enum SlurmDryRun {
    public static func text(expansion: Expansion, results: URL, options: SlurmOptions, executable: URL) -> String {
        let results = results.standardizedFileURL
        let sweep = results.appendingPathComponent(expansion.sweepName)
        let folder = SlurmExecutor.folder(sweepDirectory: sweep)
        let logs = folder.appendingPathComponent("logs")
        let baseDirectory = results.appendingPathComponent("bases").appendingPathComponent(expansion.base.hash)
        var parts: [String] = []
        if expansion.trials.contains(where: \.usesBase) && !Trainer.isFinished(baseDirectory) {
            let file = folder.appendingPathComponent("base-\(expansion.base.hash.prefix(8)).sbatch")
            parts.append("# ---- \(file.path) (sbatch --parsable)")
            parts.append(BatchScript.base(hash: expansion.base.hash, directory: baseDirectory, logs: logs,
                                          options: options, executable: executable))
        }
        let number = String(format: "%03d", SlurmLedger.load(from: folder).arrays.count + 1)
        let tasks = folder.appendingPathComponent("array-\(number).tasks")
        let file = folder.appendingPathComponent("array-\(number).sbatch")
        let dependency = parts.isEmpty ? "" : " --dependency=afterok:<base job> --kill-on-invalid-dep=yes"
        parts.append("# ---- \(file.path) (sbatch --parsable\(dependency))")
        parts.append(BatchScript.array(sweep: expansion.sweepName, count: expansion.trials.count, tasksFile: tasks,
                                       logs: logs, options: options, executable: executable))
        parts.append("# ---- \(tasks.path): one run folder per array task (trials not finished at submission)")
        parts += expansion.trials.enumerated().map { i, t in
            "# \(i): \(sweep.appendingPathComponent("trials").appendingPathComponent(t.id).path)"
        }
        return parts.joined(separator: "\n") + "\n"
    }
}
