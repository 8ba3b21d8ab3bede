import Testing
import RewarmEngine

/// Seeded gate, up, G of `count` floats; gates span both signs well past the sigmoid's knee.
private struct SwiGLUCase {
    let count = 13
    let gate: [Float], up: [Float], dout: [Float]

    init(seed: UInt64, gate fixed: [Float]? = nil) {
        var rng = SplitMix64(seed: seed)
        gate = fixed ?? rng.floats(count, -4, 4)
        up = rng.floats(gate.count)
        dout = rng.floats(gate.count)
    }

    func forward() -> [Float] {
        let out = TestBuffer(repeating: Float(0), count: gate.count)
        let g = TestBuffer(gate), u = TestBuffer(up)
        swigluForward(out.pointer, g.pointer, u.pointer, count: gate.count)
        return out.array
    }

    func backward(dgate: [Float]? = nil, dup: [Float]? = nil, calls: Int = 1) -> (dgate: [Float], dup: [Float]) {
        let zero = [Float](repeating: 0, count: gate.count)
        let dg = TestBuffer(dgate ?? zero), du = TestBuffer(dup ?? zero)
        let g = TestBuffer(gate), u = TestBuffer(up), d = TestBuffer(dout)
        for _ in 0..<calls { swigluBackward(dg.pointer, du.pointer, d.pointer, g.pointer, u.pointer, count: gate.count) }
        return (dg.array, du.array)
    }
}

@Suite("SwiGLU kernel")
struct SwiGLUKernelTests {
    @Test("swiglu forward equals the naive Double reference")
    func forwardMatchesReference() {
        let c = SwiGLUCase(seed: 31)
        expectClose(c.forward(), refSwiGLU(gate: widened(c.gate), up: widened(c.up)), "out")
    }

    @Test("swiglu backward equals central finite differences of sum(G * out)")
    func backwardMatchesFiniteDifferences() {
        let c = SwiGLUCase(seed: 32)
        let g = widened(c.gate), u = widened(c.up), G = widened(c.dout)
        let numericDgate = numericGradient(at: g) { dot(G, refSwiGLU(gate: $0, up: u)) }
        let numericDup = numericGradient(at: u) { dot(G, refSwiGLU(gate: g, up: $0)) }
        let fast = c.backward()
        expectCloseRelativeToMax(fast.dgate, numericDgate, "dgate")
        expectCloseRelativeToMax(fast.dup, numericDup, "dup")
    }

    @Test("swiglu backward adds into both gradients: two calls on R give R + 2 * one call")
    func backwardAccumulates() {
        let c = SwiGLUCase(seed: 33)
        var rng = SplitMix64(seed: 333)
        let R1 = rng.floats(c.count), R2 = rng.floats(c.count)
        let once = c.backward()
        let twice = c.backward(dgate: R1, dup: R2, calls: 2)
        expectClose(twice.dgate, plus(R1, scaled(widened(once.dgate), by: 2)), "dgate")
        expectClose(twice.dup, plus(R2, scaled(widened(once.dup), by: 2)), "dup")
    }

    @Test("swiglu stays finite and matches the reference for gates of magnitude up to 100")
    func extremeGatesStayFinite() {
        let c = SwiGLUCase(seed: 34, gate: [-100, -90, -50, -20, 0, 20, 50, 90, 100])
        let out = c.forward()
        let grads = c.backward()
        #expect((out + grads.dgate + grads.dup).allSatisfy { $0.isFinite })
        expectClose(out, refSwiGLU(gate: widened(c.gate), up: widened(c.up)), "out")
    }
}
