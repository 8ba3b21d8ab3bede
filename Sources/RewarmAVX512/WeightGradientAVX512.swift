// Weight gradients of the linear layers with 16-lane (AVX-512) vectors. This module alone is
// compiled for `skylake-avx512` (see `Package.swift`); the engine calls it only after checking
// that the running CPU has that feature set (`WeightGradient.requiredCPUFlags`), so a binary
// built on an AVX-512 machine still runs, through OpenBLAS, on one without.

#if arch(x86_64)
typealias Lanes16 = SIMD16<Float>

/// dW (OC, IC) += dY^T (OC, N) @ X (N, IC), the weight gradient of `out = X W^T`, read where
/// dY (N, OC) and X (N, IC) lie (row-major, leading dimensions OC and IC): no packed copies.
///
/// OpenBLAS runs this product (`cblas_sgemm` Trans/NoTrans, depth N = B*T) by packing both tall
/// operands with transposing copies: in a `small` training step its packing took a quarter of
/// the product's time. Here the depth (the N positions) goes in blocks (`depthBlock`); within a
/// block, an 8 x 32 register tile of dW (16 sixteen-lane accumulators) takes, per position t,
/// 2 loads of X's row t and 8 broadcasts of dY[t, o ..< o + 8] for 16 fused multiply-adds, and
/// every 8-row tile of dW passes over the same 32 columns of X's block while they are in cache.
/// The register block is that of the BLIS/GotoBLAS kernels (Goto & van de Geijn 2008, "Anatomy
/// of high-performance matrix multiplication") without their packing, which the short, wide dW
/// allows: its operands are read once per 32 columns of dW, and a narrow dW (the engine uses
/// this kernel for OC or IC at most 128) stays in cache.
public enum WeightGradientAVX512 {
    /// Positions (rows of dY and X) per pass over dW: at most 256, and few enough that a block
    /// of dY and X (depth x (OC + IC) floats) takes at most half of a 1 MB L2 cache.
    public static func depthBlock(OC: Int, IC: Int) -> Int {
        max(16, min(256, 131_072 / (OC + IC)))
    }
    /// Rows of dW per register tile (the engine splits dW's rows among workers in whole tiles).
    public static let tileRows = 8

    /// Whether this kernel computes a product with IC input features: it reads X's rows 16
    /// floats at a time, so IC must be a multiple of 16.
    public static func supports(IC: Int) -> Bool { IC > 0 && IC % 16 == 0 }

    /// dW[o, :] += sum over t of dY[t, o] * X[t, :] for o in `rows` (all of 0 ..< OC when
    /// splitting work: disjoint row ranges may run concurrently). Sums each dW element over
    /// t = 0 ..< N in order, whatever the row range. Requires `supports(IC:)`.
    public static func accumulate(
        _ dW: UnsafeMutablePointer<Float>, _ dY: UnsafePointer<Float>, _ X: UnsafePointer<Float>,
        N: Int, OC: Int, IC: Int, rows: Range<Int>
    ) {
        precondition(supports(IC: IC), "IC (\(IC)) must be a positive multiple of 16")
        let block = depthBlock(OC: OC, IC: IC)
        var t0 = 0
        while t0 < N {
            let depth = min(block, N - t0)
            var i0 = 0
            while i0 < IC {
                let wide = IC - i0 >= 32
                var o = rows.lowerBound
                while o < rows.upperBound {
                    let tileRows = min(Self.tileRows, rows.upperBound - o)
                    let y = dY + t0 * OC + o, x = X + t0 * IC + i0, c = dW + o * IC + i0
                    if tileRows == Self.tileRows {
                        if wide {
                            tile8x32(depth: depth, y, ldy: OC, x, ldx: IC, c, ldc: IC)
                        } else {
                            tile8x16(depth: depth, y, ldy: OC, x, ldx: IC, c, ldc: IC)
                        }
                    } else {
                        for r in 0..<tileRows {
                            row1(depth: depth, y + r, ldy: OC, x, ldx: IC, c + r * IC, wide: wide)
                        }
                    }
                    o += Self.tileRows
                }
                i0 += wide ? 32 : 16
            }
            t0 += depth
        }
    }

    /// c (8, 32) += y^T (8, depth) @ x (depth, 32), y[t, r] at y[t * ldy + r]. On its own
    /// (`@inline(never)`) so its 16 accumulators and 2 panel rows sit in zmm registers.
    @inline(never)
    static func tile8x32(
        depth: Int, _ y: UnsafePointer<Float>, ldy: Int, _ x: UnsafePointer<Float>, ldx: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        var s00 = c.load16(0), s01 = c.load16(16)
        var s10 = (c + ldc).load16(0), s11 = (c + ldc).load16(16)
        var s20 = (c + 2 * ldc).load16(0), s21 = (c + 2 * ldc).load16(16)
        var s30 = (c + 3 * ldc).load16(0), s31 = (c + 3 * ldc).load16(16)
        var s40 = (c + 4 * ldc).load16(0), s41 = (c + 4 * ldc).load16(16)
        var s50 = (c + 5 * ldc).load16(0), s51 = (c + 5 * ldc).load16(16)
        var s60 = (c + 6 * ldc).load16(0), s61 = (c + 6 * ldc).load16(16)
        var s70 = (c + 7 * ldc).load16(0), s71 = (c + 7 * ldc).load16(16)
        var yt = y, xt = x
        for _ in 0..<depth {
            let b0 = xt.load16(0), b1 = xt.load16(16)
            var a = Lanes16(repeating: yt[0])
            s00.addProduct(a, b0); s01.addProduct(a, b1)
            a = Lanes16(repeating: yt[1])
            s10.addProduct(a, b0); s11.addProduct(a, b1)
            a = Lanes16(repeating: yt[2])
            s20.addProduct(a, b0); s21.addProduct(a, b1)
            a = Lanes16(repeating: yt[3])
            s30.addProduct(a, b0); s31.addProduct(a, b1)
            a = Lanes16(repeating: yt[4])
            s40.addProduct(a, b0); s41.addProduct(a, b1)
            a = Lanes16(repeating: yt[5])
            s50.addProduct(a, b0); s51.addProduct(a, b1)
            a = Lanes16(repeating: yt[6])
            s60.addProduct(a, b0); s61.addProduct(a, b1)
            a = Lanes16(repeating: yt[7])
            s70.addProduct(a, b0); s71.addProduct(a, b1)
            yt += ldy
            xt += ldx
        }
        c.store16(s00, 0); c.store16(s01, 16)
        (c + ldc).store16(s10, 0); (c + ldc).store16(s11, 16)
        (c + 2 * ldc).store16(s20, 0); (c + 2 * ldc).store16(s21, 16)
        (c + 3 * ldc).store16(s30, 0); (c + 3 * ldc).store16(s31, 16)
        (c + 4 * ldc).store16(s40, 0); (c + 4 * ldc).store16(s41, 16)
        (c + 5 * ldc).store16(s50, 0); (c + 5 * ldc).store16(s51, 16)
        (c + 6 * ldc).store16(s60, 0); (c + 6 * ldc).store16(s61, 16)
        (c + 7 * ldc).store16(s70, 0); (c + 7 * ldc).store16(s71, 16)
    }

    /// c (8, 16) += y^T (8, depth) @ x (depth, 16): the last 16 columns when IC is an odd
    /// multiple of 16.
    @inline(never)
    static func tile8x16(
        depth: Int, _ y: UnsafePointer<Float>, ldy: Int, _ x: UnsafePointer<Float>, ldx: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        var s0 = c.load16(0), s1 = (c + ldc).load16(0), s2 = (c + 2 * ldc).load16(0), s3 = (c + 3 * ldc).load16(0)
        var s4 = (c + 4 * ldc).load16(0), s5 = (c + 5 * ldc).load16(0)
        var s6 = (c + 6 * ldc).load16(0), s7 = (c + 7 * ldc).load16(0)
        var yt = y, xt = x
        for _ in 0..<depth {
            let b = xt.load16(0)
            s0.addProduct(Lanes16(repeating: yt[0]), b); s1.addProduct(Lanes16(repeating: yt[1]), b)
            s2.addProduct(Lanes16(repeating: yt[2]), b); s3.addProduct(Lanes16(repeating: yt[3]), b)
            s4.addProduct(Lanes16(repeating: yt[4]), b); s5.addProduct(Lanes16(repeating: yt[5]), b)
            s6.addProduct(Lanes16(repeating: yt[6]), b); s7.addProduct(Lanes16(repeating: yt[7]), b)
            yt += ldy
            xt += ldx
        }
        c.store16(s0, 0); (c + ldc).store16(s1, 0); (c + 2 * ldc).store16(s2, 0); (c + 3 * ldc).store16(s3, 0)
        (c + 4 * ldc).store16(s4, 0); (c + 5 * ldc).store16(s5, 0)
        (c + 6 * ldc).store16(s6, 0); (c + 7 * ldc).store16(s7, 0)
    }

    /// c (1, 32 or 16) += y^T (1, depth) @ x (depth, 32 or 16): the rows past the last full
    /// tile when OC is not a multiple of 8.
    @inline(never)
    static func row1(
        depth: Int, _ y: UnsafePointer<Float>, ldy: Int, _ x: UnsafePointer<Float>, ldx: Int,
        _ c: UnsafeMutablePointer<Float>, wide: Bool
    ) {
        var s0 = c.load16(0), s1 = wide ? c.load16(16) : Lanes16()
        var yt = y, xt = x
        for _ in 0..<depth {
            let a = Lanes16(repeating: yt[0])
            s0.addProduct(a, xt.load16(0))
            if wide { s1.addProduct(a, xt.load16(16)) }
            yt += ldy
            xt += ldx
        }
        c.store16(s0, 0)
        if wide { c.store16(s1, 16) }
    }
}

extension UnsafePointer where Pointee == Float {
    @inline(__always)
    func load16(_ i: Int) -> Lanes16 { UnsafeRawPointer(self + i).loadUnaligned(as: Lanes16.self) }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always)
    func load16(_ i: Int) -> Lanes16 { UnsafeRawPointer(self + i).loadUnaligned(as: Lanes16.self) }

    @inline(__always)
    func store16(_ v: Lanes16, _ i: Int) { UnsafeMutableRawPointer(self + i).storeBytes(of: v, as: Lanes16.self) }
}
#endif
