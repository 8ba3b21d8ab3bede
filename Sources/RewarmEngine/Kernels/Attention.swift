/// Causal multi-head self-attention (Vaswani et al. 2017), scores scaled by 1/sqrt(hs), with
/// grouped-query attention (Ainslie et al. 2023): query head h reads key/value head h / (NH/NKV),
/// as HF `LlamaAttention` after `repeat_kv`. For each batch row b and head h,
/// P = softmax(mask(Q_h K_g^T / sqrt(hs))), Y_h = P V_g.
///
/// out (B, T, C): Y with heads side by side; att (B, NH, T, T): P, kept for the backward;
/// q (B, T, C) with head h in columns h*hs ..< (h+1)*hs, C = NH*hs; k, v (B, T, NKV*hs) with
/// head g in columns g*hs ..< (g+1)*hs. NKV divides NH (NKV = NH: plain multi-head attention).
/// The products' left operands (queries and P; in the backward dY, P and dS) are read in place;
/// their right operands are copied once per key/value head into contiguous scratch
/// (`HeadOperands`), shared by the query heads of its group: in the forward K transposed and V as
/// rows, in the backward V transposed and K as rows (and per query head Q and dY as rows).
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
    B: Int, T: Int, C: Int, NH: Int, NKV: Int
) {
    let hs = C / NH
    let scale = 1 / Float(hs).squareRoot()
    let tiles = causalTiles(T: T)
    forEachGroup(B: B, T: T, C: C, NH: NH, NKV: NKV, slots: 1) { _, operands, heads, kvOffset in
        let kT = operands.transposed(k + kvOffset, ld: heads.kvWidth)
        let (vRows, ldv) = operands.rows(v + kvOffset, ld: heads.kvWidth, slot: 0)
        for h in heads.range {
            let P = att + heads.pair(h) * T * T, off = heads.offset(h)
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
}

/// The query heads h of one (batch row b, key/value head g) group: the NH / NKV heads
/// g * NH/NKV ..< (g + 1) * NH/NKV.
struct QueryHeads {
    let b: Int, g: Int, T: Int, C: Int, NH: Int, group: Int, hs: Int
    /// NKV * hs: the leading dimension of k, v, dk, dv.
    var kvWidth: Int { C / group }
    var range: Range<Int> { g * group..<(g + 1) * group }
    /// b * NH + h: head h's slice of `att`, (T, T).
    func pair(_ h: Int) -> Int { b * NH + h }
    /// Where head h of sequence b starts in the (B, T, C) tensors.
    func offset(_ h: Int) -> Int { b * T * C + h * hs }
}

/// Calls `body(worker, operands, heads, kvOffset)` for every (batch, key/value head) pair
/// b * NKV + g, the pairs (independent of each other: a group's query heads write only their
/// own columns of out and dq, and only the group writes its columns of dk and dv) split across at
/// most `workers` workers, each with its own `HeadOperands` of `slots` row copies; `kvOffset` is
/// where head g of sequence b starts in the (B, T, NKV*hs) tensors.
@inline(__always)
private func forEachGroup(
    B: Int, T: Int, C: Int, NH: Int, NKV: Int, workers: Int = .max, slots: Int,
    _ body: (_ worker: Int, _ operands: HeadOperands, _ heads: QueryHeads, _ kvOffset: Int) -> Void
) {
    precondition(NKV > 0 && NH % NKV == 0, "\(NKV) key/value heads do not divide \(NH) heads")
    let hs = C / NH, kvWidth = NKV * hs
    Parallel.chunks(B * NKV, workers: workers) { worker, pairs in
        let operands = HeadOperands(T: T, hs: hs, slots: slots)
        for pair in pairs {
            let (b, g) = (pair / NKV, pair % NKV)
            let heads = QueryHeads(b: b, g: g, T: T, C: C, NH: NH, group: NH / NKV, hs: hs)
            body(worker, operands, heads, b * T * kvWidth + g * hs)
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

/// Backward of `attentionForward`, accumulating into dq (B, T, C) and dk, dv (B, T, NKV*hs):
/// dP = dY V^T; dV += P^T dY; dS = P * (dP - rowsum(dP * P)) / sqrt(hs); dQ += dS K; dK += dS^T Q,
/// each product restricted to the causal tiles (dP and dQ by query tile, as the forward; dV and
/// dK by tile of 6 keys j0 ..< j0 + rows, summing over the queries from j0 on). dK and dV of a
/// key/value head sum over the query heads of its group, in head order (HF `repeat_kv`'s
/// backward). `scratch` holds `scratchMatrices` (T, T) matrices, overwritten: one per concurrent
/// worker (the (batch, key/value head) pairs are split across at most that many workers).
/// `overwrite` writes dq, dk, dv instead of adding (every row of every slice is written by the
/// first product that reaches it, later heads of a group add).
public func attentionBackward(
    _ dq: UnsafeMutablePointer<Float>, _ dk: UnsafeMutablePointer<Float>, _ dv: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, scratchMatrices: Int = 1,
    _ dout: UnsafePointer<Float>, _ att: UnsafePointer<Float>,
    _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
    B: Int, T: Int, C: Int, NH: Int, NKV: Int, overwrite: Bool = false
) {
    let hs = C / NH
    let scale = 1 / Float(hs).squareRoot()
    let tiles = causalTiles(T: T)
    forEachGroup(B: B, T: T, C: C, NH: NH, NKV: NKV, workers: scratchMatrices, slots: 3) {
        worker, operands, heads, kvOff in
        let dP = scratch + worker * T * T
        let ldkv = heads.kvWidth
        let vT = operands.transposed(v + kvOff, ld: ldkv)
        let (kRows, ldk) = operands.rows(k + kvOff, ld: ldkv, slot: 0)
        var accumulateKV = !overwrite
        for h in heads.range {
            let P = att + heads.pair(h) * T * T, off = heads.offset(h)
            let (qRows, ldq) = operands.rows(q + off, ld: C, slot: 1)
            let (gRows, ldg) = operands.rows(dout + off, ld: C, slot: 2)
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
                    kRows, ldb: ldk, dq + off + i0 * C, ldc: C, accumulate: !overwrite)
            }
            for tile in tiles {
                let (j0, rows) = (tile.start, tile.rows)
                // dV[j0 ..< j0+rows] += P[j0 ..< T, j0 ..< j0+rows]^T dY[j0 ..< T]  (rows, hs)
                TileProduct.multiply(
                    M: rows, N: hs, K: T - j0, alpha: 1, P + j0 * T + j0, rowStride: 1, depthStride: T,
                    gRows + j0 * ldg, ldb: ldg, dv + kvOff + j0 * ldkv, ldc: ldkv, accumulate: accumulateKV)
                // dK[j0 ..< j0+rows] += dS[j0 ..< T, j0 ..< j0+rows]^T Q[j0 ..< T]  (rows, hs)
                TileProduct.multiply(
                    M: rows, N: hs, K: T - j0, alpha: 1, dP + j0 * T + j0, rowStride: 1, depthStride: T,
                    qRows + j0 * ldq, ldb: ldq, dk + kvOff + j0 * ldkv, ldc: ldkv, accumulate: accumulateKV)
            }
            accumulateKV = true
        }
    }
}
