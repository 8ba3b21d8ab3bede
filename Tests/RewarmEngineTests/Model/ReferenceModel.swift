@testable import RewarmEngine

/// The whole decoder in Double, composed of the naive kernel references (`ReferenceOps`) and
/// written as HF `LlamaForCausalLM` reads: embed, then per layer RMSNorm, q/k/v projections (k and v
/// NKV*hs wide, plus LoRA when the model has adapters), rotary on q and k, causal attention with
/// key/value heads repeated per group (`repeat_kv`), o_proj, residual, RMSNorm, SwiGLU MLP,
/// residual; final RMSNorm, the head (lm_head, or the embedding table when tied), mean
/// cross-entropy. It reads the model's own weights (widened), so it is the oracle of the
/// engine's forward on any shape.
struct ReferenceModel {
    let model: LlamaModel

    func tensor(_ name: String) -> [Double] {
        let slab = model.weights.contains(name) ? model.weights : model.adapters!
        return widened(slab.values(name))
    }

    /// x (N, IC) through linear module `m` of layer `l` (N, OC), with its LoRA branch if any.
    func linear(_ m: String, layer l: Int, _ x: [Double], N: Int) -> [Double] {
        let (IC, OC) = WeightNames.linearShape(m, model.config)
        var out = refMatmul(inp: x, weight: tensor(WeightNames.linear(m, layer: l)), N: N, IC: IC, OC: OC)
        if let lora = model.fineTuning.lora, lora.targets.contains(m) {
            let branch = refLoRA(x: x, A: tensor(WeightNames.loraA(m, layer: l)), B: tensor(WeightNames.loraB(m, layer: l)),
                                 scale: Double(lora.scale), N: N, IC: IC, OC: OC, r: lora.rank)
            out = refResidual(a: out, b: branch)
        }
        return out
    }

    /// The logits (B*T, V) and the mean loss of `inputs` against `targets` (B, T each).
    func forward(_ inputs: [Int32], _ targets: [Int32], B: Int, T: Int) -> (logits: [Double], loss: Double) {
        let c = model.config
        let N = B * T, C = c.hiddenSize, hs = c.headDim, eps = c.rmsNormEps
        var x = refEmbedding(tokens: inputs, wte: tensor(WeightNames.embedding), N: N, C: C)
        for l in 0..<c.numHiddenLayers {
            let ln1 = refRMSNorm(inp: x, weight: tensor(WeightNames.inputNorm(layer: l)), N: N, C: C, eps: eps)
            let q = refRotary(inp: linear("q_proj", layer: l, ln1, N: N), B: B, T: T, NH: c.numAttentionHeads, hs: hs,
                              theta: c.ropeTheta)
            let k = refRotary(inp: linear("k_proj", layer: l, ln1, N: N), B: B, T: T, NH: c.numKeyValueHeads, hs: hs,
                              theta: c.ropeTheta)
            let v = linear("v_proj", layer: l, ln1, N: N)
            let y = refAttention(q: q, k: k, v: v, B: B, T: T, C: C, NH: c.numAttentionHeads, NKV: c.numKeyValueHeads)
            let r = refResidual(a: x, b: linear("o_proj", layer: l, y, N: N))
            let ln2 = refRMSNorm(inp: r, weight: tensor(WeightNames.postAttentionNorm(layer: l)), N: N, C: C, eps: eps)
            let h = refSwiGLU(gate: linear("gate_proj", layer: l, ln2, N: N), up: linear("up_proj", layer: l, ln2, N: N))
            x = refResidual(a: r, b: linear("down_proj", layer: l, h, N: N))
        }
        let lnf = refRMSNorm(inp: x, weight: tensor(WeightNames.finalNorm), N: N, C: C, eps: eps)
        let logits = refMatmul(inp: lnf, weight: tensor(WeightNames.head(c)), N: N, IC: C, OC: c.vocabSize)
        return (logits, refCrossEntropy(logits: logits, targets: targets, N: N, V: c.vocabSize, mean: true))
    }
}
