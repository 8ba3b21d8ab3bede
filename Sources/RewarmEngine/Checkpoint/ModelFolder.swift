import Foundation

/// What `rewarm generate`, `export` and `merge` take as RUN: a run folder (its newest complete
/// checkpoint, finished or not; of a staged run, its newest stage's), a `checkpoint-N` folder, a Hugging Face Llama folder, or a Llama
/// GGUF file (`*.gguf`).
public enum ModelFolder {
    /// The checkpoint `path` names; relative paths resolve against `workingDirectory`.
    public static func checkpoint(
        _ path: String, workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) throws(CheckpointError) -> Checkpoint {
        let url = (path.hasPrefix("/") ? URL(fileURLWithPath: path) : workingDirectory.appendingPathComponent(path))
            .standardizedFileURL
        if Checkpoint.isGGUFFile(url) { return try Checkpoint(ggufFile: url) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            if FileManager.default.fileExists(atPath: url.path) {
                throw .io(path: url.path, reason: "not a folder or a GGUF file (*.gguf)")
            }
            throw .fileMissing(path: url.path)
        }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent(Checkpoint.stateFile).path) {
            return try Checkpoint(directory: url)
        }
        if HuggingFaceFolder.isModelFolder(url) {
            return try Checkpoint(huggingFaceFolder: url)
        }
        if Checkpoint.list(in: url).isEmpty, let stages = StagedTrainer.stageDirectories(of: url),
           let newest = stages.last(where: { !Checkpoint.list(in: $0).isEmpty }) {
            return try checkpoint(newest.path)  // a staged run: its newest stage's
        }
        guard let last = Checkpoint.list(in: url).last else {
            throw .io(path: url.path, reason: "not a run folder (no checkpoint-N), a checkpoint folder, a "
                + "Hugging Face model folder (config.json + model.safetensors) or a GGUF file")
        }
        return try Checkpoint(directory: last.url)
    }
}
