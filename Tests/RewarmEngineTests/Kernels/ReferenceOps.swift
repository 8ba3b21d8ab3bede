import Foundation

// Naive references of every kernel's forward, in Double, written as plainly as the formulas:
// explicit loops, no BLAS, no fused steps. They are the oracles of the kernel tests and the
// functions the gradient checks differentiate numerically.
//
// Shapes: N rows, IC in / OC out channels, V vocabulary, C channels, B batch, T time,
// NH heads of hs = C / NH channels, NKV key/value heads, r LoRA rank. All arrays are row-major
// and flat.

/// out (N, OC) = inp (N, IC) @ weight^T, weight (OC, IC) as `nn.Linear`.
func refMatmul(inp: [Double], weight: [Double], N: Int, IC: Int, OC: Int) -> [Double] {
    var out = [Double](repeating: 0, count: N * OC)
    for n in 0..<N {
        for o in 0..<OC {
            var s = 0.0
            for i in 0..<IC { s += inp[n * IC + i] * weight[o * IC + i] }
            out[n * OC + o] = s
        }
    }
    return out
}

/// out (N, C) = wte (V, C)[tokens (N)].
func refEmbedding(tokens: [Int32], wte: [Double], N: Int, C: Int) -> [Double] {
    var out = [Double](repeating: 0, count: N * C)
    for n in 0..<N {
        for c in 0..<C { out[n * C + c] = wte[Int(tokens[n]) * C + c] }
    }
    return out
}

/// rstd (N) = 1 / sqrt(mean_c x[n, c]^2 + eps).
func refRMSNormRstd(inp: [Double], N: Int, C: Int, eps: Double) -> [Double] {
    (0..<N).map { n in
        var ss = 0.0
        for c in 0..<C { ss += inp[n * C + c] * inp[n * C + c] }
        return 1 / (ss / Double(C) + eps).squareRoot()
    }
}

/// out (N, C) = x / sqrt(mean(x^2) + eps) * weight (C), per row.
func refRMSNorm(inp: [Double], weight: [Double], N: Int, C: Int, eps: Double) -> [Double] {
    let rstd = refRMSNormRstd(inp: inp, N: N, C: C, eps: eps)
    var out = [Double](repeating: 0, count: N * C)
    for n in 0..<N {
        for c in 0..<C { out[n * C + c] = inp[n * C + c] * rstd[n] * weight[c] }
    }
    return out
}

/// The rotary angle of position t and frequency i < hs/2: t * theta^(-2i / hs), in Double.
func refRotaryAngle(t: Int, i: Int, hs: Int, theta: Double) -> Double {
    Double(t) * Foundation.pow(theta, -Double(2 * i) / Double(hs))
}

/// Rotary embedding, HF `rotate_half` convention: within each head, element i pairs with
/// i + hs/2 and the pair turns by angle(t, i). inp, out (B, T, NH, hs).
func refRotary(inp: [Double], B: Int, T: Int, NH: Int, hs: Int, theta: Double) -> [Double] {
    let half = hs / 2
    let C = NH * hs
    var out = [Double](repeating: 0, count: inp.count)
    for b in 0..<B {
        for t in 0..<T {
            for h in 0..<NH {
                let base = (b * T + t) * C + h * hs
                for i in 0..<half {
                    let angle = refRotaryAngle(t: t, i: i, hs: hs, theta: theta)
                    let x1 = inp[base + i], x2 = inp[base + i + half]
                    out[base + i] = x1 * Foundation.cos(angle) - x2 * Foundation.sin(angle)
                    out[base + i + half] = x2 * Foundation.cos(angle) + x1 * Foundation.sin(angle)
                }
            }
        }
    }
    return out
}

/// Causal attention probabilities P (B, NH, T, T): softmax over j of q_t . k_j / sqrt(hs),
/// with the scores of the future (j > t) masked to -infinity before the softmax. q (B, T, C);
/// k (B, T, NKV*hs): query head h reads key head h / (NH/NKV), HF `repeat_kv` (NKV nil: NH).
func refAttentionProbabilities(
    q: [Double], k: [Double], B: Int, T: Int, C: Int, NH: Int, NKV: Int? = nil
) -> [Double] {
    let hs = C / NH, KV = (NKV ?? NH) * hs, group = NH / (NKV ?? NH)
    var P = [Double](repeating: 0, count: B * NH * T * T)
    for b in 0..<B {
        for h in 0..<NH {
            let g = h / group  // repeat_kv: key/value head g serves query heads g*group ..< (g+1)*group
            for t in 0..<T {
                var scores = [Double](repeating: 0, count: T)
                for j in 0..<T {
                    let visible = j <= t  // the causal mask
                    guard visible else {
                        scores[j] = -Double.infinity
                        continue
                    }
                    var s = 0.0
                    for d in 0..<hs { s += q[(b * T + t) * C + h * hs + d] * k[(b * T + j) * KV + g * hs + d] }
                    scores[j] = s / Double(hs).squareRoot()
                }
                let m = scores.max()!
                let e = scores.map { Foundation.exp($0 - m) }  // exp(-inf) = 0 above the diagonal
                let z = e.reduce(0, +)
                for j in 0..<T { P[((b * NH + h) * T + t) * T + j] = e[j] / z }
            }
        }
    }
    return P
}

/// Causal multi-head attention out (B, T, C) = P V per head; q (B, T, C), k, v (B, T, NKV*hs),
/// grouped as in `refAttentionProbabilities` (NKV nil: NH).
func refAttention(
    q: [Double], k: [Double], v: [Double], B: Int, T: Int, C: Int, NH: Int, NKV: Int? = nil
) -> [Double] {
    let hs = C / NH, KV = (NKV ?? NH) * hs, group = NH / (NKV ?? NH)
    let P = refAttentionProbabilities(q: q, k: k, B: B, T: T, C: C, NH: NH, NKV: NKV)
    var out = [Double](repeating: 0, count: B * T * C)
    for b in 0..<B {
        for h in 0..<NH {
            let g = h / group
            for t in 0..<T {
                for d in 0..<hs {
                    var s = 0.0
                    for j in 0..<T { s += P[((b * NH + h) * T + t) * T + j] * v[(b * T + j) * KV + g * hs + d] }
                    out[(b * T + t) * C + h * hs + d] = s
                }
            }
        }
    }
    return out
}

/// out = silu(gate) * up = gate / (1 + exp(-gate)) * up, element-wise.
func refSwiGLU(gate: [Double], up: [Double]) -> [Double] {
    zip(gate, up).map { g, u in g / (1 + Foundation.exp(-g)) * u }
}

/// out = a + b, element-wise.
func refResidual(a: [Double], b: [Double]) -> [Double] { zip(a, b).map { $0 + $1 } }

/// Row-wise softmax of logits (N, V).
func refSoftmax(logits: [Double], N: Int, V: Int) -> [Double] {
    var p = [Double](repeating: 0, count: N * V)
    for n in 0..<N {
        let row = logits[(n * V)..<((n + 1) * V)]
        let m = row.max()!
        let z = row.reduce(0) { $0 + Foundation.exp($1 - m) }
        for i in 0..<V { p[n * V + i] = Foundation.exp(logits[n * V + i] - m) / z }
    }
    return p
}

/// Per-row losses (N) = -log softmax(logits[n])[targets[n]] = logsumexp(logits[n]) - logits[n, target].
func refCrossEntropyLosses(logits: [Double], targets: [Int32], N: Int, V: Int) -> [Double] {
    (0..<N).map { n in
        let row = logits[(n * V)..<((n + 1) * V)]
        let m = row.max()!
        let lse = m + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) })
        return lse - logits[n * V + Int(targets[n])]
    }
}

/// The mean (or sum) of the per-row cross-entropy losses.
func refCrossEntropy(logits: [Double], targets: [Int32], N: Int, V: Int, mean: Bool) -> Double {
    let total = refCrossEntropyLosses(logits: logits, targets: targets, N: N, V: V).reduce(0, +)
    return mean ? total / Double(N) : total
}

/// The LoRA branch alone (N, OC) = scale * (x (N, IC) @ A^T) @ B^T, A (r, IC), B (OC, r).
func refLoRA(
    x: [Double], A: [Double], B: [Double], scale: Double, N: Int, IC: Int, OC: Int, r: Int
) -> [Double] {
    var out = [Double](repeating: 0, count: N * OC)
    for n in 0..<N {
        for o in 0..<OC {
            var s = 0.0
            for j in 0..<r {
                var t = 0.0
                for i in 0..<IC { t += x[n * IC + i] * A[j * IC + i] }
                s += t * B[o * r + j]
            }
            out[n * OC + o] = scale * s
        }
    }
    return out
}
