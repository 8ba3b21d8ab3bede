/// Register-tiled small matrix products for causal attention, whose products are too small and
/// too ragged for OpenBLAS to run well: per (sequence, head) pair and tile of 6 queries (or
/// keys) they are 6 rows by at most T columns (the scores) or by hs columns (the other four),
/// with hs, a tile's causal length or the T - j0 queries after a key tile as their depth. As
/// OpenBLAS calls on blocks of 64 queries they ran at 42-74 GFLOP/s inside a training step (in
/// isolation 67-106), and the blocks had to include most of the masked upper triangle; here the
/// causal mask is followed 6 rows at a time.
///
/// One product: C (M, N) (=|+=) alpha * A (M, K) @ B (K, N), where A[i, k] is at
/// `a[i * rowStride + k * depthStride]` (a row-major A has depthStride 1; a transposed one,
/// rowStride 1), and B is row-major with leading dimension ldb and readable 16 columns at a time:
/// the columns of its last 16-wide panel past N must exist (the callers pass zero-padded copies,
/// `HeadOperands`), and are never written to C. The 6 x 16 micro-kernel keeps its 12 eight-lane
/// accumulators in registers and makes 12 fused multiply-adds per 2 loads of B and 6 broadcasts
/// of A: the register block of the GotoBLAS/BLIS AVX2 kernels (Goto & van de Geijn 2008,
/// "Anatomy of high-performance matrix multiplication"). A is read where it lies; its elements
/// are each used 16 times per panel, B's 6 times per tile.
enum TileProduct {
    static let tileRows = 6
    static let panelWidth = 16

    /// C (M, N) (=|+=) alpha * A @ B, tile by tile: full 6 x 16 tiles through `tile6x16`, the
    /// bottom rows and a right panel narrower than 16 one row at a time (`row1x16`).
    @inline(__always)
    static func multiply(
        M: Int, N: Int, K: Int, alpha: Float,
        _ a: UnsafePointer<Float>, rowStride: Int, depthStride: Int,
        _ b: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        var i = 0
        while i < M {
            let rows = min(tileRows, M - i)
            let ai = a + i * rowStride, ci = c + i * ldc
            var n0 = 0
            while n0 < N {
                let columns = min(panelWidth, N - n0)
                if rows == tileRows && columns == panelWidth {
                    tile6x16(K: K, alpha: alpha, ai, rowStride: rowStride, depthStride: depthStride,
                             b + n0, ldb: ldb, ci + n0, ldc: ldc, accumulate: accumulate)
                } else {
                    for r in 0..<rows {
                        row1x16(K: K, alpha: alpha, ai + r * rowStride, depthStride: depthStride, b + n0, ldb: ldb,
                                ci + r * ldc + n0, columns: columns, accumulate: accumulate)
                    }
                }
                n0 += panelWidth
            }
            i += tileRows
        }
    }

    /// c (6, 16) (=|+=) alpha * a (6, K) @ b (K, 16). Compiled on its own (`@inline(never)`) so
    /// that, in AVX2 builds (`REWARM_AVX2`), its 12 accumulators, 2 panel rows and a broadcast fill
    /// the 16 ymm registers; a portable build splits every 8-lane vector into two SSE halves and
    /// spills (correct, slower).
    @inline(never)
    static func tile6x16(
        K: Int, alpha: Float, _ a: UnsafePointer<Float>, rowStride rs: Int, depthStride ds: Int,
        _ b: UnsafePointer<Float>, ldb: Int, _ c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        var s00 = Float8(), s01 = Float8(), s10 = Float8(), s11 = Float8(), s20 = Float8(), s21 = Float8()
        var s30 = Float8(), s31 = Float8(), s40 = Float8(), s41 = Float8(), s50 = Float8(), s51 = Float8()
        // One pointer per row, each stepping by the depth stride: no chain of dependent adds.
        var a0 = a, a1 = a + rs, a2 = a + 2 * rs, a3 = a + 3 * rs, a4 = a + 4 * rs, a5 = a + 5 * rs
        var bk = b
        for _ in 0..<K {
            let b0 = bk.load8(0), b1 = bk.load8(8)
            var x = Float8(repeating: a0.pointee)
            s00 = multiplyAdd8(x, b0, s00); s01 = multiplyAdd8(x, b1, s01)
            x = Float8(repeating: a1.pointee)
            s10 = multiplyAdd8(x, b0, s10); s11 = multiplyAdd8(x, b1, s11)
            x = Float8(repeating: a2.pointee)
            s20 = multiplyAdd8(x, b0, s20); s21 = multiplyAdd8(x, b1, s21)
            x = Float8(repeating: a3.pointee)
            s30 = multiplyAdd8(x, b0, s30); s31 = multiplyAdd8(x, b1, s31)
            x = Float8(repeating: a4.pointee)
            s40 = multiplyAdd8(x, b0, s40); s41 = multiplyAdd8(x, b1, s41)
            x = Float8(repeating: a5.pointee)
            s50 = multiplyAdd8(x, b0, s50); s51 = multiplyAdd8(x, b1, s51)
            a0 += ds; a1 += ds; a2 += ds; a3 += ds; a4 += ds; a5 += ds
            bk += ldb
        }
        store(s00, s01, c, alpha: alpha, accumulate: accumulate)
        store(s10, s11, c + ldc, alpha: alpha, accumulate: accumulate)
        store(s20, s21, c + 2 * ldc, alpha: alpha, accumulate: accumulate)
        store(s30, s31, c + 3 * ldc, alpha: alpha, accumulate: accumulate)
        store(s40, s41, c + 4 * ldc, alpha: alpha, accumulate: accumulate)
        store(s50, s51, c + 5 * ldc, alpha: alpha, accumulate: accumulate)
    }

    /// c[0 ..< 16] (=|+=) alpha * (lo, hi).
    @inline(__always)
    private static func store(
        _ lo: Float8, _ hi: Float8, _ c: UnsafeMutablePointer<Float>, alpha: Float, accumulate: Bool
    ) {
        let a8 = Float8(repeating: alpha)
        if accumulate {
            c.store8(multiplyAdd8(lo, a8, c.load8(0)), 0)
            c.store8(multiplyAdd8(hi, a8, c.load8(8)), 8)
        } else {
            c.store8(lo * a8, 0)
            c.store8(hi * a8, 8)
        }
    }

    /// c[0 ..< columns] (=|+=) alpha * a (1, K) @ b (K, 16), columns <= 16: one row of a tile
    /// at the bottom edge, or of a panel narrower than 16 (whose extra sums are dropped).
    @inline(never)
    static func row1x16(
        K: Int, alpha: Float, _ a: UnsafePointer<Float>, depthStride ds: Int,
        _ b: UnsafePointer<Float>, ldb: Int, _ c: UnsafeMutablePointer<Float>, columns: Int, accumulate: Bool
    ) {
        var s0 = Float8(), s1 = Float8()
        var ak = a, bk = b
        for _ in 0..<K {
            let x = Float8(repeating: ak[0])
            s0 = multiplyAdd8(x, bk.load8(0), s0); s1 = multiplyAdd8(x, bk.load8(8), s1)
            ak += ds
            bk += ldb
        }
        if columns == panelWidth {
            store(s0, s1, c, alpha: alpha, accumulate: accumulate)
            return
        }
        for j in 0..<columns {
            let v = alpha * (j < 8 ? s0[j] : s1[j - 8])
            c[j] = accumulate ? c[j] + v : v
        }
    }
}
