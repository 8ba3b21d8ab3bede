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

/// `quantization_type`: how a QLoRA base is held in 4 bits.
public enum QuantizationType: String, CaseIterable, Sendable, Codable {
    /// NormalFloat4: quantiles of a standard normal (bitsandbytes' name), quantized here.
    case nf4
    /// Plain 4-bit float (bitsandbytes' name), quantized here.
    case fp4
    /// The GGUF `init_from`'s own Q4_0 / Q4_1 blocks, kept as the file holds them (no second
    /// quantization); only for a GGUF file whose linear weights are all Q4_0 or Q4_1.
    case gguf

    /// The code book a float32 base is quantized with; nil for `gguf` (nothing is quantized).
    public var codeBook: FourBitCodeBook? {
        switch self {
        case .nf4: .nf4
        case .fp4: .fp4
        case .gguf: nil
        }
    }
}

/// `extend_vocabulary_init`: how the rows of an extended vocabulary's new tokens start.
public enum NewRowInit: String, CaseIterable, Sendable, Codable {
    /// The column mean of the model's rows (transformers' `resize_token_embeddings` centre).
    case mean
    /// The mean of the rows of the tokens the model's own tokenizer splits the new token's text
    /// into (the embedding of what the new token replaces; Gee et al. 2022, "Fast Vocabulary
    /// Transfer", arXiv 2203.09597, and FVT-style initialisations).
    case subtokens
}
