import Foundation

/// Causal multi-head self-attention (Vaswani et al. 2017), scores scaled by 1/sqrt(hs):
/// for each batch row b and head h, P = softmax(mask(Q K^T / sqrt(hs))), Y = P V.
///
/// out (B, T, C): Y with heads side by side; att (B, NH, T, T): P, kept for the backward
/// (entries above the diagonal are 0); q, k, v (B, T, C) with head h in columns h*hs ..< (h+1)*hs.
/// The per-head slices are read in place with leading dimension C: no transposes.
public func attentionForward(
    _ out: UnsafeMutablePointer<Float>, _ att: UnsafeMutablePointer<Float>,
    _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
    B: Int, T: Int, C: Int, NH: Int
) {
    let hs = C / NH
    let scale = 1 / Float(hs).squareRoot()
    // (batch, head) pairs are independent: split them across the workers, one BLAS thread each.
    BLAS.singleThreadedIf(Parallel.threads > 1 && B * NH > 1) {
        Parallel.chunks(B * NH) { _, pairs in
            for pair in pairs {
                let b = pair / NH, h = pair % NH
                let off = b * T * C + h * hs
                let P = att + pair * T * T
                // S = scale * Q K^T  (T, T)
                BLAS.sgemm(
                    transA: false, transB: true, M: T, N: T, K: hs, alpha: scale, q + off, lda: C, k + off, ldb: C,
                    beta: 0, P, ldc: T)
                for t in 0..<T {
                    softmaxCausalRow(P + t * T, length: t + 1, width: T)
                }
                // Y = P V  (T, hs), written into the head's columns of out
                BLAS.sgemm(
                    transA: false, transB: false, M: T, N: hs, K: T, alpha: 1, P, lda: T, v + off, ldb: C,
                    beta: 0, out + off, ldc: C)
            }
        }
    }
}

/// Softmax over the first `length` entries of a row, in place, with the max subtracted;
/// entries `length ..< width` (the future) are set to 0.
@inline(__always)
func softmaxCausalRow(_ row: UnsafeMutablePointer<Float>, length: Int, width: Int) {
    _ = softmaxRow(row, row, count: length)
    for j in length..<width { row[j] = 0 }
}

/// Softmax of `count` entries of `inp` into `out` (which may alias `inp`), with the max
/// subtracted before `exp`; returns logsumexp(inp) = max + log(sum_j exp(inp_j - max)), in nats.
@inline(__always)
func softmaxRow(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, count: Int) -> Float {
    var m = -Float.infinity
    for j in 0..<count { m = max(m, inp[j]) }
    var sum: Float = 0
    for j in 0..<count {
        let e = Foundation.exp(inp[j] - m)
        out[j] = e
        sum += e
    }
    let inv = 1 / sum
    for j in 0..<count { out[j] *= inv }
    return m + Foundation.log(sum)
}

/// Backward of `attentionForward`, accumulating into dq, dk, dv (B, T, C).
/// dP = dY V^T; dV += P^T dY; dS = P * (dP - rowsum(dP * P)) / sqrt(hs); dQ += dS K; dK += dS^T Q.
/// `scratch` holds `scratchMatrices` (T, T) matrices, overwritten: one per concurrent worker
/// (the (batch, head) pairs are split across at most that many workers).
public func attentionBackward(
    _ dq: UnsafeMutablePointer<Float>, _ dk: UnsafeMutablePointer<Float>, _ dv: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, scratchMatrices: Int = 1,
    _ dout: UnsafePointer<Float>, _ att: UnsafePointer<Float>,
    _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
    B: Int, T: Int, C: Int, NH: Int
) {
    let hs = C / NH
    let scale = 1 / Float(hs).squareRoot()
    BLAS.singleThreadedIf(Parallel.threads > 1 && scratchMatrices > 1 && B * NH > 1) {
        Parallel.chunks(B * NH, workers: scratchMatrices) { worker, pairs in
            let dP = scratch + worker * T * T
            for pair in pairs {
                let b = pair / NH, h = pair % NH
                let off = b * T * C + h * hs
                let P = att + pair * T * T
                // dP = dY V^T  (T, T)
                BLAS.sgemm(
                    transA: false, transB: true, M: T, N: T, K: hs, alpha: 1, dout + off, lda: C, v + off, ldb: C,
                    beta: 0, dP, ldc: T)
                // dV += P^T dY  (T, hs)
                BLAS.sgemm(
                    transA: true, transB: false, M: T, N: hs, K: T, alpha: 1, P, lda: T, dout + off, ldb: C,
                    beta: 1, dv + off, ldc: C)
                // dS = P * (dP - <dP, P>_row), scaled; zero above the diagonal
                for t in 0..<T {
                    let p = P + t * T
                    let g = dP + t * T
                    var dot: Float = 0
                    for j in 0...t { dot += p[j] * g[j] }
                    for j in 0...t { g[j] = p[j] * (g[j] - dot) * scale }
                    for j in (t + 1)..<T { g[j] = 0 }
                }
                // dQ += dS K ; dK += dS^T Q
                BLAS.sgemm(
                    transA: false, transB: false, M: T, N: hs, K: T, alpha: 1, dP, lda: T, k + off, ldb: C,
                    beta: 1, dq + off, ldc: C)
                BLAS.sgemm(
                    transA: true, transB: false, M: T, N: hs, K: T, alpha: 1, dP, lda: T, q + off, ldb: C,
                    beta: 1, dk + off, ldc: C)
            }
        }
    }
}
