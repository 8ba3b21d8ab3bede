/// A 4-bit code book a float32 tensor is quantized with (bitsandbytes' names).
public enum FourBitCodeBook: String, CaseIterable, Sendable {
    /// NormalFloat4 (`FourBitCode.nf4`).
    case nf4
    /// Plain 4-bit float (`FourBitCode.fp4`).
    case fp4
}

/// The 16 values of a 4-bit code, indexed by the stored nibble, as bitsandbytes defines them
/// (Dettmers et al. 2023, QLoRA, arXiv 2305.14314, section 3 and appendix E).
public enum FourBitCode {
    /// NormalFloat4: 16 quantiles of N(0, 1) scaled to [-1, 1], asymmetric so that 0 is exact
    /// (8 positive levels, 7 negative). bitsandbytes' `get_4bit_type("nf4")`.
    public static let nf4: [Float] = [
        -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
        -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
        0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
        0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
    ]

    /// FP4 (1 sign, 2 exponent, 1 mantissa bits; bitsandbytes' `dDequantizeFP4Tree`): the e2m1
    /// magnitudes {0, 0.0625, 8, 12, 4, 6, 2, 3} / 12, bit 3 the sign.
    public static let fp4: [Float] = {
        let magnitudes: [Float] = [0, 0.0625, 8, 12, 4, 6, 2, 3].map { $0 / 12 }
        return magnitudes + magnitudes.map { -$0 }
    }()

    public static func values(_ type: FourBitCodeBook) -> [Float] {
        switch type {
        case .nf4: nf4
        case .fp4: fp4
        }
    }

    /// The index of the code value nearest to `x` (the first on a tie).
    @inline(__always)
    static func nearest(_ x: Float, in code: [Float]) -> UInt8 {
        var best = 0
        var distance = Float.infinity
        for i in 0..<16 {
            let d = abs(code[i] - x)
            if d < distance { (best, distance) = (i, d) }
        }
        return UInt8(best)
    }
}

/// bitsandbytes' signed dynamic 8-bit map (`create_dynamic_map(signed=True)`, Dettmers 2016,
/// arXiv 1511.04561): for exponents 10^-6 ... 10^0, the midpoints of 2^i + 1 points spaced
/// evenly on [0.1, 1], both signs, plus 0 and 1; 256 values sorted. QLoRA stores the block
/// scales in it ("double quantization").
public enum DynamicEightBitCode {
    public static let values: [Float] = {
        var data: [Double] = []
        for i in 0..<7 {
            let points = (1 << i) + 1
            let boundaries = (0..<points).map { 0.1 + 0.9 * Double($0) / Double(points - 1) }
            let scale = pow10(i - 6)
            for j in 0..<(points - 1) {
                let mean = (boundaries[j] + boundaries[j + 1]) / 2
                data.append(scale * mean)
                data.append(-scale * mean)
            }
        }
        data += [0, 1]
        return data.map { Float($0) }.sorted()
    }()

    private static func pow10(_ e: Int) -> Double {
        var x = 1.0
        for _ in 0..<abs(e) { x *= 10 }
        return e < 0 ? 1 / x : x
    }

    /// The index of the value nearest to `x` in [-1, 1] (binary search in the sorted map).
    static func nearest(_ x: Float) -> UInt8 {
        var (lo, hi) = (0, values.count - 1)
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if values[mid] <= x { lo = mid } else { hi = mid }
        }
        return UInt8(abs(values[lo] - x) <= abs(values[hi] - x) ? lo : hi)
    }
}
