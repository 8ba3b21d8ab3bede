import Foundation
import Testing
import RewarmEngine

/// Seeded inp and G (B, T, NH, hs) and the tables of `theta` for T positions.
private struct RotaryCase {
    let B: Int, T: Int, NH: Int, hs: Int
    let theta: Double
    let tables: RotaryTables
    let inp: [Float], dout: [Float]

    init(seed: UInt64, B: Int = 2, T: Int = 5, NH: Int = 2, hs: Int = 6, theta: Double = 10_000, inp fixed: [Float]? = nil) {
        (self.B, self.T, self.NH, self.hs, self.theta) = (B, T, NH, hs, theta)
        tables = RotaryTables(maxLength: T, headDim: hs, theta: theta)
        var rng = SplitMix64(seed: seed)
        inp = fixed ?? rng.floats(B * T * NH * hs)
        dout = rng.floats(B * T * NH * hs)
    }

    /// rotaryForward out of place, or in place (out == inp) with `inPlace`.
    func forward(inPlace: Bool = false) -> [Float] {
        let x = TestBuffer(inp), cos = TestBuffer(tables.cos), sin = TestBuffer(tables.sin)
        let out = inPlace ? x : TestBuffer(repeating: Float(0), count: inp.count)
        rotaryForward(out.pointer, x.pointer, cos: cos.pointer, sin: sin.pointer, B: B, T: T, NH: NH, hs: hs)
        return out.array
    }

    /// rotaryBackward `calls` times with the given upstream gradient (default G).
    func backward(dinp: [Float]? = nil, dout upstream: [Float]? = nil, calls: Int = 1) -> [Float] {
        let dx = TestBuffer(dinp ?? [Float](repeating: 0, count: inp.count)), g = TestBuffer(upstream ?? dout)
        let cos = TestBuffer(tables.cos), sin = TestBuffer(tables.sin)
        for _ in 0..<calls {
            rotaryBackward(dx.pointer, g.pointer, cos: cos.pointer, sin: sin.pointer, B: B, T: T, NH: NH, hs: hs)
        }
        return dx.array
    }

    func reference(_ x: [Double]) -> [Double] { refRotary(inp: x, B: B, T: T, NH: NH, hs: hs, theta: theta) }
}

@Suite("Rotary kernel")
struct RotaryKernelTests {
    @Test("rotary tables hold cos and sin of t * theta^(-2i/hs) computed in Double")
    func tablesMatchDoubleAngles() {
        let (T, hs, theta) = (16, 6, 10_000.0)
        let tables = RotaryTables(maxLength: T, headDim: hs, theta: theta)
        #expect(tables.cos.count == T * hs / 2 && tables.sin.count == T * hs / 2)
        #expect(tables.maxLength == T && tables.headDim == hs)
        var cos = [Double](), sin = [Double]()
        for t in 0..<T {
            for i in 0..<(hs / 2) {
                let angle = refRotaryAngle(t: t, i: i, hs: hs, theta: theta)
                cos.append(Foundation.cos(angle))
                sin.append(Foundation.sin(angle))
            }
        }
        // float32 inverse frequencies (as transformers) shift angle 15 by about 1e-6
        expectClose(tables.cos, cos, rel: 0, abs: 1e-5, "cos")
        expectClose(tables.sin, sin, rel: 0, abs: 1e-5, "sin")
    }

    @Test("rotary forward equals the naive Double reference")
    func forwardMatchesReference() {
        let c = RotaryCase(seed: 51)
        expectClose(c.forward(), c.reference(widened(c.inp)), "out")
    }

    @Test("rotary pairs element i with element i + hs/2, as Hugging Face rotate_half does")
    func pairsFollowRotateHalf() {
        // hs = 4, theta = 10000: inverse frequencies 1 and 0.01; at t = 1, x = e0 turns by 1 rad
        // into (cos 1, 0, sin 1, 0); the interleaved (GPT-J) pairing would give (cos 1, sin 1, 0, 0).
        let x: [Float] = [9, 9, 9, 9, 1, 0, 0, 0]
        let c = RotaryCase(seed: 52, B: 1, T: 2, NH: 1, hs: 4, inp: x)
        let out = c.forward()
        expectClose(Array(out[4...]), [Foundation.cos(1.0), 0, Foundation.sin(1.0), 0], "position 1")
    }

    @Test("rotary backward equals central finite differences of sum(G * out)")
    func backwardMatchesFiniteDifferences() {
        let c = RotaryCase(seed: 53)
        let G = widened(c.dout)
        let numeric = numericGradient(at: widened(c.inp)) { dot(G, c.reference($0)) }
        expectCloseRelativeToMax(c.backward(), numeric, "dinp")
    }

    @Test("rotary backward adds into dinp: two calls on R give R + 2 * one call")
    func backwardAccumulates() {
        let c = RotaryCase(seed: 54)
        var rng = SplitMix64(seed: 544)
        let R = rng.floats(c.inp.count)
        expectClose(c.backward(dinp: R, calls: 2), plus(R, scaled(widened(c.backward()), by: 2)), "dinp")
    }

    @Test("rotary at position 0 is the identity")
    func positionZeroIsIdentity() {
        let c = RotaryCase(seed: 55)
        #expect(c.tables.cos[0..<(c.hs / 2)].allSatisfy { $0 == 1 })
        #expect(c.tables.sin[0..<(c.hs / 2)].allSatisfy { $0 == 0 })
        let out = c.forward()
        let C = c.NH * c.hs
        for b in 0..<c.B {
            let row = (b * c.T) * C
            #expect(Array(out[row..<(row + C)]) == Array(c.inp[row..<(row + C)]), "batch row \(b)")
        }
    }

    @Test("rotary preserves the norm of every (i, i + hs/2) pair")
    func preservesPairNorms() {
        let c = RotaryCase(seed: 56)
        let out = c.forward()
        var before = [Double](), after = [Double]()
        let half = c.hs / 2
        for head in stride(from: 0, to: c.inp.count, by: c.hs) {
            for i in 0..<half {
                let (a, b) = (head + i, head + i + half)
                before.append((Double(c.inp[a]) * Double(c.inp[a]) + Double(c.inp[b]) * Double(c.inp[b])).squareRoot())
                after.append((Double(out[a]) * Double(out[a]) + Double(out[b]) * Double(out[b])).squareRoot())
            }
        }
        expectClose(after, before, rel: 1e-6, abs: 1e-7, "pair norms")
    }

    @Test("rotary forward in place (out == inp) gives the out-of-place result")
    func forwardInPlace() {
        let c = RotaryCase(seed: 57)
        #expect(c.forward(inPlace: true) == c.forward())
    }

    @Test("rotary backward of the forward output gives back the input (the rotation is orthogonal)")
    func backwardInvertsForward() {
        let c = RotaryCase(seed: 58)
        expectClose(c.backward(dout: c.forward()), c.inp, "R^T R x")
    }
}
