import Testing
import RewarmEngine

/// Seeded inputs of one linear layer: inp (N, IC), weight (OC, IC), upstream gradient G (N, OC).
private struct MatmulCase {
    let N = 5, IC = 7, OC = 3
    let inp: [Float], weight: [Float], dout: [Float]

    init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        inp = rng.floats(N * IC)
        weight = rng.floats(OC * IC)
        dout = rng.floats(N * OC)
    }

    /// matmulForward on `out`'s initial contents.
    func forward(out initial: [Float]? = nil, accumulate: Bool = false) -> [Float] {
        let out = TestBuffer(initial ?? [Float](repeating: 0, count: N * OC))
        let i = TestBuffer(inp), w = TestBuffer(weight)
        matmulForward(out.pointer, i.pointer, w.pointer, N: N, IC: IC, OC: OC, accumulate: accumulate)
        return out.array
    }

    /// matmulBackward `calls` times into gradients starting at the given contents (nil: pass nil).
    func backward(dinp: [Float]?, dweight: [Float]?, calls: Int = 1) -> (dinp: [Float]?, dweight: [Float]?) {
        let di = dinp.map(TestBuffer.init), dw = dweight.map(TestBuffer.init)
        let g = TestBuffer(dout), i = TestBuffer(inp), w = TestBuffer(weight)
        for _ in 0..<calls {
            matmulBackward(di?.pointer, dw?.pointer, g.pointer, i.pointer, w.pointer, N: N, IC: IC, OC: OC)
        }
        return (di?.array, dw?.array)
    }

    var zeroDinp: [Float] { [Float](repeating: 0, count: N * IC) }
    var zeroDweight: [Float] { [Float](repeating: 0, count: OC * IC) }

    func reference(inp: [Double], weight: [Double]) -> [Double] {
        refMatmul(inp: inp, weight: weight, N: N, IC: IC, OC: OC)
    }
}

@Suite("Matmul kernel")
struct MatmulKernelTests {
    @Test("matmul forward equals the naive Double reference")
    func forwardMatchesReference() {
        let c = MatmulCase(seed: 1)
        expectClose(c.forward(), c.reference(inp: widened(c.inp), weight: widened(c.weight)), "out")
    }

    @Test("matmul backward equals central finite differences of sum(G * out)")
    func backwardMatchesFiniteDifferences() {
        let c = MatmulCase(seed: 2)
        let x = widened(c.inp), w = widened(c.weight), G = widened(c.dout)
        let numericDinp = numericGradient(at: x) { dot(G, c.reference(inp: $0, weight: w)) }
        let numericDweight = numericGradient(at: w) { dot(G, c.reference(inp: x, weight: $0)) }
        let fast = c.backward(dinp: c.zeroDinp, dweight: c.zeroDweight)
        expectCloseRelativeToMax(fast.dinp!, numericDinp, "dinp")
        expectCloseRelativeToMax(fast.dweight!, numericDweight, "dweight")
    }

    @Test("matmul backward adds into its gradients: two calls on R give R + 2 * one call")
    func backwardAccumulates() {
        let c = MatmulCase(seed: 3)
        var rng = SplitMix64(seed: 33)
        let R1 = rng.floats(c.N * c.IC), R2 = rng.floats(c.OC * c.IC)
        let once = c.backward(dinp: c.zeroDinp, dweight: c.zeroDweight)
        let twice = c.backward(dinp: R1, dweight: R2, calls: 2)
        expectClose(twice.dinp!, plus(R1, scaled(widened(once.dinp!), by: 2)), "dinp")
        expectClose(twice.dweight!, plus(R2, scaled(widened(once.dweight!), by: 2)), "dweight")
    }

    @Test("matmul backward with a nil dweight still computes dinp, and with a nil dinp still computes dweight")
    func backwardSkipsNilGradients() {
        let c = MatmulCase(seed: 4)
        let both = c.backward(dinp: c.zeroDinp, dweight: c.zeroDweight)
        let inputOnly = c.backward(dinp: c.zeroDinp, dweight: nil)
        let weightOnly = c.backward(dinp: nil, dweight: c.zeroDweight)
        #expect(inputOnly.dweight == nil && weightOnly.dinp == nil)
        #expect(inputOnly.dinp == both.dinp)
        #expect(weightOnly.dweight == both.dweight)
        #expect(both.dinp!.contains { $0 != 0 } && both.dweight!.contains { $0 != 0 })
    }

    @Test("matmul forward with accumulate adds to out; without it, out's old contents are ignored")
    func forwardAccumulateFlag() {
        let c = MatmulCase(seed: 5)
        var rng = SplitMix64(seed: 55)
        let R = rng.floats(c.N * c.OC, -100, 100)
        let product = c.reference(inp: widened(c.inp), weight: widened(c.weight))
        expectClose(c.forward(out: R, accumulate: true), plus(R, product), rel: 1e-5, abs: 1e-4, "out += product")
        expectClose(c.forward(out: R, accumulate: false), product, "out = product")
        let stale = [Float](repeating: .nan, count: c.N * c.OC)
        expectClose(c.forward(out: stale, accumulate: false), product, "out = product over NaN")
    }
}
