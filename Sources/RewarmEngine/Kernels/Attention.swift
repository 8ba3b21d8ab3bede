/// Causal multi-head self-attention (Vaswani et al. 2017), scores scaled by 1/sqrt(hs):
/// for each batch row b and head h, P = softmax(mask(Q K^T / sqrt(hs))), Y = P V.
///
/// out (B, T, C): Y with heads side by side; att (B, NH, T, T): P, kept for the backward;
/// q, k, v (B, T, C) with head h in columns h*hs ..< (h+1)*hs. The products' left operands
/// (queries and P; in the backward dY, P and dS) are read in place; their right operands are
/// copied once per head into contiguous scratch (`HeadOperands`): in the forward K transposed
/// and V as rows, in the backward V transposed and K, Q and dY as rows.
///
/// Causal tiles: queries are taken 6 at a time (`causalTiles`); tile [i0, end) computes scores
/// only against keys ..< its `width` (end rounded up to the 16-column panels of `TileProduct`)
/// and multiplies P by V only to depth `end`, so the products skip the masked future except for
/// at most one panel per tile (on T = 128 the score products cover 58% of the T x T square and
/// the four others 52%, about 54% in all, against 75% for the earlier blocks of 64 queries as
/// OpenBLAS products). Within a tile's width the entries above the diagonal of P are 0; the
/// entries of `att` past a tile's width are not written (the backward never reads them).
public func attentionForward(
    _ out: UnsafeMutablePointer<Float>, _ att: UnsafeMutablePointer<Float>,
    _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
    B: Int, T: Int, C: Int, NH: Int
) {
    let hs = C / NH
    let scale = 1 / Float(hs).squareRoot()
    let tiles = causalTiles(T: T)
    forEachHead(B: B, T: T, C: C, NH: NH, slots: 1) { _, operands, pair, off in
        let P = att + pair * T * T
        let kT = operands.transposed(k + off)
        let (vRows, ldv) = operands.rows(v + off, slot: 0)
        for tile in tiles {
            let (i0, rows, end, width) = (tile.start, tile.rows, tile.end, tile.width)
            // S[i0 ..< end, ..< width] = scale * Q[i0 ..< end] K[..< width]^T  (rows, width)
            TileProduct.multiply(
                M: rows, N: width, K: hs, alpha: scale, q + off + i0 * C, rowStride: C, depthStride: 1,
                kT, ldb: operands.paddedT, P + i0 * T, ldc: T, accumulate: false)
            for t in i0..<end {
                softmaxCausalRow(P + t * T, length: t + 1, width: width)
            }
            // Y[i0 ..< end] = P[i0 ..< end, ..< end] V[..< end]  (rows, hs), into the head's columns of out
            TileProduct.multiply(
                M: rows, N: hs, K: end, alpha: 1, P + i0 * T, rowStride: T, depthStride: 1,
                vRows, ldb: ldv, out + off + i0 * C, ldc: C, accumulate: false)
        }
    }
}

/// Calls `body(worker, operands, pair, offset)` for every (batch, head) pair b * NH + h, the
/// pairs (independent of each other) split across at most `workers` workers, each with its own
/// `HeadOperands` of `slots` row copies; `offset` is where head h of sequence b starts in the
/// (B, T, C) tensors.
@inline(__always)
private func forEachHead(
    B: Int, T: Int, C: Int, NH: Int, workers: Int = .max, slots: Int,
    _ body: (_ worker: Int, _ operands: HeadOperands, _ pair: Int, _ offset: Int) -> Void
) {
    Parallel.chunks(B * NH, workers: workers) { worker, pairs in
        let operands = HeadOperands(T: T, hs: C / NH, C: C, slots: slots)
        for pair in pairs {
            body(worker, operands, pair, (pair / NH) * T * C + (pair % NH) * (C / NH))
        }
    }
}

/// One causal tile of queries: `rows` queries from `start` (up to `end`), whose scores are
/// computed against the keys ..< `width`.
struct CausalTile {
    var start: Int, rows: Int
    var end: Int { start + rows }
    /// `end` rounded up to a whole 16-column panel, at most T.
    var width: Int
}

/// The causal tiles over T positions: 6 queries each (the last may be shorter).
func causalTiles(T: Int) -> [CausalTile] {
    stride(from: 0, to: T, by: TileProduct.tileRows).map { start in
        let rows = min(TileProduct.tileRows, T - start)
        let panels = (start + rows + TileProduct.panelWidth - 1) / TileProduct.panelWidth
        return CausalTile(start: start, rows: rows, width: min(T, panels * TileProduct.panelWidth))
    }
}

/// Backward of `attentionForward`, accumulating into dq, dk, dv (B, T, C):
/// dP = dY V^T; dV += P^T dY; dS = P * (dP - rowsum(dP * P)) / sqrt(hs); dQ += dS K; dK += dS^T Q,
/// each product restricted to the causal tiles (dP and dQ by query tile, as the forward; dV and
/// dK by tile of 6 keys j0 ..< j0 + rows, summing over the queries from j0 on). `scratch` holds
/// `scratchMatrices` (T, T) matrices, overwritten: one per concurrent worker (the (batch, head)
/// pairs are split across at most that many workers). `overwrite` writes dq, dk, dv instead of
/// adding (every row of every (batch, head) slice is written by one product each).
public func attentionBackward(
    _ dq: UnsafeMutablePointer<Float>, _ dk: UnsafeMutablePointer<Float>, _ dv: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, scratchMatrices: Int = 1,
    _ dout: UnsafePointer<Float>, _ att: UnsafePointer<Float>,
    _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
    B: Int, T: Int, C: Int, NH: Int, overwrite: Bool = false
) {
    let hs = C / NH
    let scale = 1 / Float(hs).squareRoot()
    let accumulate = !overwrite
    let tiles = causalTiles(T: T)
    forEachHead(B: B, T: T, C: C, NH: NH, workers: scratchMatrices, slots: 3) { worker, operands, pair, off in
        let dP = scratch + worker * T * T
        let P = att + pair * T * T
        let vT = operands.transposed(v + off)
        let (kRows, ldk) = operands.rows(k + off, slot: 0)
        let (qRows, ldq) = operands.rows(q + off, slot: 1)
        let (gRows, ldg) = operands.rows(dout + off, slot: 2)
        for tile in tiles {
            let (i0, rows, end, width) = (tile.start, tile.rows, tile.end, tile.width)
            // dP[i0 ..< end, ..< width] = dY[i0 ..< end] V[..< width]^T  (rows, width)
            TileProduct.multiply(
                M: rows, N: width, K: hs, alpha: 1, dout + off + i0 * C, rowStride: C, depthStride: 1,
                vT, ldb: operands.paddedT, dP + i0 * T, ldc: T, accumulate: false)
            // dS = P * (dP - <dP, P>_row), scaled; zero above the diagonal up to the width
            for t in i0..<end {
                softmaxCausalRowBackward(dP + t * T, P + t * T, length: t + 1, width: width, scale: scale)
            }
            // dQ[i0 ..< end] += dS[i0 ..< end, ..< end] K[..< end]  (rows, hs)
            TileProduct.multiply(
                M: rows, N: hs, K: end, alpha: 1, dP + i0 * T, rowStride: T, depthStride: 1,
                kRows, ldb: ldk, dq + off + i0 * C, ldc: C, accumulate: accumulate)
        }
        for tile in tiles {
            let (j0, rows) = (tile.start, tile.rows)
            // dV[j0 ..< j0+rows] += P[j0 ..< T, j0 ..< j0+rows]^T dY[j0 ..< T]  (rows, hs)
            TileProduct.multiply(
                M: rows, N: hs, K: T - j0, alpha: 1, P + j0 * T + j0, rowStride: 1, depthStride: T,
                gRows + j0 * ldg, ldb: ldg, dv + off + j0 * C, ldc: C, accumulate: accumulate)
            // dK[j0 ..< j0+rows] += dS[j0 ..< T, j0 ..< j0+rows]^T Q[j0 ..< T]  (rows, hs)
            TileProduct.multiply(
                M: rows, N: hs, K: T - j0, alpha: 1, dP + j0 * T + j0, rowStride: 1, depthStride: T,
                qRows + j0 * ldq, ldb: ldq, dk + off + j0 * C, ldc: C, accumulate: accumulate)
        }
    }
}
