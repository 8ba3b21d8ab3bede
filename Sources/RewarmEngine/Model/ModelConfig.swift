/// The shape of a LLaMA-style decoder, in Hugging Face `LlamaConfig` names.
///
/// Coding keys are the snake_case names of `transformers.LlamaConfig`, so a real
/// `config.json` decodes as it is (see mlx-swift-examples' `LlamaConfiguration`).
public struct ModelConfig: Codable, Sendable, Equatable, Hashable {
    /// V: vocabulary size; 256 for the byte-level models (token = UTF-8 byte).
    public var vocabSize: Int
    /// C: width of the residual stream.
    public var hiddenSize: Int
    /// L: decoder layers.
    public var numHiddenLayers: Int
    /// NH: attention (query) heads of hs = C / NH channels.
    public var numAttentionHeads: Int
    /// NKV: key/value heads (grouped-query attention, Ainslie et al. 2023): each group of
    /// NH / NKV query heads shares one, as HF `LlamaAttention` with `repeat_kv`; NKV = NH is
    /// plain multi-head attention. Must divide NH.
    public var numKeyValueHeads: Int
    /// F: width of the SwiGLU MLP.
    public var intermediateSize: Int
    /// T max: longest sequence the rotary tables cover (the run's `cutoff_len` must not exceed it).
    public var maxPositionEmbeddings: Int
    public var rmsNormEps: Double
    public var ropeTheta: Double
    /// Whether the output head reuses the embedding table (logits = h Wte^T, no `lm_head.weight`),
    /// HF `tie_word_embeddings`.
    public var tieWordEmbeddings: Bool

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads"
        case intermediateSize = "intermediate_size"
        case maxPositionEmbeddings = "max_position_embeddings"
        case rmsNormEps = "rms_norm_eps"
        case ropeTheta = "rope_theta"
        case tieWordEmbeddings = "tie_word_embeddings"
    }

    public init(
        vocabSize: Int = 256, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int,
        numKeyValueHeads: Int? = nil, intermediateSize: Int? = nil, maxPositionEmbeddings: Int,
        rmsNormEps: Double = 1e-5, ropeTheta: Double = 10_000, tieWordEmbeddings: Bool = false
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.numKeyValueHeads = numKeyValueHeads ?? numAttentionHeads
        self.intermediateSize = intermediateSize ?? ModelConfig.defaultIntermediateSize(hiddenSize: hiddenSize)
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.rmsNormEps = rmsNormEps
        self.ropeTheta = ropeTheta
        self.tieWordEmbeddings = tieWordEmbeddings
    }

    /// Absent keys take their defaults (trainer states written before a key existed read as before).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        numKeyValueHeads = try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads) ?? numAttentionHeads
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? 256
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize)
            ?? ModelConfig.defaultIntermediateSize(hiddenSize: hiddenSize)
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 2048
        rmsNormEps = try c.decodeIfPresent(Double.self, forKey: .rmsNormEps) ?? 1e-6
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? 10_000
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? false
    }

    /// hs: width of one attention head.
    public var headDim: Int { hiddenSize / numAttentionHeads }

    /// NKV * hs: width of the keys and of the values (the output width of k_proj and v_proj).
    public var keyValueDim: Int { numKeyValueHeads * headDim }

    /// About 8/3 x C rounded to a multiple of 32 (128 -> 352, 256 -> 672), as in
    /// `../shared/bench/bench_torch.py`, so both engines train the same shapes.
    public static func defaultIntermediateSize(hiddenSize: Int) -> Int {
        Int((8.0 * Double(hiddenSize) / 3.0 / 32.0).rounded()) * 32
    }

    /// The named presets: `tiny` (tests), `small` and `base` (the studies' and benchmarks' byte
    /// models), and `smollm2-135m`: the shape of HuggingFaceTB/SmolLM2-135M (30 layers, C 576,
    /// 9 heads, 3 key/value heads, F 1536, tied embeddings, vocabulary 49,152, rope_theta 1e5;
    /// context 2048 here, 8192 in its config.json), for benchmarks and tests.
    public static func preset(_ name: String) -> ModelConfig? {
        switch name {
        case "tiny":
            ModelConfig(hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 64,
                        maxPositionEmbeddings: 32)
        case "small": ModelConfig(hiddenSize: 128, numHiddenLayers: 4, numAttentionHeads: 4, maxPositionEmbeddings: 128)
        case "base": ModelConfig(hiddenSize: 256, numHiddenLayers: 6, numAttentionHeads: 8, maxPositionEmbeddings: 256)
        case "smollm2-135m":
            ModelConfig(vocabSize: 49_152, hiddenSize: 576, numHiddenLayers: 30, numAttentionHeads: 9,
                        numKeyValueHeads: 3, intermediateSize: 1536, maxPositionEmbeddings: 2048, rmsNormEps: 1e-5,
                        ropeTheta: 100_000, tieWordEmbeddings: true)
        default: nil
        }
    }

    public static let presetNames = ["tiny", "small", "base", "smollm2-135m"]
}
