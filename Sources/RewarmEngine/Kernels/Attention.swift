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
    (row + length).update(repeating: 0, count: width - length)
}

/// Softmax of `count` entries of `inp` into `out` (which may alias `inp`), with the max
/// subtracted before `exp` (`exp8`, 8 lanes at a time); returns
/// logsumexp(inp) = max + log(sum_j exp(inp_j - max)), in nats.
@inline(__always)
func softmaxRow(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, count: Int) -> Float {
    let vectorEnd = count & ~7
    var max8 = Float8(repeating: -.infinity)
    var j = 0
    while j < vectorEnd {
        let x = inp.load8(j)
        max8.replace(with: x, where: x .> max8)
        j += 8
    }
    var m = max8.max()
    for i in vectorEnd..<count { m = max(m, inp[i]) }
    var sum8 = Float8.zero
    j = 0
    while j < vectorEnd {
        let e = exp8(inp.load8(j) - m)
        out.store8(e, j)
        sum8 += e
        j += 8
    }
    var sum = sum8.sum()
    for i in vectorEnd..<count {
        let e = exp1(inp[i] - m)
        out[i] = e
        sum += e
    }
    let inv = 1 / sum
    j = 0
    while j < vectorEnd {
        out.store8(out.load8(j) * inv, j)
        j += 8
    }
    for i in vectorEnd..<count { out[i] *= inv }
    return m + Foundation.log(sum)
}

/// Backward of the softmax of one causal row, in place in `g`: with p = P[t] and g = dP[t],
/// g[j] = p[j] (g[j] - <p, g>) scale for j <= t (`length` = t + 1 entries), 0 after.
@inline(__always)
func softmaxCausalRowBackward(_ g: UnsafeMutablePointer<Float>, _ p: UnsafePointer<Float>, length: Int, width: Int, scale: Float) {
    let vectorEnd = length & ~7
    var dot8 = Float8.zero
    var j = 0
    while j < vectorEnd {
        dot8 += p.load8(j) * g.load8(j)
        j += 8
    }
    var dot = dot8.sum()
    for i in vectorEnd..<length { dot += p[i] * g[i] }
    j = 0
    while j < vectorEnd {
        g.store8(p.load8(j) * (g.load8(j) - dot) * scale, j)
        j += 8
    }
    for i in vectorEnd..<length { g[i] = p[i] * (g[i] - dot) * scale }
    (g + length).update(repeating: 0, count: width - length)
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
                    softmaxCausalRowBackward(dP + t * T, P + t * T, length: t + 1, width: T, scale: scale)
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
