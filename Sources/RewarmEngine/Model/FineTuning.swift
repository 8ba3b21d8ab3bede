/// Which weights train (LLaMA-Factory's `finetuning_type`).
public enum FineTuning: Sendable, Equatable {
    /// Every weight trains.
    case full
    /// Only the last `trainableLayers` decoder layers train (all their weights; 0 is none) and the
    /// whole `modules` (`WeightNames.wholeModules`: embed_tokens, lm_head; LLaMA-Factory's
    /// `freeze_extra_modules`); the rest stays frozen.
    case freeze(trainableLayers: Int, modules: [String] = [])
    /// The base is frozen; low-rank adapters train on the target modules.
    case lora(LoRASettings)
    /// LoRA on a base whose linear weights are held in 4 bits (`QuantizedBase`), QLoRA.
    case qlora(LoRASettings, QuantizationType)

    /// The adapters' settings (LoRA or QLoRA).
    public var lora: LoRASettings? {
        switch self {
        case .lora(let s), .qlora(let s, _): s
        default: nil
        }
    }

    /// Whole modules that train beside the layers or adapters (`WeightNames.wholeModules` names):
    /// freeze's `modules`, LoRA's `modulesToSave`.
    public var wholeModules: [String] {
        switch self {
        case .full: []
        case .freeze(_, let modules): modules
        case .lora(let s), .qlora(let s, _): s.modulesToSave
        }
    }

    /// The 4-bit code of a QLoRA base, nil otherwise.
    public var quantization: QuantizationType? {
        if case .qlora(_, let q) = self { q } else { nil }
    }
}

/// LoRA hyper-parameters, PEFT `LoraConfig` names in the config (`lora_rank` = r).
public struct LoRASettings: Sendable, Equatable, Hashable {
    public var rank: Int
    public var alpha: Double
    public var dropout: Double
    /// PEFT `target_modules`, a subset of `WeightNames.linearModules`, in that order.
    public var targets: [String]
    /// PEFT `modules_to_save` (LLaMA-Factory's `additional_target`): whole modules that train
    /// fully beside the adapters, a subset of `WeightNames.wholeModules`, in that order.
    public var modulesToSave: [String]

    public init(rank: Int, alpha: Double, dropout: Double = 0, targets: [String], modulesToSave: [String] = []) {
        self.rank = rank
        self.alpha = alpha
        self.dropout = dropout
        self.targets = WeightNames.linearModules.filter { targets.contains($0) }
        self.modulesToSave = WeightNames.wholeModules.filter { modulesToSave.contains($0) }
    }

    /// PEFT's default scaling alpha / r (not rsLoRA).
    public var scale: Float { Float(alpha / Double(rank)) }
}
