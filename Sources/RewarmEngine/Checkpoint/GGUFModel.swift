import Foundation

/// A Llama-family model in a GGUF file (llama.cpp's format, `GGUFFile`), read as Rewarm's
/// `ModelConfig` and float32 weights under the Hugging Face names (`WeightNames`).
///
/// ## The shape, from the metadata (ggml `docs/gguf.md`, "LLM"; llama.cpp `llama-model.cpp`)
/// `general.architecture` must be `llama`; then, under `llama.`: `context_length` (T max),
/// `embedding_length` (C), `block_count` (L), `feed_forward_length` (F), `attention.head_count`
/// (NH), `attention.head_count_kv` (NKV; NH when absent, as llama.cpp),
/// `attention.layer_norm_rms_epsilon`, `rope.freq_base` (10000 when absent, as llama.cpp).
/// V is `token_embd.weight`'s row count; the embeddings are tied when there is no `output.weight`
/// (llama.cpp then reads the head from `token_embd`).
///
/// ## The tensors (llama.cpp `gguf-py/gguf/constants.py`, `MODEL_TENSORS[MODEL_ARCH.LLAMA]`)
///
///     token_embd.weight       ne [C, V]        model.embed_tokens.weight    (V, C)
///     blk.N.attn_norm.weight  ne [C]           model.layers.N.input_layernorm.weight
///     blk.N.attn_q.weight     ne [C, C]        ...self_attn.q_proj.weight   (C, C), rows permuted
///     blk.N.attn_k.weight     ne [C, NKV*hs]   ...self_attn.k_proj.weight   (NKV*hs, C), rows permuted
///     blk.N.attn_v.weight     ne [C, NKV*hs]   ...self_attn.v_proj.weight
///     blk.N.attn_output.weight ne [C, C]       ...self_attn.o_proj.weight
///     blk.N.ffn_norm.weight   ne [C]           model.layers.N.post_attention_layernorm.weight
///     blk.N.ffn_gate/up.weight ne [C, F]       ...mlp.gate_proj / up_proj.weight (F, C)
///     blk.N.ffn_down.weight   ne [F, C]        ...mlp.down_proj.weight      (C, F)
///     output_norm.weight      ne [C]           model.norm.weight
///     output.weight           ne [C, V]        lm_head.weight (untied models only)
///
/// ## Q/K rows
/// llama.cpp's converter (`convert_hf_to_gguf.py`, `LlamaModel.permute`) stores the query and key
/// projections with the rows of each head interleaved for ggml's rotary layout:
///
///     w.reshape(n_head, 2, hs // 2, C).swapaxes(1, 2).reshape(n_head * hs, C)
///
/// with n_head = NH for `attn_q` and NKV for `attn_k`. So within head h, Hugging Face row
/// `h*hs + i*hs/2 + j` (i in {0, 1}, j < hs/2) is GGUF row `h*hs + 2j + i` (`ggufRow(ofHFRow:)`);
/// reading undoes this, and the weights equal the Hugging Face ones (transformers' GGUF loader,
/// `reverse_permute_weights`, does the same). Whole rows move, so a 4-bit block (inside one row)
/// moves with its row.
///
/// Opening a file validates all of it before any weight is read: what Rewarm cannot run (another
/// architecture, rope scaling or frequency factors, biases, experts, a head size that is not
/// C / NH, a missing, mis-shaped, unconvertible or unknown tensor) is one error line naming the
/// file and the field or tensor.
public struct GGUFModel: Sendable {
    /// The file, its header validated (tensor data mapped, read on demand).
    public let file: GGUFFile
    /// The shape the metadata describes.
    public let config: ModelConfig

    /// The path errors name.
    public var path: String { file.path }

    /// Opens and validates the GGUF file at `url`.
    public init(contentsOf url: URL) throws(CheckpointError) {
        do { file = try GGUFFile(contentsOf: url) } catch { throw .gguf(error) }
        config = try Self.modelConfig(file)
        try Self.checkTensors(file, config)
    }

    // MARK: Names

    /// The GGUF tensor that holds Hugging Face tensor `name` (`WeightNames`), or nil for a name
    /// that is not one of a Llama's.
    public static func ggufName(of name: String) -> String? {
        switch name {
        case WeightNames.embedding: return "token_embd.weight"
        case WeightNames.finalNorm: return "output_norm.weight"
        case WeightNames.lmHead: return "output.weight"
        default: break
        }
        let prefix = "model.layers."
        guard name.hasPrefix(prefix), name.hasSuffix(".weight") else { return nil }
        let parts = name.dropFirst(prefix.count).dropLast(".weight".count).split(separator: ".")
        guard parts.count >= 2, let layer = Int(parts[0]), layer >= 0 else { return nil }
        let module = parts.dropFirst().joined(separator: ".")
        guard let short = layerTensors[module] else { return nil }
        return "blk.\(layer).\(short).weight"
    }

    /// Hugging Face module (after `model.layers.N.`) -> llama.cpp's tensor (inside `blk.N.`).
    static let layerTensors: [String: String] = [
        "input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm",
        "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
        "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
        "mlp.down_proj": "ffn_down",
    ]

    /// The heads whose rows llama.cpp interleaves in the GGUF tensor for Hugging Face tensor
    /// `name`: NH for q_proj, NKV for k_proj, nil for every other tensor.
    public func permutedHeads(of name: String) -> Int? {
        if name.hasSuffix(".self_attn.q_proj.weight") { return config.numAttentionHeads }
        if name.hasSuffix(".self_attn.k_proj.weight") { return config.numKeyValueHeads }
        return nil
    }

    /// The GGUF row that holds row `row` of a Hugging Face q_proj / k_proj weight (head size
    /// `headDim`): row `h*hs + i*hs/2 + j` is stored as row `h*hs + 2j + i` (see the type's notes).
    public static func ggufRow(ofHFRow row: Int, headDim: Int) -> Int {
        let half = headDim / 2
        let (head, k) = row.quotientAndRemainder(dividingBy: headDim)
        let (i, j) = k.quotientAndRemainder(dividingBy: half)
        return head * headDim + 2 * j + i
    }

    // MARK: Weights

    /// The raw GGUF tensor behind Hugging Face tensor `name`: its info (type, ne) and its bytes,
    /// as stored (rows of q_proj / k_proj still permuted: `permutedHeads`, `ggufRow(ofHFRow:)`).
    /// For a later base kept in its own 4-bit blocks (`GGUFQuantizedBlocks` for Q4_0 / Q4_1).
    public func rawTensor(_ name: String) throws(CheckpointError) -> (info: GGUFTensorInfo, bytes: Data) {
        guard let gguf = Self.ggufName(of: name) else { throw .missingTensor(path: path, tensor: name) }
        do {
            let info = try file.tensor(named: gguf)
            let start = file.bytes.startIndex + file.dataOffset + info.offset
            return (info, info.byteCount == 0 ? Data() : file.bytes[start..<start + info.byteCount])
        } catch {
            throw .gguf(error)
        }
    }

    /// Fills every tensor of `slab` (Hugging Face names, `WeightNames.baseTensors` shapes) with
    /// the file's weights, dequantized to float32, Q/K rows put back in Hugging Face order. Every
    /// name and shape is checked before the first value is written: on an error nothing is loaded.
    public func load(into slab: ParameterSlab) throws(CheckpointError) {
        var sources: [(spec: TensorSpec, gguf: String)] = []
        for spec in slab.specs {
            guard let gguf = Self.ggufName(of: spec.name), let info = try? file.tensor(named: gguf) else {
                throw .missingTensor(path: path, tensor: Self.ggufName(of: spec.name) ?? spec.name)
            }
            guard info.shape == spec.shape else {
                throw .invalidTensor(path: path, tensor: gguf, detail: "shape \(info.shape) (ne \(info.dimensions)), "
                    + "expected \(spec.shape) for \(spec.name)")
            }
            sources.append((spec, gguf))
        }
        for (spec, gguf) in sources {
            let destination = UnsafeMutableBufferPointer(start: slab.base + spec.offset, count: spec.count)
            do {
                guard let heads = permutedHeads(of: spec.name) else {
                    try file.dequantize(named: gguf, into: destination)
                    continue
                }
                let stored = try file.dequantize(named: gguf)
                let rows = spec.shape[0], width = spec.shape[1], hs = rows / heads
                for row in 0..<rows {
                    let from = Self.ggufRow(ofHFRow: row, headDim: hs) * width
                    for c in 0..<width { destination[row * width + c] = stored[from + c] }
                }
            } catch {
                throw .gguf(error)
            }
        }
    }

    // MARK: Validation

    /// The shape in `file`'s metadata, or the first field Rewarm cannot use.
    static func modelConfig(_ file: GGUFFile) throws(CheckpointError) -> ModelConfig {
        let path = file.path
        func refuse(_ field: String, _ reason: String) -> CheckpointError {
            .unsupportedModel(path: path, field: field, reason: reason)
        }
        func positive(_ key: String, default value: Int? = nil) throws(CheckpointError) -> Int {
            if file.value(key) == nil, let value { return value }
            let n: Int
            do { n = try file.int(key) } catch { throw .gguf(error) }
            guard n > 0 else { throw refuse(key, "\(n) is not a positive integer") }
            return n
        }
        func number(_ key: String, default value: Double? = nil) throws(CheckpointError) -> Double {
            if file.value(key) == nil, let value { return value }
            var x: Double
            do { x = try file.float(key) } catch { throw .gguf(error) }
            // a FLOAT32 as its shortest decimal (1e-05, not 9.999999747378752e-06), as config.json says it
            if case .float32(let f)? = file.value(key), let decimal = Double("\(f)") { x = decimal }
            guard x > 0, x.isFinite else { throw refuse(key, "\(x) is not a positive number") }
            return x
        }
        let architecture: String
        do { architecture = try file.string("general.architecture") } catch { throw .gguf(error) }
        guard architecture == "llama" else {
            throw refuse("general.architecture", "\"\(architecture)\": Rewarm reads Llama models only")
        }
        if let type = file.value("llama.rope.scaling.type") {
            guard type.stringValue == "none" else {
                throw refuse("llama.rope.scaling.type", "\(type.stringValue.map { "\"\($0)\"" } ?? "\(type)"): "
                    + "Rewarm has plain rotary embeddings only")
            }
        }
        if let factor = file.value("llama.rope.scaling.factor")?.doubleValue, factor != 0, factor != 1 {
            throw refuse("llama.rope.scaling.factor", "\(factor): Rewarm has plain rotary embeddings only")
        }
        for key in ["llama.expert_count", "llama.expert_used_count"] {
            if let n = file.value(key)?.intValue, n > 0 {
                throw refuse(key, "\(n): Rewarm has no mixture-of-experts layers")
            }
        }
        let hidden = try positive("llama.embedding_length")
        let heads = try positive("llama.attention.head_count")
        guard hidden % heads == 0 else {
            throw refuse("llama.attention.head_count", "\(heads) does not divide embedding_length \(hidden)")
        }
        let kvHeads = try positive("llama.attention.head_count_kv", default: heads)
        guard heads % kvHeads == 0 else {
            throw refuse("llama.attention.head_count_kv", "\(kvHeads) does not divide head_count \(heads)")
        }
        let headDim = hidden / heads
        for key in ["llama.rope.dimension_count", "llama.attention.key_length", "llama.attention.value_length"] {
            if let raw = file.value(key), raw.intValue != headDim {
                throw refuse(key, "\(raw.intValue.map(String.init) ?? "\(raw)"): Rewarm needs the head size "
                    + "embedding_length / head_count = \(headDim)")
            }
        }
        guard headDim % 2 == 0 else {
            throw refuse("llama.attention.head_count", "head size \(headDim) is odd: rotary embeddings need pairs")
        }
        let embedding: GGUFTensorInfo
        do { embedding = try file.tensor(named: "token_embd.weight") } catch { throw .gguf(error) }
        guard embedding.dimensions.count == 2, embedding.dimensions[0] == hidden, embedding.dimensions[1] > 0 else {
            throw .invalidTensor(path: path, tensor: "token_embd.weight",
                                 detail: "ne \(embedding.dimensions), expected [\(hidden), vocabulary]")
        }
        let vocab = embedding.dimensions[1]
        if let declared = file.value("llama.vocab_size"), declared.intValue != vocab {
            throw refuse("llama.vocab_size", "\(declared.intValue.map(String.init) ?? "\(declared)") differs from "
                + "token_embd.weight's \(vocab) rows")
        }
        return ModelConfig(
            vocabSize: vocab, hiddenSize: hidden, numHiddenLayers: try positive("llama.block_count"),
            numAttentionHeads: heads, numKeyValueHeads: kvHeads,
            intermediateSize: try positive("llama.feed_forward_length"),
            maxPositionEmbeddings: try positive("llama.context_length"),
            rmsNormEps: try number("llama.attention.layer_norm_rms_epsilon"),
            ropeTheta: try number("llama.rope.freq_base", default: 10_000),
            tieWordEmbeddings: (try? file.tensor(named: "output.weight")) == nil)
    }

    /// Every tensor of `config` is in `file` with its shape and a type Rewarm converts, and the
    /// file holds no other tensor.
    static func checkTensors(_ file: GGUFFile, _ config: ModelConfig) throws(CheckpointError) {
        let path = file.path
        var expected: [String: [Int]] = [:]
        for (name, shape) in WeightNames.baseTensors(config) {
            guard let gguf = ggufName(of: name) else { preconditionFailure("no GGUF name for \(name)") }
            expected[gguf] = shape
        }
        for info in file.tensors where expected[info.name] == nil {
            throw .unsupportedModel(path: path, field: "tensor '\(info.name)'", reason: unknownTensorReason(info.name))
        }
        for (name, _) in WeightNames.baseTensors(config) {
            let gguf = ggufName(of: name)!
            let info: GGUFTensorInfo
            do { info = try file.tensor(named: gguf) } catch { throw .gguf(error) }
            guard info.shape == expected[gguf]! else {
                throw .invalidTensor(path: path, tensor: gguf, detail: "ne \(info.dimensions), expected "
                    + "\(Array(expected[gguf]!.reversed())) for this model's shape (\(name))")
            }
            guard info.type.isDequantizable else {
                throw .gguf(.unsupportedTensorType(
                    path: path, tensor: gguf, type: info.type.description,
                    wanted: "(Rewarm converts F32, F16, BF16, Q8_0, Q4_0 and Q4_1)"))
            }
        }
    }

    /// Why a tensor that is not one of a plain Llama's is refused.
    static func unknownTensorReason(_ name: String) -> String {
        if name.hasSuffix(".bias") { return "a bias: Rewarm's Llama has no biases" }
        if name.contains("_exps") || name.contains("ffn_gate_inp") || name.contains("_shexp") {
            return "mixture-of-experts weights: Rewarm has no expert layers"
        }
        if name.hasPrefix("rope_freqs") { return "rope frequency factors: Rewarm has plain rotary embeddings only" }
        return "not a tensor of a Llama model Rewarm knows (or of a layer past llama.block_count)"
    }
}
