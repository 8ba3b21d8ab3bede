import Foundation

/// A run folder's `config.yaml`: written once the run has checked its input, and compared with
/// the config a resume brings (a run continues only with the config it started with).
public enum RunFolderConfig {
    /// Whether `directory` holds a started run: a checkpoint, evaluations, or a first stage's folder.
    public static func hasStarted(_ directory: URL) -> Bool {
        let fm = FileManager.default
        return !Checkpoint.list(in: directory).isEmpty
            || fm.fileExists(atPath: directory.appendingPathComponent("metrics.jsonl").path)
            || fm.fileExists(atPath: directory.appendingPathComponent("stage-1").path)
    }

    /// Throws when `file` exists and differs from `yaml`, naming the first differing key.
    static func checkUnchanged(_ file: URL, yaml: String) throws(TrainingError) {
        guard FileManager.default.fileExists(atPath: file.path) else { return }
        let previous = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        guard previous != yaml else { return }
        throw .runFolder(path: file.path, reason: "the config differs from the run's (\(firstDifference(previous, yaml))); "
            + "resume with the same config or choose another output_dir")
    }

    /// Creates `directory` and writes `yaml` as its `config.yaml` (atomically).
    static func write(_ yaml: String, in directory: URL) throws(TrainingError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(yaml.utf8).write(to: directory.appendingPathComponent("config.yaml"), options: .atomic)
        } catch {
            throw .io(path: directory.path, reason: "cannot write the run folder: \(error.localizedDescription)")
        }
    }

    /// The first differing line of two resolved configs, preferring a real key over the derived
    /// `run_name` (which changes whenever any key does).
    static func firstDifference(_ a: String, _ b: String) -> String {
        let pairs = zip(a.split(separator: "\n"), b.split(separator: "\n")).filter { $0 != $1 }
        guard let pair = pairs.first(where: { !$0.0.hasPrefix("run_name:") }) ?? pairs.first else {
            return "different keys"
        }
        return "was '\(pair.0)', now '\(pair.1)'"
    }
}
