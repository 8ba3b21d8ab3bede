import Foundation

/// A Hugging Face model folder, as `LlamaForCausalLM.save_pretrained` leaves one:
/// - `config.json` (`LlamaConfig`, see `HuggingFaceConfig`), `generation_config.json`;
/// - `model.safetensors`: every weight under its Hugging Face name, float32 (no `lm_head.weight`
///   when the embeddings are tied, as transformers saves such a model);
/// - `tokenizer.json` + `tokenizer_config.json`: the model's BPE tokenizer when it has one
///   (`Checkpoint.writeTokenizerFiles`), else the byte vocabulary (`ByteLevelTokenizerFiles`) for a
///   byte-level model (V = 256); a byte model with a larger vocabulary gets none;
/// - for a LoRA run, `adapter/` as `PeftModel.save_pretrained` leaves one
///   (`adapter_model.safetensors` with `base_model.model.` keys, `adapter_config.json`).
/// The adapter is a subfolder, not beside `config.json`: transformers would otherwise try to load
/// the folder itself as an adapter. Rewarm reads such a folder back (`Checkpoint(huggingFaceFolder:)`).
public enum HuggingFaceFolder {
    public static let configFile = "config.json"
    public static let generationConfigFile = "generation_config.json"
    public static let tokenizerFile = "tokenizer.json"
    public static let tokenizerConfigFile = "tokenizer_config.json"
    /// The PEFT adapter's subfolder.
    public static let adapterFolder = "adapter"

    /// Whether `url` looks like a Hugging Face model folder (config.json and model.safetensors,
    /// and no Rewarm `trainer_state.json`).
    public static func isModelFolder(_ url: URL) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: url.appendingPathComponent(configFile).path)
            && fm.fileExists(atPath: url.appendingPathComponent(Checkpoint.modelFile).path)
            && !fm.fileExists(atPath: url.appendingPathComponent(Checkpoint.stateFile).path)
    }

    /// Writes `model` into `directory` (created if missing; files of the same names replaced).
    /// With `includeAdapter` and a LoRA model, the adapter goes to `directory/adapter` with
    /// `base_model_name_or_path` = `directory`'s absolute path.
    public static func write(
        _ model: LlamaModel, tokenizer: TextTokenizer = .bytes, includeAdapter: Bool = true, to directory: URL
    ) throws(CheckpointError) {
        let dir = directory.standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw .io(path: dir.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        let base = model.fullBase()
        defer { withExtendedLifetime(base) {} }  // the views point into it
        try SafetensorsWriter.write(views: Checkpoint.views(base), metadata: ["format": "pt"],
                                    to: dir.appendingPathComponent(Checkpoint.modelFile))
        try Checkpoint.writeJSON(HuggingFaceConfig.json(model.config), to: dir.appendingPathComponent(configFile))
        try Checkpoint.writeJSON(HuggingFaceConfig.generationJSON(),
                                 to: dir.appendingPathComponent(generationConfigFile))
        if case .bpe = tokenizer {
            try Checkpoint.writeTokenizerFiles(tokenizer, modelMaxLength: model.config.maxPositionEmbeddings, to: dir)
        } else if model.config.vocabSize == ByteTokenizer.vocabularySize {
            try Checkpoint.writeJSON(ByteLevelTokenizerFiles.tokenizerJSON(),
                                     to: dir.appendingPathComponent(tokenizerFile))
            try Checkpoint.writeJSON(
                ByteLevelTokenizerFiles.tokenizerConfigJSON(maxLength: model.config.maxPositionEmbeddings),
                to: dir.appendingPathComponent(tokenizerConfigFile))
        }
        let adapterDir = dir.appendingPathComponent(adapterFolder)
        guard includeAdapter, let lora = model.fineTuning.lora else {
            try? FileManager.default.removeItem(at: adapterDir)  // a stale adapter would be applied on reading
            return
        }
        do {
            try FileManager.default.createDirectory(at: adapterDir, withIntermediateDirectories: true)
        } catch {
            throw .io(path: adapterDir.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        try Checkpoint.writeAdapter(of: model, lora: lora, initFrom: dir.path, to: adapterDir)
    }

    /// The validated shape in `directory/config.json`.
    public static func readConfig(_ directory: URL) throws(CheckpointError) -> ModelConfig {
        let url = directory.appendingPathComponent(configFile)
        guard FileManager.default.fileExists(atPath: url.path) else { throw .fileMissing(path: url.path) }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        } catch {
            throw .io(path: url.path, reason: "not readable JSON: \(error.localizedDescription)")
        }
        guard let json = object as? [String: Any] else { throw .io(path: url.path, reason: "not a JSON object") }
        return try HuggingFaceConfig.modelConfig(from: json, path: url.path)
    }
}
