import Testing
import RewarmEngine

/// Seeded a, b, G of `count` floats.
private struct ResidualCase {
    let count = 11
    let a: [Float], b: [Float], dout: [Float]

    init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        a = rng.floats(count)
        b = rng.floats(count)
        dout = rng.floats(count)
    }

    func forward() -> [Float] {
        let out = TestBuffer(repeating: Float(0), count: count)
        let x = TestBuffer(a), y = TestBuffer(b)
        residualForward(out.pointer, x.pointer, y.pointer, count: count)
        return out.array
    }

    func backward(da: [Float]? = nil, db: [Float]? = nil, calls: Int = 1) -> (da: [Float], db: [Float]) {
        let zero = [Float](repeating: 0, count: count)
        let dx = TestBuffer(da ?? zero), dy = TestBuffer(db ?? zero), g = TestBuffer(dout)
        for _ in 0..<calls { residualBackward(dx.pointer, dy.pointer, g.pointer, count: count) }
        return (dx.array, dy.array)
    }
}

@Suite("Residual kernel")
struct ResidualKernelTests {
    @Test("residual forward equals the naive Double reference")
    func forwardMatchesReference() {
        let c = ResidualCase(seed: 21)
        expectClose(c.forward(), refResidual(a: widened(c.a), b: widened(c.b)), "out")
    }

    @Test("residual backward equals central finite differences of sum(G * out)")
    func backwardMatchesFiniteDifferences() {
        let c = ResidualCase(seed: 22)
        let a = widened(c.a), b = widened(c.b), G = widened(c.dout)
        let numericDa = numericGradient(at: a) { dot(G, refResidual(a: $0, b: b)) }
        let numericDb = numericGradient(at: b) { dot(G, refResidual(a: a, b: $0)) }
        let fast = c.backward()
        expectCloseRelativeToMax(fast.da, numericDa, "da")
        expectCloseRelativeToMax(fast.db, numericDb, "db")
    }

    @Test("residual backward adds into both gradients: two calls on R give R + 2 * dout")
    func backwardAccumulates() {
        let c = ResidualCase(seed: 23)
        var rng = SplitMix64(seed: 233)
        let R1 = rng.floats(c.count), R2 = rng.floats(c.count)
        let twice = c.backward(da: R1, db: R2, calls: 2)
        let twoG = scaled(widened(c.dout), by: 2)
        expectClose(twice.da, plus(R1, twoG), "da")
        expectClose(twice.db, plus(R2, twoG), "db")
    }
}
