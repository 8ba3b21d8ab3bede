/// Eight-lane float helpers for the engine's non-BLAS loops: unaligned loads and stores through
/// raw pointers, and `exp` by range reduction and a polynomial, so the elementwise kernels
/// (softmax, cross-entropy, SwiGLU, RMSNorm) run on vector registers instead of one libm call
/// per element.
///
/// The kernels built on these helpers are `@inline(never)`: inlined into a large caller (the
/// model's forward), Swift split their 8-lane vectors into 4-lane halves and left
/// `loadUnaligned` as a call per load, which made SwiGLU's forward twice as slow (`perf annotate`).
typealias Float8 = SIMD8<Float>

extension UnsafePointer where Pointee == Float {
    /// The 8 floats at `self + i` (no alignment needed).
    @inline(__always)
    func load8(_ i: Int) -> Float8 {
        UnsafeRawPointer(self + i).loadUnaligned(as: Float8.self)
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always)
    func load8(_ i: Int) -> Float8 {
        UnsafePointer(self).load8(i)
    }

    /// Writes 8 floats at `self + i` (no alignment needed).
    @inline(__always)
    func store8(_ v: Float8, _ i: Int) {
        UnsafeMutableRawPointer(self + i).storeBytes(of: v, as: Float8.self)
    }
}

/// a * b + c lane by lane: one fused multiply-add (one rounding) in builds for AVX2+FMA CPUs
/// (`REWARM_AVX2`), a multiply and an add elsewhere (a software `fma` would be far slower).
@inline(__always)
func multiplyAdd8(_ a: Float8, _ b: Float8, _ c: Float8) -> Float8 {
    #if REWARM_AVX2
    c.addingProduct(a, b)
    #else
    a * b + c
    #endif
}

/// The largest of the 8 lanes, by halving (the generic `SIMD.max()` is a call per row). For
/// lanes without NaN, as the running maxima it reduces are (`replace(with:where: x .> m)`
/// never takes a NaN).
@inline(__always)
func largestLane(_ v: Float8) -> Float {
    var m4 = v.lowHalf
    m4.replace(with: v.highHalf, where: v.highHalf .> m4)
    var m2 = m4.lowHalf
    m2.replace(with: m4.highHalf, where: m4.highHalf .> m2)
    return m2[1] > m2[0] ? m2[1] : m2[0]
}

/// exp(x) lane by lane, Cephes `expf` (S. Moshier): x = n ln2 + r with n = round(x / ln2) and
/// |r| <= ln2/2 (Cody-Waite split of ln2), exp(r) = 1 + r + r^2 P(r) with Cephes' degree-5 P,
/// then the 2^n factor built in the exponent bits. Relative error below 2e-7 (about 2 ulp)
/// for x in [-87.3, 88.3]; inputs are clamped to that range (exp(-inf) gives ~1e-38, not 0,
/// and +inf gives ~2.4e38); NaN stays NaN.
@inline(__always)
func exp8(_ x: Float8) -> Float8 {
    var x = x
    x.replace(with: 88.376_26, where: x .> 88.376_26)  // 127.5 ln2: n <= 127
    x.replace(with: -87.33654, where: x .< -87.33654)
    // n = round(x log2(e)): adding 1.5 * 2^23 rounds to an integer in the low mantissa bits,
    // offset by 127 so those bits are the biased exponent of 2^n.
    let shifter: Float = 12_582_912 + 127
    let t = x * 1.442_695_04 + shifter
    let n = t - shifter
    let r = multiplyAdd8(n, Float8(repeating: 2.121_944_4e-4), multiplyAdd8(n, Float8(repeating: -0.693_359_375), x))
    var p: Float8 = Float8(repeating: 1.987_569_15e-4)
    p = multiplyAdd8(p, r, Float8(repeating: 1.398_199_950_7e-3))
    p = multiplyAdd8(p, r, Float8(repeating: 8.333_451_907_3e-3))
    p = multiplyAdd8(p, r, Float8(repeating: 4.166_579_589_4e-2))
    p = multiplyAdd8(p, r, Float8(repeating: 1.666_666_545_9e-1))
    p = multiplyAdd8(p, r, Float8(repeating: 5.000_000_120_1e-1))
    let expR = multiplyAdd8(p, r * r, r + 1)
    let bits = unsafeBitCast(t, to: SIMD8<UInt32>.self) &<< 23
    return expR * unsafeBitCast(bits, to: Float8.self)
}

/// exp(x) of one float by the same polynomial as `exp8`, for the tails of rows whose length is
/// not a multiple of 8 (every element of a row then goes through the same formula).
@inline(__always)
func exp1(_ x: Float) -> Float {
    exp8(Float8(repeating: x))[0]
}

/// The logistic sigmoid 1 / (1 + exp(-x)) of 8 lanes.
@inline(__always)
func sigmoid8(_ x: Float8) -> Float8 {
    1 / (1 + exp8(-x))
}
