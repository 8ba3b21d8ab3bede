// LLaMA-style decoder (Touvron et al. 2023), forward and backward by hand, llm.c style.
//
// Shape legend: B = batch, T = time (sequence), C = channels (hidden_size), NH = heads,
// hs = C / NH, NKV = key/value heads (NKV*hs = KV), F = intermediate_size, V = vocabulary,
// L = layers, N = B * T, r = LoRA rank. Every buffer is row-major; comments give shapes.
//
// One layer:  ln1 = RMSNorm(x); q (N, C), k (N, KV), v (N, KV) = ln1 Wq^T, ln1 Wk^T, ln1 Wv^T
//             (+ LoRA); q, k = rotary(q, k); y = attention(q, k, v) (grouped-query: query head h
//             reads key/value head h / (NH/NKV), HF `repeat_kv`); r = x + y Wo^T;
//             ln2 = RMSNorm(r); h = silu(ln2 Wg^T) * (ln2 Wu^T); out = r + h Wd^T.
// Then logits = RMSNorm(x_L) Wlm^T (Wlm = Wte when the embeddings are tied) and the mean
// cross-entropy of the next token, chunk by chunk of positions (`LanguageModelHead.swift`): a
// training forward also turns each chunk's logits into their gradient right away, so the full
// (N, V) logits never exist. The backward is the rest of the forward read bottom-up.

/// A trainable tensor as the optimizer sees it: parameter and gradient views of `count` floats.
public struct TrainableTensor {
    public let name: String
    public let parameter: UnsafeMutablePointer<Float>
    public let gradient: UnsafeMutablePointer<Float>
    public let count: Int
    public let isMatrix: Bool
}

public final class LlamaModel: @unchecked Sendable {
    public let config: ModelConfig
    public let fineTuning: FineTuning
    /// Base weights, Hugging Face names (`model.layers.0.self_attn.q_proj.weight`, ...).
    public let weights: ParameterSlab
    /// LoRA adapters (`model.layers.0.self_attn.q_proj.lora_A.weight`, ...), nil unless LoRA.
    public let adapters: ParameterSlab?
    /// Gradients of the trainable tensors only, under the same names: frozen weights have none.
    public let gradients: ParameterSlab
    /// QLoRA: the linear weights, in 4 bits (absent from `weights`); nil otherwise.
    public let quantizedBase: QuantizedBase?
    let rotary: RotaryTables
    private var activations: Activations?
    /// Lowest decoder layer whose weights (or adapters) train: the backward stops there.
    let lowestTrainableLayer: Int

    public init(config: ModelConfig, fineTuning: FineTuning = .full) {
        self.config = config
        self.fineTuning = fineTuning
        let base = WeightNames.baseTensors(config)
        quantizedBase = fineTuning.quantization.map { QuantizedBase(config: config, type: $0) }
        weights = ParameterSlab(quantizedBase == nil ? base : base.filter { !QuantizedBase.isQuantized($0.name) })
        var adapterTensors: [(name: String, shape: [Int])] = []
        if let lora = fineTuning.lora {
            for l in 0..<config.numHiddenLayers {
                for m in lora.targets {
                    let (i, o) = WeightNames.linearShape(m, config)
                    adapterTensors.append((WeightNames.loraA(m, layer: l), [lora.rank, i]))
                    adapterTensors.append((WeightNames.loraB(m, layer: l), [o, lora.rank]))
                }
            }
            adapters = ParameterSlab(adapterTensors)
        } else {
            adapters = nil
        }
        let L = config.numHiddenLayers
        // Whole modules (embed_tokens, lm_head) train beside freeze's layers or the adapters; the
        // embedding's gradient needs the backward to run down to layer 0.
        let wholeModules = WeightNames.wholeModuleTensors(fineTuning.wholeModules, config)
        let trainsEmbedding = wholeModules.contains(WeightNames.embedding)
        switch fineTuning {
        case .full:
            gradients = ParameterSlab(base)
            lowestTrainableLayer = 0
        case .freeze(let n, _):
            let first = max(0, L - n)
            let trainable = base.filter { t in
                wholeModules.contains(t.name) || (first..<L).contains { t.name.hasPrefix(WeightNames.layerPrefix($0)) }
            }
            gradients = ParameterSlab(trainable)
            lowestTrainableLayer = trainsEmbedding ? 0 : first
        case .lora, .qlora:
            gradients = ParameterSlab(base.filter { wholeModules.contains($0.name) } + adapterTensors)
            lowestTrainableLayer = 0
        }
        rotary = RotaryTables(maxLength: config.maxPositionEmbeddings, headDim: config.headDim, theta: config.ropeTheta)
    }

    /// A data-parallel worker's model: the same weights, adapters and quantized base (shared,
    /// read-only during a step), its own gradients, activations and dequantization scratch.
    init(replicaOf m: LlamaModel) {
        config = m.config
        fineTuning = m.fineTuning
        weights = m.weights
        adapters = m.adapters
        gradients = ParameterSlab(m.gradients.specs.map { ($0.name, $0.shape) })
        quantizedBase = m.quantizedBase.map { QuantizedBase(sharingTensorsOf: $0) }
        lowestTrainableLayer = m.lowestTrainableLayer
        rotary = m.rotary
    }

    /// Data-parallel workers beyond this model (`DataParallel.swift`), made on first use.
    var replicas: [LlamaModel] = []

    /// Positions per pass of `forwardBackward` and `meanLoss` (`BatchPasses`): each worker runs
    /// its sequences in passes of about this many positions; nil runs them in one pass.
    public var positionsPerPass: Int? = BatchPasses.defaultPositions

    /// Positions per chunk of the output head and cross-entropy (`LanguageModelHead`); nil: as
    /// many as keep a chunk's logits near 16 MiB (`LlamaModel.headRows(vocabularySize:)`).
    public var headChunkRows: Int? {
        didSet { precondition((headChunkRows ?? 1) > 0, "headChunkRows must be positive") }
    }

    // MARK: Parameters

    /// Every trainable tensor, base ones first, in slab order (the optimizer's and the gradient
    /// norm's iteration order, fixed so results are bit-reproducible). Built once: the slabs
    /// never move, so the training step reuses these views.
    public private(set) lazy var trainableTensors: [TrainableTensor] = {
        gradients.specs.map { s in
            let owner = weights.contains(s.name) ? weights : adapters!
            return TrainableTensor(
                name: s.name, parameter: owner.pointer(s.name), gradient: gradients.base + s.offset,
                count: s.count, isMatrix: s.isMatrix)
        }
    }()

    public var parameterCount: Int { weights.count + (quantizedBase?.weightCount ?? 0) + (adapters?.count ?? 0) }
    public var trainableParameterCount: Int { gradients.count }

    public func zeroGradients() { gradients.zero() }

    func gradient(_ name: String) -> UnsafeMutablePointer<Float>? {
        gradients.contains(name) ? gradients.pointer(name) : nil
    }

    // MARK: Forward

    /// Runs the model on `inputs` (B, T) and, with `targets` (B, T), returns the mean
    /// cross-entropy in nats over the B*T positions (nil without targets; `logits` then gives the
    /// logits). Activations are kept for `backward`. With `targets` and `lossScale` the forward
    /// is a training one: the output head's gradients for the loss `lossScale * sum of the B*T
    /// token losses` are made chunk by chunk as the losses are (the head's weight gradient is
    /// accumulated into `gradients`, d(lnf) is kept for `backward`). `dropoutKey` seeds LoRA
    /// dropout (nil: evaluation, no dropout); `firstRow` is the index of this batch's first
    /// position (row of B*T) in a larger batch it is a shard of (the dropout masks are drawn by
    /// position in that whole batch). Token ids must be in 0 ..< V.
    @discardableResult
    public func forward(
        inputs: UnsafePointer<Int32>, targets: UnsafePointer<Int32>?, B: Int, T: Int, lossScale: Float? = nil,
        dropoutKey: UInt64? = nil, firstRow: Int = 0
    ) -> Double? {
        precondition(T <= config.maxPositionEmbeddings, "sequence length \(T) exceeds the rotary tables")
        let a = activations(B: B, T: T, workers: Parallel.threads)
        let c = config
        let N = B * T, C = c.hiddenSize, F = c.intermediateSize, NH = c.numAttentionHeads
        let NKV = c.numKeyValueHeads
        let eps = Float(c.rmsNormEps)
        checkTokens(inputs, count: N)
        if let targets { checkTokens(targets, count: N) }
        a.holdsHeadGradient = false
        embeddingForward(a.residual[0], inputs, weights.pointer(WeightNames.embedding), N: N, C: C)
        rotary.cos.withUnsafeBufferPointer { cosBuf in
            rotary.sin.withUnsafeBufferPointer { sinBuf in
                for l in 0..<c.numHiddenLayers {
                    let la = a.layers[l]
                    let x = a.residual[l]
                    rmsnormForward(la.ln1, la.ln1Rstd, x, weights.pointer(WeightNames.inputNorm(layer: l)),
                                   N: N, C: C, eps: eps)
                    linearForward("q_proj", layer: l, la.q, la.ln1, N: N, acts: la,
                                  dropoutKey: dropoutKey, firstRow: firstRow)
                    linearForward("k_proj", layer: l, la.k, la.ln1, N: N, acts: la,
                                  dropoutKey: dropoutKey, firstRow: firstRow)
                    linearForward("v_proj", layer: l, la.v, la.ln1, N: N, acts: la,
                                  dropoutKey: dropoutKey, firstRow: firstRow)
                    rotaryForward(la.q, la.q, cos: cosBuf.baseAddress!, sin: sinBuf.baseAddress!,
                                  B: B, T: T, NH: NH, hs: c.headDim)
                    rotaryForward(la.k, la.k, cos: cosBuf.baseAddress!, sin: sinBuf.baseAddress!,
                                  B: B, T: T, NH: NKV, hs: c.headDim)
                    attentionForward(la.atty, la.att, la.q, la.k, la.v, B: B, T: T, C: C, NH: NH, NKV: NKV)
                    linearForward("o_proj", layer: l, la.resAtt, la.atty, N: N, acts: la,
                                  dropoutKey: dropoutKey, firstRow: firstRow)
                    residualForward(la.resAtt, la.resAtt, x, count: N * C)
                    rmsnormForward(la.ln2, la.ln2Rstd, la.resAtt,
                                   weights.pointer(WeightNames.postAttentionNorm(layer: l)), N: N, C: C, eps: eps)
                    linearForward("gate_proj", layer: l, la.gate, la.ln2, N: N, acts: la,
                                  dropoutKey: dropoutKey, firstRow: firstRow)
                    linearForward("up_proj", layer: l, la.up, la.ln2, N: N, acts: la,
                                  dropoutKey: dropoutKey, firstRow: firstRow)
                    swigluForward(la.h, la.gate, la.up, count: N * F)
                    let out = a.residual[l + 1]
                    linearForward("down_proj", layer: l, out, la.h, N: N, acts: la,
                                  dropoutKey: dropoutKey, firstRow: firstRow)
                    residualForward(out, out, la.resAtt, count: N * C)
                }
            }
        }
        rmsnormForward(a.lnf, a.lnfRstd, a.residual[c.numHiddenLayers], weights.pointer(WeightNames.finalNorm),
                       N: N, C: C, eps: eps)
        guard let targets else { return nil }
        let sum = headForward(a, targets: targets, N: N, lossScale: lossScale)
        a.holdsHeadGradient = lossScale != nil
        return sum / Double(N)
    }

    // MARK: Backward

    /// Accumulates into `gradients` the rest of the gradient of the loss of the last `forward`,
    /// which must have been a training one (given targets and `lossScale`, pass 1/(B*T) for the
    /// mean, divided again by the accumulation steps): the head's part was made by that forward.
    /// `inputs`, `dropoutKey` and `firstRow` as given to that `forward`.
    public func backward(
        inputs: UnsafePointer<Int32>, B: Int, T: Int, dropoutKey: UInt64? = nil, firstRow: Int = 0
    ) {
        let a = activations(B: B, T: T)
        precondition(a.holdsHeadGradient, "backward needs a forward with targets and lossScale just before")
        a.holdsHeadGradient = false
        let c = config
        let N = B * T, C = c.hiddenSize, F = c.intermediateSize, NH = c.numAttentionHeads
        let NKV = c.numKeyValueHeads
        let L = c.numHiddenLayers
        // Scratch gradients are written (`overwrite`) by the first op that produces them and
        // added to by the rest, so no buffer is zeroed first. a.dln holds d(lnf) from the head.
        rmsnormBackward(a.dres, gradient(WeightNames.finalNorm), a.dln, a.residual[L],
                        weights.pointer(WeightNames.finalNorm), a.lnfRstd, N: N, C: C, overwrite: true)
        rotary.cos.withUnsafeBufferPointer { cosBuf in
            rotary.sin.withUnsafeBufferPointer { sinBuf in
                for l in stride(from: L - 1, through: lowestTrainableLayer, by: -1) {
                    let la = a.layers[l]
                    // MLP: dres holds d(out); out = resAtt + h Wd^T
                    linearBackward("down_proj", layer: l, a.dh, a.dres, la.h, N: N, acts: a, layerActs: la,
                                   dropoutKey: dropoutKey, firstRow: firstRow)
                    swigluBackward(a.dgate, a.dup, a.dh, la.gate, la.up, count: N * F, overwrite: true)
                    linearBackward("gate_proj", layer: l, a.dln, a.dgate, la.ln2, N: N, acts: a, layerActs: la,
                                   dropoutKey: dropoutKey, firstRow: firstRow)
                    linearBackward("up_proj", layer: l, a.dln, a.dup, la.ln2, N: N, acts: a, layerActs: la,
                                   dropoutKey: dropoutKey, firstRow: firstRow, accumulate: true)
                    let wPost = WeightNames.postAttentionNorm(layer: l)
                    rmsnormBackward(a.dres, gradient(wPost), a.dln, la.resAtt, weights.pointer(wPost), la.ln2Rstd,
                                    N: N, C: C)
                    // Attention: dres now holds d(resAtt); resAtt = x + atty Wo^T
                    linearBackward("o_proj", layer: l, a.datty, a.dres, la.atty, N: N, acts: a, layerActs: la,
                                   dropoutKey: dropoutKey, firstRow: firstRow)
                    attentionBackward(a.dq, a.dk, a.dv, scratch: a.dP, scratchMatrices: a.workers, a.datty,
                                      la.att, la.q, la.k, la.v, B: B, T: T, C: C, NH: NH, NKV: NKV,
                                      overwrite: true)
                    rotaryBackward(a.dqPre, a.dq, cos: cosBuf.baseAddress!, sin: sinBuf.baseAddress!,
                                   B: B, T: T, NH: NH, hs: c.headDim, overwrite: true)
                    rotaryBackward(a.dkPre, a.dk, cos: cosBuf.baseAddress!, sin: sinBuf.baseAddress!,
                                   B: B, T: T, NH: NKV, hs: c.headDim, overwrite: true)
                    linearBackward("q_proj", layer: l, a.dln, a.dqPre, la.ln1, N: N, acts: a, layerActs: la,
                                   dropoutKey: dropoutKey, firstRow: firstRow)
                    linearBackward("k_proj", layer: l, a.dln, a.dkPre, la.ln1, N: N, acts: a, layerActs: la,
                                   dropoutKey: dropoutKey, firstRow: firstRow, accumulate: true)
                    linearBackward("v_proj", layer: l, a.dln, a.dv, la.ln1, N: N, acts: a, layerActs: la,
                                   dropoutKey: dropoutKey, firstRow: firstRow, accumulate: true)
                    let wIn = WeightNames.inputNorm(layer: l)
                    rmsnormBackward(a.dres, gradient(wIn), a.dln, a.residual[l], weights.pointer(wIn), la.ln1Rstd,
                                    N: N, C: C)
                    // dres now holds d(x) = d(residual[l])
                }
            }
        }
        if let dwte = gradient(WeightNames.embedding) {
            embeddingBackward(dwte, a.dres, inputs, N: N, C: C)
        }
    }

    // MARK: Linear modules with optional LoRA

    private func linearForward(
        _ m: String, layer l: Int, _ out: UnsafeMutablePointer<Float>, _ inp: UnsafeMutablePointer<Float>,
        N: Int, acts la: LayerActivations, dropoutKey: UInt64?, firstRow: Int
    ) {
        let (IC, OC) = WeightNames.linearShape(m, config)
        matmulForward(out, inp, linearWeight(WeightNames.linear(m, layer: l)), N: N, IC: IC, OC: OC)
        guard let lora = fineTuning.lora, let t = la.loraT[m], let adapters else { return }
        var x = UnsafePointer(inp)
        if let xd = la.loraX[m] {
            LoRADropout.apply(xd, inp, count: N * IC, p: lora.dropout,
                              key: dropoutKey.map { LoRADropout.key($0, layer: l, module: m) },
                              firstIndex: firstRow * IC)
            x = UnsafePointer(xd)
        }
        loraForward(out, t, x, adapters.pointer(WeightNames.loraA(m, layer: l)),
                    adapters.pointer(WeightNames.loraB(m, layer: l)),
                    scale: lora.scale, N: N, IC: IC, OC: OC, r: lora.rank)
    }

    /// Backward of `linearForward`: weight (and adapter) gradients accumulate; `dinp` is written
    /// (the first of the module's readers to write it) unless `accumulate`.
    private func linearBackward(
        _ m: String, layer l: Int, _ dinp: UnsafeMutablePointer<Float>, _ dout: UnsafeMutablePointer<Float>,
        _ inp: UnsafeMutablePointer<Float>, N: Int, acts a: Activations, layerActs la: LayerActivations,
        dropoutKey: UInt64?, firstRow: Int, accumulate: Bool = false
    ) {
        let (IC, OC) = WeightNames.linearShape(m, config)
        let name = WeightNames.linear(m, layer: l)
        matmulBackward(dinp, gradient(name), dout, inp, linearWeight(name), N: N, IC: IC, OC: OC,
                       overwrite: !accumulate)
        guard let lora = fineTuning.lora, let t = la.loraT[m], let adapters else { return }
        let nameA = WeightNames.loraA(m, layer: l), nameB = WeightNames.loraB(m, layer: l)
        if let xd = la.loraX[m] {
            loraBackward(a.loraDx, gradients.pointer(nameA), gradients.pointer(nameB), scratch: a.loraDt, dout, t, xd,
                         adapters.pointer(nameA), adapters.pointer(nameB), scale: lora.scale, N: N, IC: IC, OC: OC,
                         r: lora.rank, overwrite: true)
            LoRADropout.backward(dinp, a.loraDx, count: N * IC, p: lora.dropout,
                                 key: dropoutKey.map { LoRADropout.key($0, layer: l, module: m) },
                                 firstIndex: firstRow * IC)
        } else {
            loraBackward(dinp, gradients.pointer(nameA), gradients.pointer(nameB), scratch: a.loraDt, dout, t, inp,
                         adapters.pointer(nameA), adapters.pointer(nameB), scale: lora.scale, N: N, IC: IC, OC: OC,
                         r: lora.rank)
        }
    }

    /// Linear weight `name` (out, in): its slab view, or for QLoRA the scratch it is dequantized into.
    private func linearWeight(_ name: String) -> UnsafeMutablePointer<Float> {
        quantizedBase?.dequantized(name) ?? weights.pointer(name)
    }

    /// The activation slab for B x T, allocated again only when B grows, T changes, the head's
    /// chunk size changes or a forward needs attention scratch for more workers than it has (a
    /// smaller B uses the first rows).
    func activations(B: Int, T: Int, workers: Int = 1) -> Activations {
        let rows = headChunkRows ?? LlamaModel.headRows(vocabularySize: config.vocabSize)
        if let a = activations, a.B >= B, a.T == T, a.workers >= workers, a.headRows == min(rows, a.B * a.T) {
            return a
        }
        let a = Activations(config: config, B: B, T: T, lora: fineTuning.lora, workers: workers, headRows: rows)
        activations = a
        return a
    }

    /// Floats held by the activation slab at the last used batch shape (for memory reports).
    public var activationFloatCount: Int { activations?.floatCount ?? 0 }
}
