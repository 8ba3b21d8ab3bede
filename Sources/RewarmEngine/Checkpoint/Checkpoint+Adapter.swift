import Foundation

/// A LoRA run's adapter as `PeftModel.save_pretrained` leaves one, and reading it back:
/// - `adapter_model.safetensors`: the adapters under `base_model.model.` + their HF names
///   (`...q_proj.lora_A.weight`, `...lora_B.weight`), and each module of `modules_to_save` whole,
///   under the key PEFT saves it with (`ModulesToSaveWrapper`'s copy, adapter name and
///   `modules_to_save.` removed): `base_model.model.model.embed_tokens.weight`,
///   `base_model.model.lm_head.weight`. With tied embeddings both keys hold the one shared table;
/// - `adapter_config.json`: PEFT's `LoraConfig` (`r`, `lora_alpha`, `target_modules`,
///   `modules_to_save`, ...).
/// A module of `modules_to_save` replaces the base's tensor whole when the adapter is loaded, so
/// the adapter gives the same logits on the base it was trained from as on the folder Rewarm
/// exports (whose `model.safetensors` already holds the trained modules).
extension Checkpoint {
    /// Writes `model`'s adapter (and its whole modules) into `directory`.
    static func writeAdapter(
        of model: LlamaModel, lora: LoRASettings, initFrom: String?, to directory: URL
    ) throws(CheckpointError) {
        guard let adapters = model.adapters else { return }
        var tensors = views(adapters, prefix: peftPrefix)
        for (module, tensor) in wholeModuleKeys(lora.modulesToSave, model.config) {
            let s = model.weights.spec(tensor)!
            tensors.append(SafetensorsTensorView(
                name: peftPrefix + WeightNames.moduleKey(module), shape: s.shape,
                values: UnsafeBufferPointer(start: model.weights.base + s.offset, count: s.count)))
        }
        try SafetensorsWriter.write(views: tensors, metadata: ["format": "pt"],
                                    to: directory.appendingPathComponent(adapterFile))
        try writeJSON(adapterConfig(lora, initFrom: initFrom), to: directory.appendingPathComponent(adapterConfigFile))
    }

    /// Each module of `modules` with the tensor of the model that holds it (`WeightNames.moduleTensor`).
    static func wholeModuleKeys(_ modules: [String], _ c: ModelConfig) -> [(module: String, tensor: String)] {
        modules.map { ($0, WeightNames.moduleTensor($0, c)) }
    }

    /// PEFT's `adapter_config.json` for a LoRA run.
    static func adapterConfig(_ lora: LoRASettings, initFrom: String?) -> [String: Any] {
        [
            "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": lora.rank, "lora_alpha": lora.alpha,
            "lora_dropout": lora.dropout, "target_modules": lora.targets, "bias": "none",
            "base_model_name_or_path": initFrom ?? "", "fan_in_fan_out": false, "inference_mode": true,
            "init_lora_weights": true, "use_rslora": false,
            "modules_to_save": lora.modulesToSave.isEmpty ? NSNull() : lora.modulesToSave as Any,
        ]
    }

    /// Loads the adapters of `model` and the whole modules its LoRA settings save (each replacing
    /// the base's tensor) from this checkpoint's adapter file; nothing without adapters.
    func loadAdapter(into model: LlamaModel) throws(CheckpointError) {
        guard let adapters = model.adapters else { return }
        let file = adapterDirectory.appendingPathComponent(Checkpoint.adapterFile)
        try Checkpoint.load(adapters, from: file, prefix: Checkpoint.peftPrefix)
        let modules = Checkpoint.wholeModuleKeys(model.fineTuning.lora?.modulesToSave ?? [], model.config)
        guard !modules.isEmpty else { return }
        let st = try SafetensorsFile(contentsOf: file)
        for (module, tensor) in modules {
            let name = Checkpoint.peftPrefix + WeightNames.moduleKey(module)
            let s = model.weights.spec(tensor)!
            let info = try st.info(named: name)
            guard info.shape == s.shape else {
                throw .invalidTensor(path: file.path, tensor: name, detail: "shape \(info.shape), expected \(s.shape)")
            }
            try st.copyTensor(named: name, into: UnsafeMutableBufferPointer(start: model.weights.base + s.offset,
                                                                            count: s.count))
        }
    }

    /// The LoRA settings in `adapter_config.json` (PEFT's `LoraConfig` names).
    public func adapterSettings() throws(CheckpointError) -> LoRASettings {
        let url = adapterDirectory.appendingPathComponent(Checkpoint.adapterConfigFile)
        guard let data = try? Data(contentsOf: url),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let r = (json["r"] as? NSNumber)?.intValue, let alpha = (json["lora_alpha"] as? NSNumber)?.doubleValue
        else { throw .io(path: url.path, reason: "unreadable adapter config (needs r, lora_alpha, target_modules)") }
        let targets = try Checkpoint.moduleList(json["target_modules"], field: "target_modules",
                                                allowed: WeightNames.linearModules, path: url.path, required: true)
        let saved = try Checkpoint.moduleList(json["modules_to_save"], field: "modules_to_save",
                                              allowed: WeightNames.wholeModules, path: url.path, required: false)
        if (json["use_rslora"] as? NSNumber)?.boolValue == true {
            throw .unsupportedModel(
                path: url.path, field: "use_rslora", reason: "true: Rewarm scales adapters by lora_alpha / r")
        }
        if let bias = json["bias"] as? String, bias != "none" {
            throw .unsupportedModel(
                path: url.path, field: "bias", reason: "\"\(bias)\": Rewarm's adapters have no bias")
        }
        let dropout = (json["lora_dropout"] as? NSNumber)?.doubleValue ?? 0
        return LoRASettings(rank: r, alpha: alpha, dropout: dropout, targets: targets, modulesToSave: saved)
    }

    /// A module list field of `adapter_config.json` (a list or a comma string; null or absent is
    /// empty unless `required`), every name one of `allowed`.
    private static func moduleList(
        _ value: Any?, field: String, allowed: [String], path: String, required: Bool
    ) throws(CheckpointError) -> [String] {
        let names: [String]
        switch value {
        case let list as [String]: names = list
        case let one as String: names = one.split(separator: ",").map { String($0) }
        default:
            guard !required, value == nil || value is NSNull else {
                throw .unsupportedModel(path: path, field: field, reason: "missing or not a list of module names")
            }
            names = []
        }
        if let unknown = names.first(where: { !allowed.contains($0) }) {
            throw .unsupportedModel(
                path: path, field: field, reason: "'\(unknown)' is not one of \(allowed.joined(separator: ", "))")
        }
        return names
    }
}
