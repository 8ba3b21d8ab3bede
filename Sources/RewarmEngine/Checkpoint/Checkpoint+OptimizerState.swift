import Foundation

/// AdamW's moments in a checkpoint's `optimizer.safetensors`: `<name>.exp_avg` (first moment) and
/// `<name>.exp_avg_sq` (second moment) for every tensor the run trained, float32. Every Rewarm
/// checkpoint has them (the final one, the `save_at` ones and the periodic ones alike); their
/// step counter t is `TrainerState.adamStep`.
extension Checkpoint {
    /// The moment suffixes of `optimizer.safetensors` (PyTorch's state names).
    static let firstMomentSuffix = ".exp_avg"
    static let secondMomentSuffix = ".exp_avg_sq"

    /// Where this checkpoint's AdamW moments are: `optimizer.safetensors` in its folder (a
    /// Hugging Face folder or a GGUF file has none).
    public var optimizerStateFile: URL { location.appendingPathComponent(Checkpoint.optimizerFile) }

    /// Checks, without loading anything, that `optimizer.safetensors` holds both moments of every
    /// tensor of `tensors` with that shape and a float dtype. Throws `fileMissing` naming the file
    /// when the checkpoint has no moments, else the first tensor at fault.
    public func checkOptimizerState(for tensors: [(name: String, shape: [Int])]) throws(CheckpointError) {
        let file = optimizerStateFile
        guard source == .rewarm, FileManager.default.fileExists(atPath: file.path) else {
            throw .fileMissing(path: file.path)
        }
        let st = try SafetensorsFile(contentsOf: file)
        for suffix in [Checkpoint.firstMomentSuffix, Checkpoint.secondMomentSuffix] {
            for t in tensors {
                let name = t.name + suffix
                let info = try st.info(named: name)
                guard info.shape == t.shape else {
                    throw .invalidTensor(path: file.path, tensor: name,
                                         detail: "shape \(info.shape), expected \(t.shape)")
                }
                guard [.f32, .f16, .bf16].contains(info.dtype) else {
                    throw .unsupportedDtype(path: file.path, tensor: name, dtype: info.dtype.rawValue)
                }
            }
        }
    }

    /// Loads this checkpoint's AdamW moments into `optimizer`, bit for bit (float32 files). Both
    /// moments of every tensor are checked before the first value is copied: on an error the
    /// optimizer is left as it was.
    public func loadOptimizerState(into optimizer: OptimizerState) throws(CheckpointError) {
        try checkOptimizerState(for: optimizer.firstMoment.specs.map { ($0.name, $0.shape) })
        try Checkpoint.load(optimizer.firstMoment, from: optimizerStateFile, suffix: Checkpoint.firstMomentSuffix)
        try Checkpoint.load(optimizer.secondMoment, from: optimizerStateFile, suffix: Checkpoint.secondMomentSuffix)
    }
}
