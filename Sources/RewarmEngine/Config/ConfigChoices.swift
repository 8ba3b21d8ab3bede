/// `finetuning_type`, as in LLaMA-Factory: which weights train.
public enum FinetuningType: String, CaseIterable, Sendable, Codable {
    /// Every weight trains.
    case full
    /// Only the last `freeze_trainable_layers` decoder layers train.
    case freeze
    /// Frozen base, trainable low-rank adapters on `lora_target`.
    case lora
    /// LoRA on a base frozen in 4 bits (`quantization_type`, double-quantized block scales).
    case qlora

    /// Whether adapters train (`lora` or `qlora`).
    public var usesLoRA: Bool { self == .lora || self == .qlora }
}

/// `quantization_type`: the 4-bit code of a QLoRA base (bitsandbytes' names).
public enum QuantizationType: String, CaseIterable, Sendable, Codable {
    /// NormalFloat4: quantiles of a standard normal.
    case nf4
    /// Plain 4-bit float.
    case fp4
}
