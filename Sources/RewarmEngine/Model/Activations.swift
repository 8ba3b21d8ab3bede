/// Forward activations of one layer for a batch of N = B*T positions, views into one slab.
struct LayerActivations {
    var ln1: UnsafeMutablePointer<Float>       // (N, C) input_layernorm output
    var ln1Rstd: UnsafeMutablePointer<Float>   // (N)
    var q: UnsafeMutablePointer<Float>         // (N, C) after rotary
    var k: UnsafeMutablePointer<Float>         // (N, NKV*hs) after rotary
    var v: UnsafeMutablePointer<Float>         // (N, NKV*hs)
    var att: UnsafeMutablePointer<Float>       // (B, NH, T, T) attention probabilities
    var atty: UnsafeMutablePointer<Float>      // (N, C) attention output before o_proj
    var resAtt: UnsafeMutablePointer<Float>    // (N, C) residual after attention
    var ln2: UnsafeMutablePointer<Float>       // (N, C) post_attention_layernorm output
    var ln2Rstd: UnsafeMutablePointer<Float>   // (N)
    var gate: UnsafeMutablePointer<Float>      // (N, F)
    var up: UnsafeMutablePointer<Float>        // (N, F)
    var h: UnsafeMutablePointer<Float>         // (N, F) silu(gate) * up
    /// Per LoRA target module: t = x_drop A^T (N, r), and x_drop (N, in) when dropout > 0.
    var loraT: [String: UnsafeMutablePointer<Float>]
    var loraX: [String: UnsafeMutablePointer<Float>]
}

/// All activations of a forward pass at batch capacity B x T, plus the backward's scratch,
/// carved from one allocation (llm.c's activation slab). Under LoRA, `atty`, `ln2` and `h` of
/// modules without an adapter are one buffer shared by all layers (their weights are frozen, so
/// the backward never reads them): LoRA needs less activation memory than full training. The
/// logits exist only for one chunk of `headRows` positions at a time (`LanguageModelHead`).
final class Activations {
    let B: Int, T: Int
    /// Positions per chunk of the output head: the rows of `logits`.
    let headRows: Int
    /// Concurrent workers the backward scratch is sized for (`Parallel.threads` at allocation).
    let workers: Int
    let residual: [UnsafeMutablePointer<Float>]   // L + 1 of (N, C): embedding output, each layer's output
    let layers: [LayerActivations]
    let lnf: UnsafeMutablePointer<Float>          // (N, C)
    let lnfRstd: UnsafeMutablePointer<Float>      // (N)
    let logits: UnsafeMutablePointer<Float>       // (headRows, V): one chunk's logits, probabilities, dlogits
    let losses: UnsafeMutablePointer<Float>       // (N)
    // Backward scratch, reused layer after layer.
    let dres: UnsafeMutablePointer<Float>         // (N, C) gradient of the residual stream
    let dln: UnsafeMutablePointer<Float>          // (N, C); after a training forward: d(lnf), from the head
    let dq: UnsafeMutablePointer<Float>           // (N, C)
    let dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>  // (N, NKV*hs)
    let dqPre: UnsafeMutablePointer<Float>        // (N, C) before rotary
    let dkPre: UnsafeMutablePointer<Float>        // (N, NKV*hs) before rotary
    let datty: UnsafeMutablePointer<Float>        // (N, C)
    let dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>, dh: UnsafeMutablePointer<Float>  // (N, F)
    let dP: UnsafeMutablePointer<Float>           // (workers, T, T) attention scratch, one per worker
    let loraDt: UnsafeMutablePointer<Float>       // (N, r)
    let loraDx: UnsafeMutablePointer<Float>       // (N, max(C, F)) gradient of x_drop
    let floatCount: Int
    /// Whether the last forward was a training one whose head gradient (`dln`, the head's
    /// weight gradient) the backward has not used yet.
    var holdsHeadGradient = false
    private let slab: UnsafeMutablePointer<Float>

    init(config c: ModelConfig, B: Int, T: Int, lora: LoRASettings?, workers: Int = 1, headRows: Int) {
        self.B = B
        self.T = T
        self.workers = max(1, workers)
        self.headRows = max(1, min(headRows, B * T))
        let N = B * T, C = c.hiddenSize, F = c.intermediateSize, V = c.vocabSize, NH = c.numAttentionHeads
        let KV = c.keyValueDim
        let L = c.numHiddenLayers
        let r = lora?.rank ?? 0
        let dropout = (lora?.dropout ?? 0) > 0
        let targets = lora?.targets ?? []
        var loraPerLayer = 0
        for m in targets {
            loraPerLayer += N * r
            if dropout { loraPerLayer += N * WeightNames.linearShape(m, c).inFeatures }
        }
        // With a frozen base (LoRA), the input of a frozen, adapter-less linear layer is read by
        // nothing in the backward (no weight gradient): such inputs share one buffer across layers.
        let frozen = lora != nil
        let shareAtty = frozen && !targets.contains("o_proj")
        let shareLn2 = frozen && !targets.contains("gate_proj") && !targets.contains("up_proj")
        let shareH = frozen && !targets.contains("down_proj")
        let perLayer = 3 * N * C + 2 * N * KV + 2 * N + B * NH * T * T + 2 * N * F + loraPerLayer
            + (shareAtty ? 0 : N * C) + (shareLn2 ? 0 : N * C) + (shareH ? 0 : N * F)
        let shared = (shareAtty ? N * C : 0) + (shareLn2 ? N * C : 0) + (shareH ? N * F : 0)
        let total = (L + 1) * N * C + L * perLayer + shared + N * C + N + self.headRows * V + N
            + 5 * N * C + 3 * N * KV + 3 * N * F + self.workers * T * T + N * r + N * max(C, F)
        floatCount = total
        slab = .allocate(capacity: total)
        slab.initialize(repeating: 0, count: total)
        var cursor = slab
        func take(_ n: Int) -> UnsafeMutablePointer<Float> {
            defer { cursor += n }
            return cursor
        }
        residual = (0...L).map { _ in take(N * C) }
        let sharedAtty = shareAtty ? take(N * C) : nil
        let sharedLn2 = shareLn2 ? take(N * C) : nil
        let sharedH = shareH ? take(N * F) : nil
        var layers: [LayerActivations] = []
        for _ in 0..<L {
            var la = LayerActivations(
                ln1: take(N * C), ln1Rstd: take(N), q: take(N * C), k: take(N * KV), v: take(N * KV),
                att: take(B * NH * T * T), atty: sharedAtty ?? take(N * C), resAtt: take(N * C),
                ln2: sharedLn2 ?? take(N * C),
                ln2Rstd: take(N), gate: take(N * F), up: take(N * F), h: sharedH ?? take(N * F), loraT: [:], loraX: [:])
            for m in targets {
                la.loraT[m] = take(N * r)
                if dropout { la.loraX[m] = take(N * WeightNames.linearShape(m, c).inFeatures) }
            }
            layers.append(la)
        }
        self.layers = layers
        lnf = take(N * C); lnfRstd = take(N); logits = take(self.headRows * V); losses = take(N)
        dres = take(N * C); dln = take(N * C); dq = take(N * C); dk = take(N * KV); dv = take(N * KV)
        dqPre = take(N * C); dkPre = take(N * KV); datty = take(N * C)
        dgate = take(N * F); dup = take(N * F); dh = take(N * F)
        dP = take(self.workers * T * T); loraDt = take(N * r); loraDx = take(N * max(C, F))
        precondition(cursor - slab == total, "activation layout mismatch")
    }

    deinit { slab.deallocate() }
}
