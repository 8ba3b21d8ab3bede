import Foundation
import Testing
@testable import RewarmEngine

private func gaussian(_ n: Int, seed: UInt64, std: Float = 0.02) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return (0..<n).map { _ in std * rng.nextGaussian() }
}

private func quantize(_ values: [Float], _ type: FourBitCodeBook) -> QuantizedTensor {
    values.withUnsafeBufferPointer { QuantizedTensor(quantizing: $0, shape: [values.count], type: type) }
}

/// Largest distance from a point of [min, max] of `code` to its nearest code value.
private func halfGap(_ code: [Float]) -> Float {
    let sorted = code.sorted()
    return zip(sorted, sorted.dropFirst()).map { ($1 - $0) / 2 }.max()!
}

@Suite struct QuantizedTensorTests {
    @Test("NF4 has bitsandbytes' 16 values: sorted, -1 to 1, exact 0 at index 7, 7 negative and 8 positive levels")
    func nf4Code() {
        let c = FourBitCode.nf4
        #expect(c.count == 16 && c == c.sorted())
        #expect(c[0] == -1 && c[15] == 1 && c[7] == 0)
        #expect(c.filter { $0 < 0 }.count == 7 && c.filter { $0 > 0 }.count == 8)
        #expect(c[8] == 0.07958029955625534 && c[1] == -0.6961928009986877)
    }

    @Test("FP4 is the e2m1 grid over 12: 0, 1/192, 1/6, 1/4, 1/3, 1/2, 2/3, 1 with the sign in bit 3")
    func fp4Code() {
        let c = FourBitCode.fp4
        let expected: [Double] = [0, 1.0 / 192, 1.0 / 6, 0.25, 1.0 / 3, 0.5, 2.0 / 3, 1]
        let positives: [Float] = expected.map { Float($0) }
        #expect(Set(c.prefix(8)) == Set(positives))
        for i in 0..<8 { #expect(c[i + 8] == -c[i]) }
        #expect(c[3] == 1 && c[11] == -1)
    }

    @Test("the dynamic 8-bit map has 256 distinct sorted values in [-1, 1], with 0 and 1")
    func dynamicMap() {
        let v = DynamicEightBitCode.values
        #expect(v.count == 256 && Set(v).count == 256 && v == v.sorted())
        #expect(v.contains(0) && v.last == 1 && v.first! > -1 && v.first! < -0.99)
        #expect(v.filter { $0 > 0 && $0 < 1e-6 }.count == 1)  // the 10^-6 decade: one midpoint (0.55e-6)
    }

    @Test("a round trip stays within half a code gap of each block's scale, plus the scale's own error", arguments: FourBitCodeBook.allCases)
    func roundTrip(type: FourBitCodeBook) {
        let values = gaussian(64 * 300 + 37, seed: 1)  // 2 scale blocks and a partial weight block
        let q = quantize(values, type)
        let back = q.dequantized()
        let gap = halfGap(FourBitCode.values(type))
        for b in 0..<q.scaleCodes.count {
            let range = b * 64..<min(values.count, (b + 1) * 64)
            let absmax = range.map { abs(values[$0]) }.max()!
            let scale = q.blockScale(b)
            for i in range {
                let bound = scale * gap + abs(scale - absmax) * 1.0001 + 1e-9
                #expect(abs(back[i] - values[i]) <= bound, "element \(i): \(values[i]) -> \(back[i]), bound \(bound)")
            }
        }
    }

    @Test("NF4 has a lower error than FP4 on normally distributed weights (what it is built for)")
    func nf4BeatsFP4() {
        let values = gaussian(64 * 256, seed: 2)
        func rmse(_ type: FourBitCodeBook) -> Double {
            let back = quantize(values, type).dequantized()
            return (zip(values, back).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +) / Double(values.count)).squareRoot()
        }
        #expect(rmse(.nf4) < rmse(.fp4))
        #expect(rmse(.nf4) < 0.1 * 0.02)  // well under a tenth of the weights' std
    }

    @Test("layout: two nibbles per byte (even element low), one 8-bit scale per 64 weights, one float per 256 scales")
    func layout() {
        var values = gaussian(64 * 257 + 1, seed: 3)
        values[0] = 0.5  // block 0's absmax: normalized 1 -> NF4 index 15
        values[1] = -0.5  // -> index 0
        values[2] = 0  // -> index 7
        let q = quantize(values, .nf4)
        #expect(q.packed.count == (values.count + 1) / 2)
        #expect(q.scaleCodes.count == 258 && q.scaleScales.count == 2)
        #expect(q.packed[0] == 0x0F)  // element 0 = 15 in the low nibble, element 1 = 0 in the high one
        #expect(q.packed[1] & 0x0F == 7)
        let blocks = (0..<258).map { b in (b * 64..<min(values.count, b * 64 + 64)).map { abs(values[$0]) }.max()! }
        let mean = blocks.reduce(0, +) / Float(blocks.count)
        #expect(abs(q.scaleOffset - mean) < 1e-6)
        let s0 = blocks.prefix(256).map { abs($0 - q.scaleOffset) }.max()!
        #expect(q.scaleScales[0] == s0)
        let dynamicGap = halfGap(DynamicEightBitCode.values)
        for b in 0..<258 {
            #expect(abs(q.blockScale(b) - blocks[b]) <= q.scaleScales[b / 256] * dynamicGap * 1.0001)
        }
    }

    @Test("a quantized matrix holds about 0.52 bytes per weight")
    func memory() {
        let values = gaussian(256 * 672, seed: 4)  // the base preset's gate_proj
        let q = quantize(values, .nf4)
        let perWeight = Double(q.byteCount) / Double(values.count)
        #expect(perWeight > 0.51 && perWeight < 0.53, "\(perWeight)")
    }
}
