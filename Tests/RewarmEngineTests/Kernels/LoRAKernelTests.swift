import Testing
import RewarmEngine

/// Seeded x (N, IC), A (r, IC), B (OC, r), the base output R (N, OC) the branch adds to, G (N, OC).
private struct LoRACase {
    let N = 5, IC = 7, OC = 3, r = 2
    let scale: Float = 1.5  // alpha / r
    let x: [Float], A: [Float], base: [Float], dout: [Float]
    var B: [Float]

    init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        x = rng.floats(N * IC)
        A = rng.floats(r * IC)
        B = rng.floats(OC * r)
        base = rng.floats(N * OC)
        dout = rng.floats(N * OC)
    }

    /// loraForward onto the base output: (out, t).
    func forward() -> (out: [Float], t: [Float]) {
        let out = TestBuffer(base), t = TestBuffer(repeating: Float.nan, count: N * r)
        let xb = TestBuffer(x), a = TestBuffer(A), b = TestBuffer(B)
        loraForward(out.pointer, t.pointer, xb.pointer, a.pointer, b.pointer, scale: scale, N: N, IC: IC, OC: OC, r: r)
        return (out.array, t.array)
    }

    /// loraBackward `calls` times into gradients starting at the given contents (dx nil: pass nil),
    /// with t from the fast forward.
    func backward(dx: [Float]?, dA: [Float]? = nil, dB: [Float]? = nil, calls: Int = 1)
        -> (dx: [Float]?, dA: [Float], dB: [Float])
    {
        let dxb = dx.map(TestBuffer.init)
        let da = TestBuffer(dA ?? [Float](repeating: 0, count: r * IC))
        let db = TestBuffer(dB ?? [Float](repeating: 0, count: OC * r))
        let scratch = TestBuffer(repeating: Float.nan, count: N * r)
        let g = TestBuffer(dout), t = TestBuffer(forward().t)
        let xb = TestBuffer(x), a = TestBuffer(A), b = TestBuffer(B)
        for _ in 0..<calls {
            loraBackward(
                dxb?.pointer, da.pointer, db.pointer, scratch: scratch.pointer, g.pointer, t.pointer,
                xb.pointer, a.pointer, b.pointer, scale: scale, N: N, IC: IC, OC: OC, r: r)
        }
        return (dxb?.array, da.array, db.array)
    }

    var zeroDx: [Float] { [Float](repeating: 0, count: N * IC) }

    func reference(x: [Double], A: [Double], B: [Double]) -> [Double] {
        refLoRA(x: x, A: A, B: B, scale: Double(scale), N: N, IC: IC, OC: OC, r: r)
    }
}

@Suite("LoRA kernel")
struct LoRAKernelTests {
    @Test("lora forward adds the naive Double reference branch to out and keeps t = x A^T")
    func forwardMatchesReference() {
        let c = LoRACase(seed: 81)
        let fast = c.forward()
        let x = widened(c.x), A = widened(c.A)
        expectClose(fast.out, plus(c.base, c.reference(x: x, A: A, B: widened(c.B))), "out")
        expectClose(fast.t, refMatmul(inp: x, weight: A, N: c.N, IC: c.IC, OC: c.r), "t")
    }

    @Test("lora backward equals central finite differences of sum(G * out) for x, A and B")
    func backwardMatchesFiniteDifferences() {
        let c = LoRACase(seed: 82)
        let x = widened(c.x), A = widened(c.A), B = widened(c.B), G = widened(c.dout)
        let numericDx = numericGradient(at: x) { dot(G, c.reference(x: $0, A: A, B: B)) }
        let numericDA = numericGradient(at: A) { dot(G, c.reference(x: x, A: $0, B: B)) }
        let numericDB = numericGradient(at: B) { dot(G, c.reference(x: x, A: A, B: $0)) }
        let fast = c.backward(dx: c.zeroDx)
        expectCloseRelativeToMax(fast.dx!, numericDx, "dx")
        expectCloseRelativeToMax(fast.dA, numericDA, "dA")
        expectCloseRelativeToMax(fast.dB, numericDB, "dB")
    }

    @Test("lora backward adds into dx, dA, dB: two calls on R give R + 2 * one call")
    func backwardAccumulates() {
        let c = LoRACase(seed: 83)
        var rng = SplitMix64(seed: 833)
        let R1 = rng.floats(c.N * c.IC), R2 = rng.floats(c.r * c.IC), R3 = rng.floats(c.OC * c.r)
        let once = c.backward(dx: c.zeroDx)
        let twice = c.backward(dx: R1, dA: R2, dB: R3, calls: 2)
        expectClose(twice.dx!, plus(R1, scaled(widened(once.dx!), by: 2)), "dx")
        expectClose(twice.dA, plus(R2, scaled(widened(once.dA), by: 2)), "dA")
        expectClose(twice.dB, plus(R3, scaled(widened(once.dB), by: 2)), "dB")
    }

    @Test("lora backward with a nil dx still computes the same dA and dB")
    func backwardSkipsNilInputGradient() {
        let c = LoRACase(seed: 84)
        let full = c.backward(dx: c.zeroDx)
        let adapterOnly = c.backward(dx: nil)
        #expect(adapterOnly.dx == nil)
        #expect(adapterOnly.dA == full.dA)
        #expect(adapterOnly.dB == full.dB)
        #expect(full.dx!.contains { $0 != 0 })
    }

    @Test("lora with B = 0 (its initialisation) adds nothing to out and gives A no gradient, but B one")
    func zeroBAddsNothing() {
        var c = LoRACase(seed: 85)
        c.B = [Float](repeating: 0, count: c.OC * c.r)
        #expect(c.forward().out == c.base)
        let grads = c.backward(dx: c.zeroDx)
        #expect(grads.dA.allSatisfy { $0 == 0 })
        #expect(grads.dx!.allSatisfy { $0 == 0 })
        let x = widened(c.x), A = widened(c.A), G = widened(c.dout)
        let numericDB = numericGradient(at: widened(c.B)) { dot(G, c.reference(x: x, A: A, B: $0)) }
        expectCloseRelativeToMax(grads.dB, numericDB, "dB")
    }
}
