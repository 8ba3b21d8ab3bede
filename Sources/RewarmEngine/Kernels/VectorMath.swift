/// Eight-lane float helpers for the engine's non-BLAS loops: unaligned loads and stores through
/// raw pointers, and `exp` by range reduction and a polynomial, so the elementwise kernels
/// (softmax, cross-entropy, SwiGLU, RMSNorm) run on vector registers instead of one libm call
/// per element.
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
    let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p: Float8 = Float8(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    let expR = p * (r * r) + r + 1
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
