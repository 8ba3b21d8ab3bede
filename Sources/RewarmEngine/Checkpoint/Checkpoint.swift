import Foundation

/// A checkpoint folder `checkpoint-N/` of a run (after N optimizer steps):
/// - `model.safetensors`: every base weight, Hugging Face names, float32;
/// - `adapter_model.safetensors` + `adapter_config.json`: LoRA adapters with PEFT key names;
/// - `optimizer.safetensors`: AdamW moments, `<name>.exp_avg` / `<name>.exp_avg_sq`;
/// - `trainer_state.json`: step, schedule, loss accumulators (`TrainerState`);
/// - `config.yaml`: the run's resolved config.
/// A folder is written as `checkpoint-N.partial` and renamed when complete, so a folder named
/// `checkpoint-N` is always whole.
///
/// A Hugging Face model folder (`HuggingFaceFolder`) reads as a checkpoint at step 0 with its
/// adapter, if any, in `adapter/`; so does a Llama GGUF file (`GGUFModel`), without an adapter.
public struct Checkpoint: Sendable {
    /// What a checkpoint was read from.
    public enum Source: Sendable, Equatable {
        /// A Rewarm `checkpoint-N` folder: weights, optimizer moments, schedule and dataset.
        case rewarm
        /// A Hugging Face model folder (`HuggingFaceFolder`).
        case huggingFace
        /// A llama.cpp GGUF file of a Llama model.
        case gguf
    }

    /// The checkpoint folder, the Hugging Face folder, or the GGUF file.
    public let location: URL
    public let state: TrainerState
    /// Where `adapter_model.safetensors` and `adapter_config.json` are (if anywhere).
    public let adapterDirectory: URL
    public let source: Source
    /// The opened GGUF file of a `.gguf` source (its weights are read from it on demand).
    public let ggufModel: GGUFModel?

    /// True for a pretrained model (a Hugging Face folder or a GGUF file): it has no schedule,
    /// optimizer or dataset of its own, only weights.
    public var isPretrainedModel: Bool { source != .rewarm }

    public static let modelFile = "model.safetensors"
    public static let adapterFile = "adapter_model.safetensors"
    public static let adapterConfigFile = "adapter_config.json"
    public static let optimizerFile = "optimizer.safetensors"
    public static let stateFile = "trainer_state.json"
    public static let configFile = "config.yaml"
    /// PEFT's prefix of adapter keys in `adapter_model.safetensors`.
    public static let peftPrefix = "base_model.model."

    public static func folderName(step: Int) -> String { "checkpoint-\(step)" }

    /// Reads the state of the checkpoint in `directory` (tensors are read on demand).
    public init(directory: URL) throws(CheckpointError) {
        let url = directory.appendingPathComponent(Checkpoint.stateFile)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw .fileMissing(path: url.path)
        }
        do {
            let data = try Data(contentsOf: url)
            state = try JSONDecoder().decode(TrainerState.self, from: data)
        } catch {
            throw .io(path: url.path, reason: "unreadable trainer state: \(error)")
        }
        do {
            try state.schedule.validate()
        } catch {
            throw .invalidState(path: url.path, detail: error.description)
        }
        location = directory
        adapterDirectory = directory
        source = .rewarm
        ggufModel = nil
    }

    /// Reads the Hugging Face Llama folder `directory` (its `config.json` validated; tensors on demand).
    public init(huggingFaceFolder directory: URL) throws(CheckpointError) {
        state = Checkpoint.pretrainedState(try HuggingFaceFolder.readConfig(directory))
        location = directory
        adapterDirectory = directory.appendingPathComponent(HuggingFaceFolder.adapterFolder)
        source = .huggingFace
        ggufModel = nil
    }

    /// Reads the Llama GGUF file `file` (metadata and tensor infos validated; weights on demand).
    public init(ggufFile file: URL) throws(CheckpointError) {
        let model = try GGUFModel(contentsOf: file)
        state = Checkpoint.pretrainedState(model.config)
        location = file
        adapterDirectory = file.deletingLastPathComponent()
        source = .gguf
        ggufModel = model
    }

    /// The state of a pretrained model at step 0: no schedule, no dataset.
    static func pretrainedState(_ model: ModelConfig) -> TrainerState {
        TrainerState(
            step: 0, tokens: 0, wallSeconds: 0, trainLossSum: 0, trainLossCount: 0, lastGradNorm: nil,
            schedule: .constant(0, totalSteps: 0), model: model, dataset: "", finetuningType: "full",
            maxSteps: 0, evaluatedStep: nil)
    }

    /// Whether `url` names a GGUF file (a regular file whose name ends in `.gguf`).
    public static func isGGUFFile(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return url.pathExtension.lowercased() == "gguf"
            && FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// Whether LoRA adapters come with the weights (never for a GGUF file).
    public var hasAdapter: Bool {
        let file = adapterDirectory.appendingPathComponent(Checkpoint.adapterFile)
        return source != .gguf && FileManager.default.fileExists(atPath: file.path)
    }

    /// Loads the base weights into `slab` (every name and shape checked first).
    private func loadBase(into slab: ParameterSlab) throws(CheckpointError) {
        if let ggufModel {
            try ggufModel.load(into: slab)
        } else {
            try Checkpoint.load(slab, from: location.appendingPathComponent(Checkpoint.modelFile))
        }
    }

    // MARK: Writing

    /// Writes a complete checkpoint of `model` (and optimizer) into `runDirectory/checkpoint-N`.
    @discardableResult
    public static func save(
        model: LlamaModel, optimizer: OptimizerState?, state: TrainerState, configYAML: String,
        lora: LoRASettings?, initFrom: String?, in runDirectory: URL
    ) throws(CheckpointError) -> URL {
        let fm = FileManager.default
        let final = runDirectory.appendingPathComponent(folderName(step: state.step))
        let partial = runDirectory.appendingPathComponent(folderName(step: state.step) + ".partial")
        do {
            try? fm.removeItem(at: partial)
            try fm.createDirectory(at: partial, withIntermediateDirectories: true)
        } catch {
            throw .io(path: partial.path, reason: "cannot create checkpoint folder: \(error.localizedDescription)")
        }
        // a QLoRA base is saved dequantized: the checkpoint reads as a LoRA one anywhere
        let base = model.fullBase()
        defer { withExtendedLifetime(base) {} }  // the views point into it
        try SafetensorsWriter.write(views: views(base), metadata: ["format": "pt"],
                                    to: partial.appendingPathComponent(modelFile))
        if let lora {
            try writeAdapter(of: model, lora: lora, initFrom: initFrom, to: partial)
        }
        try copyTokenizerFiles(from: runDirectory, to: partial)
        if let optimizer {
            try SafetensorsWriter.write(
                views: views(optimizer.firstMoment, suffix: firstMomentSuffix)
                    + views(optimizer.secondMoment, suffix: secondMomentSuffix),
                to: partial.appendingPathComponent(optimizerFile))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(state).write(to: partial.appendingPathComponent(stateFile), options: .atomic)
            try Data(configYAML.utf8).write(to: partial.appendingPathComponent(configFile), options: .atomic)
            try? fm.removeItem(at: final)
            try fm.moveItem(at: partial, to: final)
        } catch {
            throw .io(path: final.path, reason: "cannot write checkpoint: \(error.localizedDescription)")
        }
        return final
    }

    static func writeJSON(_ object: [String: Any], to url: URL) throws(CheckpointError) {
        do {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: url, options: .atomic)
        } catch {
            throw .io(path: url.path, reason: error.localizedDescription)
        }
    }

    static func views(_ slab: ParameterSlab, prefix: String = "", suffix: String = "") -> [SafetensorsTensorView] {
        slab.specs.map { s in
            SafetensorsTensorView(name: prefix + s.name + suffix, shape: s.shape,
                                  values: UnsafeBufferPointer(start: slab.base + s.offset, count: s.count))
        }
    }

    // MARK: Reading

    /// Loads every tensor of `slab` from `file` (names with `prefix` / `suffix`). Every name,
    /// shape and dtype is checked before the first value is copied: on an error nothing is loaded.
    static func load(
        _ slab: ParameterSlab, from file: URL, prefix: String = "", suffix: String = ""
    ) throws(CheckpointError) {
        let st = try SafetensorsFile(contentsOf: file)
        for s in slab.specs {
            let name = prefix + s.name + suffix
            let info = try st.info(named: name)
            guard info.shape == s.shape else {
                throw .invalidTensor(path: file.path, tensor: name, detail: "shape \(info.shape), expected \(s.shape)")
            }
            guard [.f32, .f16, .bf16].contains(info.dtype) else {
                throw .unsupportedDtype(path: file.path, tensor: name, dtype: info.dtype.rawValue)
            }
        }
        for s in slab.specs {
            let name = prefix + s.name + suffix
            try st.copyTensor(named: name,
                              into: UnsafeMutableBufferPointer(start: slab.base + s.offset, count: s.count))
        }
    }

    /// Restores weights, adapters and optimizer moments for an exact resume (the step counter
    /// comes with `state`).
    public func restore(model: LlamaModel, optimizer: OptimizerState) throws(CheckpointError) {
        try Checkpoint.load(model.weights, from: location.appendingPathComponent(Checkpoint.modelFile))
        try loadAdapter(into: model)
        try loadOptimizerState(into: optimizer)
    }

    /// Loads this checkpoint's model as plain weights into `weights` (a run continuing from it):
    /// a LoRA checkpoint's adapters are merged into its base first.
    public func loadMergedWeights(into weights: ParameterSlab) throws(CheckpointError) {
        guard hasAdapter else {
            try loadBase(into: weights)
            return
        }
        let model = try loadModel()
        model.mergeAdapters()
        weights.base.update(from: model.weights.base, count: weights.count)
    }

    /// This checkpoint's model for inference or export: its weights, and its adapters (not
    /// merged) when it has any.
    public func loadModel() throws(CheckpointError) -> LlamaModel {
        let fineTuning: FineTuning = hasAdapter ? .lora(try adapterSettings()) : .full
        let model = LlamaModel(config: state.model, fineTuning: fineTuning)
        try loadBase(into: model.weights)
        try loadAdapter(into: model)
        return model
    }

    /// The complete checkpoints of a run folder, by step (partial folders are ignored).
    public static func list(in runDirectory: URL) -> [(step: Int, url: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runDirectory.path)) ?? []
        return names.compactMap { name -> (Int, URL)? in
            guard name.hasPrefix("checkpoint-"), let step = Int(name.dropFirst("checkpoint-".count)) else { return nil }
            let url = runDirectory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent(stateFile).path) else { return nil }
            return (step, url)
        }.sorted { $0.0 < $1.0 }
    }
}
