import Testing
import RewarmEngine

/// The backward kernels' `overwrite` mode (the first writer of a scratch gradient, so the model
/// never zeroes it first) must give exactly what accumulating into zeros gives, whatever the
/// buffer held before: here NaN, which any read of the old value would spread.
@Suite("Backward kernels in overwrite mode")
struct OverwriteModeTests {
    /// Runs `kernel(buffer, overwrite)` on a zeroed buffer (accumulate) and a NaN-filled one
    /// (overwrite); both results must be equal and finite.
    func expectOverwriteEqualsAccumulateIntoZero(
        count: Int, _ name: String, _ kernel: (UnsafeMutablePointer<Float>, Bool) -> Void
    ) {
        let accumulated = TestBuffer(repeating: Float(0), count: count)
        kernel(accumulated.pointer, false)
        let overwritten = TestBuffer(repeating: Float.nan, count: count)
        kernel(overwritten.pointer, true)
        #expect(accumulated.array.allSatisfy { $0.isFinite }, "\(name): accumulate")
        #expect(accumulated.array.contains { $0 != 0 }, "\(name): the kernel wrote nothing")
        #expect(overwritten.array == accumulated.array, "\(name)")
    }

    @Test("matmul, SwiGLU, RMSNorm, rotary, attention and LoRA backward write their input gradient in overwrite mode")
    func everyKernel() {
        var rng = SplitMix64(seed: 404)
        let N = 6, IC = 12, OC = 10, r = 3
        let dout = TestBuffer(rng.floats(N * OC)), inp = TestBuffer(rng.floats(N * IC)), w = TestBuffer(rng.floats(OC * IC))
        expectOverwriteEqualsAccumulateIntoZero(count: N * IC, "matmul dinp") { d, o in
            matmulBackward(d, nil, dout.pointer, inp.pointer, w.pointer, N: N, IC: IC, OC: OC, overwrite: o)
        }

        let g = TestBuffer(rng.floats(N * IC)), gate = TestBuffer(rng.floats(N * IC, -4, 4)), up = TestBuffer(rng.floats(N * IC))
        for part in 0..<2 {
            expectOverwriteEqualsAccumulateIntoZero(count: N * IC, "swiglu part \(part)") { d, o in
                let other = TestBuffer(repeating: Float(0), count: N * IC)
                let (dg, du) = part == 0 ? (d, other.pointer) : (other.pointer, d)
                swigluBackward(dg, du, g.pointer, gate.pointer, up.pointer, count: N * IC, overwrite: o)
            }
        }

        let normW = TestBuffer(rng.floats(IC)), rstd = TestBuffer((0..<N).map { _ in Float(1.3) })
        expectOverwriteEqualsAccumulateIntoZero(count: N * IC, "rmsnorm dinp") { d, o in
            rmsnormBackward(d, nil, g.pointer, inp.pointer, normW.pointer, rstd.pointer, N: N, C: IC, overwrite: o)
        }

        let B = 2, T = 3, NH = 2, hs = IC / NH
        let tables = RotaryTables(maxLength: T, headDim: hs, theta: 10_000)
        tables.cos.withUnsafeBufferPointer { cos in
            tables.sin.withUnsafeBufferPointer { sin in
                expectOverwriteEqualsAccumulateIntoZero(count: N * IC, "rotary dinp") { d, o in
                    rotaryBackward(d, g.pointer, cos: cos.baseAddress!, sin: sin.baseAddress!, B: B, T: T, NH: NH, hs: hs, overwrite: o)
                }
            }
        }

        attentionOverwrite(B: B, T: T, C: IC, NH: NH, rng: &rng)
        // several 6-query tiles, one crossing the 16-key panel, full 6 x 16 tiles (hs = 16)
        attentionOverwrite(B: 1, T: 20, C: 32, NH: 2, rng: &rng)
        // grouped-query: the later heads of a group add to what the first one wrote
        attentionOverwrite(B: 2, T: 9, C: 16, NH: 4, NKV: 2, rng: &rng)

        let A = TestBuffer(rng.floats(r * IC)), Bm = TestBuffer(rng.floats(OC * r)), t = TestBuffer(rng.floats(N * r))
        expectOverwriteEqualsAccumulateIntoZero(count: N * IC, "lora dx") { d, o in
            let dA = TestBuffer(repeating: Float(0), count: r * IC), dB = TestBuffer(repeating: Float(0), count: OC * r)
            let dt = TestBuffer(repeating: Float(0), count: N * r)
            loraBackward(d, dA.pointer, dB.pointer, scratch: dt.pointer, dout.pointer, t.pointer, inp.pointer,
                         A.pointer, Bm.pointer, scale: 2, N: N, IC: IC, OC: OC, r: r, overwrite: o)
        }
    }

    /// dq, dk and dv of attention's backward, one at a time, in overwrite mode; the probabilities
    /// are NaN past each tile's width (never written by the forward) and the scratch starts NaN.
    func attentionOverwrite(B: Int, T: Int, C: Int, NH: Int, NKV: Int? = nil, rng: inout SplitMix64) {
        let NKV = NKV ?? NH
        let n = B * T * C, nKV = B * T * NKV * (C / NH)
        let q = TestBuffer(rng.floats(n)), k = TestBuffer(rng.floats(nKV)), v = TestBuffer(rng.floats(nKV))
        let g = TestBuffer(rng.floats(n))
        let out = TestBuffer(repeating: Float(0), count: n), att = TestBuffer(repeating: Float.nan, count: B * NH * T * T)
        attentionForward(out.pointer, att.pointer, q.pointer, k.pointer, v.pointer, B: B, T: T, C: C, NH: NH, NKV: NKV)
        let sizes = [n, nKV, nKV]
        for part in 0..<3 {
            expectOverwriteEqualsAccumulateIntoZero(count: sizes[part], "attention part \(part), T \(T)") { d, o in
                let others = (0..<3).map { TestBuffer(repeating: Float(0), count: sizes[$0]) }
                let ptrs = (0..<3).map { $0 == part ? d : others[$0].pointer }
                let scratch = TestBuffer(repeating: Float.nan, count: T * T)
                attentionBackward(ptrs[0], ptrs[1], ptrs[2], scratch: scratch.pointer, g.pointer, att.pointer,
                                  q.pointer, k.pointer, v.pointer, B: B, T: T, C: C, NH: NH, NKV: NKV, overwrite: o)
            }
        }
    }
}
