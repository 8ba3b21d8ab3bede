/// Causal multi-head self-attention (Vaswani et al. 2017), scores scaled by 1/sqrt(hs):
/// for each batch row b and head h, P = softmax(mask(Q K^T / sqrt(hs))), Y = P V.
///
/// out (B, T, C): Y with heads side by side; att (B, NH, T, T): P, kept for the backward;
/// q, k, v (B, T, C) with head h in columns h*hs ..< (h+1)*hs, read in place with leading
/// dimension C: no transposes.
///
/// Causal blocks: the T queries are taken in blocks of `blockSize`; block i (queries
/// i*blockSize ..< (i+1)*blockSize) only multiplies against the keys up to its own end, so
/// the products skip the masked future blocks (on T = 256 with blocks of 64, 62.5% of the
/// square). Within the computed blocks the entries above the diagonal of P are 0; the entries
/// of `att` right of a query block's end are not written (the backward never reads them).
public func attentionForward(
    _ out: UnsafeMutablePointer<Float>, _ att: UnsafeMutablePointer<Float>,
    _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
    B: Int, T: Int, C: Int, NH: Int, blockSize: Int = attentionBlockSize
) {
    let hs = C / NH
    let scale = 1 / Float(hs).squareRoot()
    let blocks = causalBlocks(T: T, blockSize: blockSize)
    // (batch, head) pairs are independent: split them across the workers, one BLAS thread each.
    BLAS.singleThreadedIf(Parallel.threads > 1 && B * NH > 1) {
        Parallel.chunks(B * NH) { _, pairs in
            for pair in pairs {
                let b = pair / NH, h = pair % NH
                let off = b * T * C + h * hs
                let P = att + pair * T * T
                for (r0, rows) in blocks {
                    let keys = r0 + rows
                    // S[r0 ..< r0+rows, ..< keys] = scale * Q[r0 ...] K[..< keys]^T  (rows, keys)
                    BLAS.sgemm(
                        transA: false, transB: true, M: rows, N: keys, K: hs, alpha: scale, q + off + r0 * C, lda: C,
                        k + off, ldb: C, beta: 0, P + r0 * T, ldc: T)
                    for t in r0..<keys {
                        softmaxCausalRow(P + t * T, length: t + 1, width: keys)
                    }
                    // Y[r0 ...] = P[r0 ..., ..< keys] V[..< keys]  (rows, hs), into the head's columns of out
                    BLAS.sgemm(
                        transA: false, transB: false, M: rows, N: hs, K: keys, alpha: 1, P + r0 * T, lda: T, v + off, ldb: C,
                        beta: 0, out + off + r0 * C, ldc: C)
                }
            }
        }
    }
}

/// Query block length of the causal attention products (64: large enough for efficient
/// products, small enough to skip most of the masked half at T >= 128).
public let attentionBlockSize = 64

/// (first query, query count) of each causal block of `blockSize` over T positions (the last
/// block may be shorter).
@inline(__always)
func causalBlocks(T: Int, blockSize: Int) -> [(Int, Int)] {
    let size = max(1, blockSize)
    return stride(from: 0, to: T, by: size).map { ($0, min(size, T - $0)) }
}

/// Backward of `attentionForward` (same `blockSize`), accumulating into dq, dk, dv (B, T, C):
/// dP = dY V^T; dV += P^T dY; dS = P * (dP - rowsum(dP * P)) / sqrt(hs); dQ += dS K; dK += dS^T Q,
/// each product restricted to the causal blocks (dQ and dP by query block; dV and dK by key
/// block j, summing over the queries from j's start on). `scratch` holds `scratchMatrices`
/// (T, T) matrices, overwritten: one per concurrent worker (the (batch, head) pairs are split
/// across at most that many workers). `overwrite` writes dq, dk, dv instead of adding (every
/// block of every (batch, head) slice is written by one product each).
public func attentionBackward(
    _ dq: UnsafeMutablePointer<Float>, _ dk: UnsafeMutablePointer<Float>, _ dv: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, scratchMatrices: Int = 1,
    _ dout: UnsafePointer<Float>, _ att: UnsafePointer<Float>,
    _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
    B: Int, T: Int, C: Int, NH: Int, overwrite: Bool = false, blockSize: Int = attentionBlockSize
) {
    let hs = C / NH
    let scale = 1 / Float(hs).squareRoot()
    let beta: Float = overwrite ? 0 : 1
    let blocks = causalBlocks(T: T, blockSize: blockSize)
    BLAS.singleThreadedIf(Parallel.threads > 1 && scratchMatrices > 1 && B * NH > 1) {
        Parallel.chunks(B * NH, workers: scratchMatrices) { worker, pairs in
            let dP = scratch + worker * T * T
            for pair in pairs {
                let b = pair / NH, h = pair % NH
                let off = b * T * C + h * hs
                let P = att + pair * T * T
                for (j0, width) in blocks {
                    // dV[j0 ..< j0+width] += P[j0 ..< T, j0 ..< j0+width]^T dY[j0 ..< T]  (width, hs)
                    BLAS.sgemm(
                        transA: true, transB: false, M: width, N: hs, K: T - j0, alpha: 1, P + j0 * T + j0, lda: T,
                        dout + off + j0 * C, ldb: C, beta: beta, dv + off + j0 * C, ldc: C)
                }
                for (r0, rows) in blocks {
                    let keys = r0 + rows
                    // dP[r0 ..., ..< keys] = dY[r0 ...] V[..< keys]^T  (rows, keys)
                    BLAS.sgemm(
                        transA: false, transB: true, M: rows, N: keys, K: hs, alpha: 1, dout + off + r0 * C, lda: C,
                        v + off, ldb: C, beta: 0, dP + r0 * T, ldc: T)
                    // dS = P * (dP - <dP, P>_row), scaled; zero above the diagonal
                    for t in r0..<keys {
                        softmaxCausalRowBackward(dP + t * T, P + t * T, length: t + 1, width: keys, scale: scale)
                    }
                    // dQ[r0 ...] += dS[r0 ..., ..< keys] K[..< keys]  (rows, hs)
                    BLAS.sgemm(
                        transA: false, transB: false, M: rows, N: hs, K: keys, alpha: 1, dP + r0 * T, lda: T, k + off, ldb: C,
                        beta: beta, dq + off + r0 * C, ldc: C)
                }
                for (j0, width) in blocks {
                    // dK[j0 ..< j0+width] += dS[j0 ..< T, j0 ..< j0+width]^T Q[j0 ..< T]  (width, hs)
                    BLAS.sgemm(
                        transA: true, transB: false, M: width, N: hs, K: T - j0, alpha: 1, dP + j0 * T + j0, lda: T,
                        q + off + j0 * C, ldb: C, beta: beta, dk + off + j0 * C, ldc: C)
                }
            }
        }
    }
}
