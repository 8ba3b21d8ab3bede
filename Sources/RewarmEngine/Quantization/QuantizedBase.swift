/// QLoRA's frozen base (Dettmers et al. 2023, arXiv 2305.14314): the seven linear weights of
/// every layer held in 4 bits (`FrozenLinearWeight`: quantized here, or a GGUF file's own
/// Q4_0 / Q4_1 blocks), dequantized on the fly into one scratch matrix (the
/// size of the largest) just before the matrix product that reads it. Embeddings, norms and
/// lm_head stay float32 in the model's slab, as in bitsandbytes' `Linear4bit` models.
public final class QuantizedBase: @unchecked Sendable {
    public let type: QuantizationType
    /// The quantized tensors by name (shared with the data-parallel replicas of this base).
    public var tensors: [String: FrozenLinearWeight] { store.tensors }
    private let store: Store
    /// (max(OC x IC)) floats: the last dequantized matrix.
    private let scratch: UnsafeMutablePointer<Float>
    private let scratchCount: Int

    /// Whether base tensor `name` is held quantized (the linear modules' weights).
    public static func isQuantized(_ name: String) -> Bool {
        name.hasSuffix("_proj.weight") && name.hasPrefix("model.layers.")
    }

    private final class Store {
        var tensors: [String: FrozenLinearWeight] = [:]
    }

    public init(config c: ModelConfig, type: QuantizationType) {
        self.type = type
        store = Store()
        scratchCount = max(c.hiddenSize * c.hiddenSize, c.hiddenSize * c.intermediateSize)
        scratch = .allocate(capacity: scratchCount)
        scratch.initialize(repeating: 0, count: scratchCount)
    }

    /// The same quantized tensors (shared, not copied) with a scratch matrix of its own, for a
    /// data-parallel worker that dequantizes while the others do.
    init(sharingTensorsOf other: QuantizedBase) {
        type = other.type
        store = other.store
        scratchCount = other.scratchCount
        scratch = .allocate(capacity: scratchCount)
        scratch.initialize(repeating: 0, count: scratchCount)
    }

    deinit { scratch.deallocate() }

    /// Quantizes tensor `name` from `values` (row-major, `shape`) with the base's code book.
    public func quantize(_ name: String, shape: [Int], values: UnsafeBufferPointer<Float>) {
        precondition(values.count <= scratchCount, "\(name) is larger than the scratch matrix")
        guard let book = type.codeBook else { preconditionFailure("a \(type) base holds blocks, it quantizes nothing") }
        store.tensors[name] = .quantized(QuantizedTensor(quantizing: values, shape: shape, type: book))
    }

    /// Holds tensor `name` as `weight` (e.g. a GGUF file's blocks) as it is.
    public func hold(_ name: String, _ weight: FrozenLinearWeight) {
        precondition(weight.count <= scratchCount, "\(name) is larger than the scratch matrix")
        store.tensors[name] = weight
    }

    /// Tensor `name` dequantized into the scratch matrix (valid until the next call), or nil
    /// when it is not held here.
    public func dequantized(_ name: String) -> UnsafeMutablePointer<Float>? {
        guard let t = tensors[name] else { return nil }
        t.dequantize(into: scratch)
        return scratch
    }

    /// Bytes held by the quantized tensors (the scratch matrix excluded).
    public var byteCount: Int { tensors.values.reduce(0) { $0 + $1.byteCount } }
    /// Weights held.
    public var weightCount: Int { tensors.values.reduce(0) { $0 + $1.count } }
}

extension LlamaModel {
    /// Sets the base weights from `full` (a slab of every base tensor, `WeightNames.baseTensors`):
    /// copied into `weights`, and for QLoRA the linear ones quantized.
    public func loadBase(from full: ParameterSlab) {
        for s in full.specs {
            let values = UnsafeBufferPointer(start: full.base + s.offset, count: s.count)
            if let quantizedBase, QuantizedBase.isQuantized(s.name) {
                quantizedBase.quantize(s.name, shape: s.shape, values: values)
            } else {
                weights.pointer(s.name).update(from: values.baseAddress!, count: s.count)
            }
        }
    }

    /// Every base tensor as float32 (`WeightNames.baseTensors` order): `weights` itself, or for
    /// QLoRA a new slab holding the dequantized linear weights (what checkpoints and exports hold).
    public func fullBase() -> ParameterSlab {
        guard let quantizedBase else { return weights }
        let full = ParameterSlab(WeightNames.baseTensors(config))
        for s in full.specs {
            let out = full.base + s.offset
            if let t = quantizedBase.tensors[s.name] {
                t.dequantize(into: out)
            } else {
                out.update(from: weights.pointer(s.name), count: s.count)
            }
        }
        return full
    }
}
