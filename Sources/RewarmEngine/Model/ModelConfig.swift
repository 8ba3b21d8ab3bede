/// The shape of a LLaMA-style decoder, in Hugging Face `LlamaConfig` names.
///
/// Coding keys are the snake_case names of `transformers.LlamaConfig`, so a real
/// `config.json` decodes as it is (see mlx-swift-examples' `LlamaConfiguration`).
public struct ModelConfig: Codable, Sendable, Equatable, Hashable {
    /// V: byte-level vocabulary, 256 by default.
    public var vocabSize: Int
    /// C: width of the residual stream.
    public var hiddenSize: Int
    /// L: decoder layers.
    public var numHiddenLayers: Int
    /// NH: attention heads (key/value heads are the same: no grouped-query attention).
    public var numAttentionHeads: Int
    /// F: width of the SwiGLU MLP.
    public var intermediateSize: Int
    /// T max: longest sequence the rotary tables cover (the run's `cutoff_len` must not exceed it).
    public var maxPositionEmbeddings: Int
    public var rmsNormEps: Double
    public var ropeTheta: Double

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case maxPositionEmbeddings = "max_position_embeddings"
        case rmsNormEps = "rms_norm_eps"
        case ropeTheta = "rope_theta"
    }

    public init(
        vocabSize: Int = 256, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int,
        intermediateSize: Int? = nil, maxPositionEmbeddings: Int, rmsNormEps: Double = 1e-5,
        ropeTheta: Double = 10_000
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize ?? ModelConfig.defaultIntermediateSize(hiddenSize: hiddenSize)
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.rmsNormEps = rmsNormEps
        self.ropeTheta = ropeTheta
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? 256
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize)
            ?? ModelConfig.defaultIntermediateSize(hiddenSize: hiddenSize)
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 2048
        rmsNormEps = try c.decodeIfPresent(Double.self, forKey: .rmsNormEps) ?? 1e-6
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? 10_000
    }

    /// hs: width of one attention head.
    public var headDim: Int { hiddenSize / numAttentionHeads }

    /// About 8/3 x C rounded to a multiple of 32 (128 -> 352, 256 -> 672), as in
    /// `../shared/bench/bench_torch.py`, so both engines train the same shapes.
    public static func defaultIntermediateSize(hiddenSize: Int) -> Int {
        Int((8.0 * Double(hiddenSize) / 3.0 / 32.0).rounded()) * 32
    }

    /// The named presets: `tiny` (tests), `small` and `base` (the studies' and benchmarks' shapes).
    public static func preset(_ name: String) -> ModelConfig? {
        switch name {
        case "tiny":
            ModelConfig(hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 64,
                        maxPositionEmbeddings: 32)
        case "small": ModelConfig(hiddenSize: 128, numHiddenLayers: 4, numAttentionHeads: 4, maxPositionEmbeddings: 128)
        case "base": ModelConfig(hiddenSize: 256, numHiddenLayers: 6, numAttentionHeads: 8, maxPositionEmbeddings: 256)
        default: nil
        }
    }

    public static let presetNames = ["tiny", "small", "base"]
}
