import Testing
import RewarmEngine

/// Seeded inp (N, C), weight (C) around 1, G (N, C); eps as Llama's `rms_norm_eps`.
private struct RMSNormCase {
    let N = 5, C = 7
    let eps: Float = 1e-5
    let inp: [Float], weight: [Float], dout: [Float]

    init(seed: UInt64, unitWeight: Bool = false) {
        var rng = SplitMix64(seed: seed)
        inp = rng.floats(N * C, -2, 2)
        weight = unitWeight ? [Float](repeating: 1, count: C) : rng.floats(C, 0.5, 1.5)
        dout = rng.floats(N * C)
    }

    func forward() -> (out: [Float], rstd: [Float]) {
        let out = TestBuffer(repeating: Float(0), count: N * C), rstd = TestBuffer(repeating: Float(0), count: N)
        let x = TestBuffer(inp), w = TestBuffer(weight)
        rmsnormForward(out.pointer, rstd.pointer, x.pointer, w.pointer, N: N, C: C, eps: eps)
        return (out.array, rstd.array)
    }

    /// rmsnormBackward `calls` times, with the rstd of the fast forward; nil dweight: pass nil.
    func backward(dinp: [Float]? = nil, dweight: [Float]?, calls: Int = 1) -> (dinp: [Float], dweight: [Float]?) {
        let di = TestBuffer(dinp ?? [Float](repeating: 0, count: N * C)), dw = dweight.map(TestBuffer.init)
        let g = TestBuffer(dout), x = TestBuffer(inp), w = TestBuffer(weight), r = TestBuffer(forward().rstd)
        for _ in 0..<calls {
            rmsnormBackward(di.pointer, dw?.pointer, g.pointer, x.pointer, w.pointer, r.pointer, N: N, C: C)
        }
        return (di.array, dw?.array)
    }

    var zeroDweight: [Float] { [Float](repeating: 0, count: C) }

    func reference(inp: [Double], weight: [Double]) -> [Double] {
        refRMSNorm(inp: inp, weight: weight, N: N, C: C, eps: Double(eps))
    }
}

@Suite("RMSNorm kernel")
struct RMSNormKernelTests {
    @Test("rmsnorm forward equals the naive Double reference, rstd included")
    func forwardMatchesReference() {
        let c = RMSNormCase(seed: 41)
        let fast = c.forward()
        expectClose(fast.out, c.reference(inp: widened(c.inp), weight: widened(c.weight)), "out")
        expectClose(fast.rstd, refRMSNormRstd(inp: widened(c.inp), N: c.N, C: c.C, eps: Double(c.eps)), "rstd")
    }

    @Test("rmsnorm backward equals central finite differences of sum(G * out)")
    func backwardMatchesFiniteDifferences() {
        let c = RMSNormCase(seed: 42)
        let x = widened(c.inp), w = widened(c.weight), G = widened(c.dout)
        let numericDinp = numericGradient(at: x) { dot(G, c.reference(inp: $0, weight: w)) }
        let numericDweight = numericGradient(at: w) { dot(G, c.reference(inp: x, weight: $0)) }
        let fast = c.backward(dweight: c.zeroDweight)
        expectCloseRelativeToMax(fast.dinp, numericDinp, "dinp")
        expectCloseRelativeToMax(fast.dweight!, numericDweight, "dweight")
    }

    @Test("rmsnorm backward adds into its gradients: two calls on R give R + 2 * one call")
    func backwardAccumulates() {
        let c = RMSNormCase(seed: 43)
        var rng = SplitMix64(seed: 433)
        let R1 = rng.floats(c.N * c.C), R2 = rng.floats(c.C)
        let once = c.backward(dweight: c.zeroDweight)
        let twice = c.backward(dinp: R1, dweight: R2, calls: 2)
        expectClose(twice.dinp, plus(R1, scaled(widened(once.dinp), by: 2)), "dinp")
        expectClose(twice.dweight!, plus(R2, scaled(widened(once.dweight!), by: 2)), "dweight")
    }

    @Test("rmsnorm backward with a nil dweight (frozen norm) still computes the same dinp")
    func backwardSkipsNilWeightGradient() {
        let c = RMSNormCase(seed: 44)
        let both = c.backward(dweight: c.zeroDweight)
        let frozen = c.backward(dweight: nil)
        #expect(frozen.dweight == nil)
        #expect(frozen.dinp == both.dinp)
        #expect(both.dweight!.contains { $0 != 0 })
    }

    @Test("rmsnorm with a unit weight gives rows whose mean square is mean(x^2) / (mean(x^2) + eps)")
    func unitWeightRowsHaveMeanSquareNearOne() {
        let c = RMSNormCase(seed: 45, unitWeight: true)
        let out = c.forward().out
        func meanSquare(_ a: [Float], row n: Int) -> Double {
            a[(n * c.C)..<((n + 1) * c.C)].reduce(0) { $0 + Double($1) * Double($1) } / Double(c.C)
        }
        let actual = (0..<c.N).map { meanSquare(out, row: $0) }
        let expected = (0..<c.N).map { n in
            let ms = meanSquare(c.inp, row: n)
            return ms / (ms + Double(c.eps))  // 1 up to eps
        }
        expectClose(actual, expected, rel: 1e-5, abs: 0, "mean square of each output row")
    }
}
