import Testing
@testable import RewarmEngine

/// Seeded q and G (B, T, C), k and v (B, T, KV): NH heads of hs = C / NH channels, NKV
/// key/value heads (KV = NKV * hs; NKV = NH unless given).
struct AttentionCase {
    let B: Int, T: Int, C: Int, NH: Int, NKV: Int
    var q: [Float], k: [Float], v: [Float], dout: [Float]
    var KV: Int { NKV * (C / NH) }

    init(seed: UInt64, B: Int = 2, T: Int = 5, C: Int = 8, NH: Int = 2, NKV: Int? = nil) {
        (self.B, self.T, self.C, self.NH, self.NKV) = (B, T, C, NH, NKV ?? NH)
        let KV = (NKV ?? NH) * (C / NH)
        var rng = SplitMix64(seed: seed)
        q = rng.floats(B * T * C, -1.5, 1.5)
        k = rng.floats(B * T * KV, -1.5, 1.5)
        v = rng.floats(B * T * KV)
        dout = rng.floats(B * T * C)
    }

    func forward() -> (out: [Float], att: [Float]) {
        let out = TestBuffer(repeating: Float(0), count: B * T * C)
        // NaN where the forward need not write (past each tile's width): a read of one spreads
        let att = TestBuffer(repeating: Float.nan, count: B * NH * T * T)
        let qb = TestBuffer(q), kb = TestBuffer(k), vb = TestBuffer(v)
        attentionForward(out.pointer, att.pointer, qb.pointer, kb.pointer, vb.pointer, B: B, T: T, C: C, NH: NH,
                         NKV: NKV)
        return (out.array, att.array)
    }

    /// attentionBackward `calls` times into gradients starting at `initial` (zeros when nil),
    /// with the probabilities of the fast forward and the upstream gradient `upstream` (G when nil).
    func backward(
        initial: (dq: [Float], dk: [Float], dv: [Float])? = nil, dout upstream: [Float]? = nil, calls: Int = 1
    ) -> (dq: [Float], dk: [Float], dv: [Float]) {
        let zero = [Float](repeating: 0, count: B * T * C), zeroKV = [Float](repeating: 0, count: B * T * KV)
        let dq = TestBuffer(initial?.dq ?? zero), dk = TestBuffer(initial?.dk ?? zeroKV)
        let dv = TestBuffer(initial?.dv ?? zeroKV)
        let scratch = TestBuffer(repeating: Float.nan, count: T * T)
        let g = TestBuffer(upstream ?? dout), att = TestBuffer(forward().att)
        let qb = TestBuffer(q), kb = TestBuffer(k), vb = TestBuffer(v)
        for _ in 0..<calls {
            attentionBackward(
                dq.pointer, dk.pointer, dv.pointer, scratch: scratch.pointer, g.pointer, att.pointer,
                qb.pointer, kb.pointer, vb.pointer, B: B, T: T, C: C, NH: NH, NKV: NKV)
        }
        return (dq.array, dk.array, dv.array)
    }

    func reference(q: [Double], k: [Double], v: [Double]) -> [Double] {
        refAttention(q: q, k: k, v: v, B: B, T: T, C: C, NH: NH, NKV: NKV)
    }

    /// The keys query t's tile scores against: the entries of its row of `att` the forward writes.
    func width(_ t: Int) -> Int { causalTiles(T: T).first { $0.end > t }!.width }

    /// `att` with the entries the forward leaves unwritten (NaN, past each row's `width`) as 0,
    /// as the reference has them; fails if one of them was written.
    func written(_ att: [Float]) -> [Float] {
        att.enumerated().map { i, p in
            guard i % T >= width((i / T) % T) else { return p }
            #expect(p.isNaN, "att entry \(i) past its tile's width was written")
            return 0
        }
    }

    /// Flat indices of positions `range` of batch row b, all channels of a (B, T, width) tensor
    /// (width C unless given: KV for k and v).
    func indices(b: Int, positions range: Range<Int>, width: Int? = nil) -> [Int] {
        let w = width ?? C
        return range.flatMap { t in ((b * T + t) * w)..<((b * T + t + 1) * w) }
    }
}

@Suite("Attention kernel")
struct AttentionKernelTests {
    @Test("attention forward equals the naive Double reference, probabilities included, on one ragged tile, on tiles crossing a 16-key panel, and on heads of 32 channels",
          arguments: AttentionShape.all)
    func forwardMatchesReference(shape: AttentionShape) {
        let c = AttentionCase(seed: 61, shape: shape)
        let fast = c.forward()
        let q = widened(c.q), k = widened(c.k), v = widened(c.v)
        expectClose(fast.out, c.reference(q: q, k: k, v: v), "out")
        expectClose(c.written(fast.att), refAttentionProbabilities(q: q, k: k, B: c.B, T: c.T, C: c.C, NH: c.NH,
                                                                   NKV: c.NKV), "att")
    }

    @Test("attention forward equals the reference with three heads of odd size over seven positions")
    func forwardMatchesReferenceOddHeads() {
        let c = AttentionCase(seed: 62, B: 1, T: 7, C: 9, NH: 3)
        expectClose(c.forward().out, c.reference(q: widened(c.q), k: widened(c.k), v: widened(c.v)), "out")
    }

    @Test("attention backward equals central finite differences of sum(G * out) for q, k and v, on every tile shape",
          arguments: AttentionShape.all)
    func backwardMatchesFiniteDifferences(shape: AttentionShape) {
        let c = AttentionCase(seed: 63, shape: shape)
        let q = widened(c.q), k = widened(c.k), v = widened(c.v), G = widened(c.dout)
        let numericDq = numericGradient(at: q) { dot(G, c.reference(q: $0, k: k, v: v)) }
        let numericDk = numericGradient(at: k) { dot(G, c.reference(q: q, k: $0, v: v)) }
        let numericDv = numericGradient(at: v) { dot(G, c.reference(q: q, k: k, v: $0)) }
        let fast = c.backward()
        expectCloseRelativeToMax(fast.dq, numericDq, "dq")
        expectCloseRelativeToMax(fast.dk, numericDk, "dk")
        expectCloseRelativeToMax(fast.dv, numericDv, "dv")
    }

    @Test("attention backward adds into dq, dk, dv: two calls on R give R + 2 * one call", arguments: AttentionShape.all)
    func backwardAccumulates(shape: AttentionShape) {
        let c = AttentionCase(seed: 64, shape: shape)
        var rng = SplitMix64(seed: 644)
        let n = c.B * c.T * c.C, nKV = c.B * c.T * c.KV
        let R = (dq: rng.floats(n), dk: rng.floats(nKV), dv: rng.floats(nKV))
        let once = c.backward()
        let twice = c.backward(initial: R, calls: 2)
        expectClose(twice.dq, plus(R.dq, scaled(widened(once.dq), by: 2)), "dq")
        expectClose(twice.dk, plus(R.dk, scaled(widened(once.dk), by: 2)), "dk")
        expectClose(twice.dv, plus(R.dv, scaled(widened(once.dv), by: 2)), "dv")
    }

    @Test("attention probability rows sum to 1 and are exactly 0 above the diagonal up to their tile's width, which the backward reads",
          arguments: AttentionShape.all)
    func probabilitiesAreCausalDistributions(shape: AttentionShape) {
        let c = AttentionCase(seed: 65, shape: shape)
        let att = c.forward().att
        var sums = [Double]()
        for row in 0..<(c.B * c.NH * c.T) {
            let t = row % c.T
            let p = att[(row * c.T)..<(row * c.T + c.width(t))]
            sums.append(p.reduce(0) { $0 + Double($1) })
            #expect(p.dropFirst(t + 1).allSatisfy { $0 == 0 }, "row \(row) (t = \(t)) looks ahead")
            #expect(p.prefix(t + 1).allSatisfy { $0 > 0 }, "row \(row) (t = \(t)) drops a visible position")
        }
        expectClose(sums, [Double](repeating: 1, count: sums.count), rel: 0, abs: 1e-6, "row sums")
    }

    @Test("attention output at position t does not change when k and v after t change")
    func outputIsCausal() {
        let original = AttentionCase(seed: 66)
        let t0 = 2
        var perturbed = original
        var rng = SplitMix64(seed: 666)
        for i in original.indices(b: 0, positions: (t0 + 1)..<original.T) {
            perturbed.k[i] += rng.uniform(1, 3)
            perturbed.v[i] += rng.uniform(1, 3)
        }
        let before = original.forward().out, after = perturbed.forward().out
        let past = original.indices(b: 0, positions: 0..<(t0 + 1))
        let future = original.indices(b: 0, positions: (t0 + 1)..<original.T)
        let otherRow = original.indices(b: 1, positions: 0..<original.T)
        expectClose(past.map { after[$0] }, past.map { before[$0] }, rel: 0, abs: 1e-6, "positions <= t")
        expectClose(otherRow.map { after[$0] }, otherRow.map { before[$0] }, rel: 0, abs: 0, "batch row 1")
        #expect(future.contains { after[$0] != before[$0] }, "the perturbation must reach later positions")
    }

    @Test("attention backward sends no gradient to positions after the last one with an upstream gradient", arguments: AttentionShape.all)
    func backwardIsCausal(shape: AttentionShape) {
        let c = AttentionCase(seed: 67, shape: shape)
        let t0 = 2
        let future = Set((0..<c.B).flatMap { c.indices(b: $0, positions: (t0 + 1)..<c.T) })
        let futureKV = Set((0..<c.B).flatMap { c.indices(b: $0, positions: (t0 + 1)..<c.T, width: c.KV) })
        let upstream = c.dout.indices.map { future.contains($0) ? 0 : c.dout[$0] }
        let grads = c.backward(dout: upstream)
        for (name, g, future) in [("dq", grads.dq, future), ("dk", grads.dk, futureKV), ("dv", grads.dv, futureKV)] {
            #expect(future.allSatisfy { g[$0] == 0 }, "\(name) reaches a position after t0")
            #expect(g.indices.contains { !future.contains($0) && g[$0] != 0 }, "\(name) is zero everywhere")
        }
    }

    @Test("attention over a single position returns v")
    func singlePositionReturnsValues() {
        let c = AttentionCase(seed: 68, B: 2, T: 1, C: 8, NH: 2)
        let fast = c.forward()
        #expect(fast.att.allSatisfy { $0 == 1 })
        expectClose(fast.out, c.v, rel: 1e-6, abs: 0, "out")
    }

    @Test("causal tiles take every query once, 6 at a time, and score each tile against at most 15 keys past its last query")
    func causalTilesFollowTheMask() {
        for T in [1, 5, 16, 20, 128, 151] {
            let tiles = causalTiles(T: T)
            #expect(tiles.flatMap { Array($0.start..<$0.end) } == Array(0..<T), "T = \(T)")
            for tile in tiles {
                #expect(tile.rows <= 6 && tile.rows > 0)
                #expect(tile.width >= tile.end && tile.width <= T && tile.width - tile.end < 16, "T = \(T), tile at \(tile.start)")
            }
        }
        // on T = 128 the scores cover under 60% of the square (the earlier blocks of 64: 75%)
        let scored = causalTiles(T: 128).reduce(0) { $0 + $1.rows * $1.width }
        #expect(Double(scored) / Double(128 * 128) < 0.6)
    }

    @Test("attention over 151 positions of heads of 32 channels equals the reference, and its gradients the reference's directional derivatives")
    func longSequenceMatchesReference() {
        let c = AttentionCase(seed: 69, B: 1, T: 151, C: 64, NH: 2)
        c.expectForwardAndGradientsMatchReference(directionSeed: 699)
    }
}

/// Attention sizes that reach every path of the tiled kernels.
struct AttentionShape: Sendable, CustomTestStringConvertible {
    let B: Int, T: Int, C: Int, NH: Int
    var NKV: Int? = nil
    var testDescription: String { "B \(B) T \(T) C \(C) NH \(NH)" + (NKV.map { " NKV \($0)" } ?? "") }

    static let all = [
        // one ragged tile of 5 queries; heads of 4 channels (padded copies)
        AttentionShape(B: 2, T: 5, C: 8, NH: 2),
        // 4 tiles, the last of 2 queries, widths crossing the 16-key panel at T = 20; heads of 3
        AttentionShape(B: 1, T: 20, C: 6, NH: 2),
        // heads of 32 channels: 2 whole 16-column panels, no padding
        AttentionShape(B: 2, T: 8, C: 32, NH: 1),
        // grouped-query attention: 4 query heads on 2 key/value heads, 2 ragged tiles
        AttentionShape(B: 2, T: 7, C: 16, NH: 4, NKV: 2),
        // 6 query heads on 1 key/value head (multi-query), tiles crossing a 16-key panel; heads of 2
        AttentionShape(B: 1, T: 19, C: 12, NH: 6, NKV: 1),
    ]
}

extension AttentionCase {
    init(seed: UInt64, shape s: AttentionShape) {
        self.init(seed: seed, B: s.B, T: s.T, C: s.C, NH: s.NH, NKV: s.NKV)
    }
}

extension AttentionCase {
    /// The kernel's output equals the Double reference, and each of dQ, dK, dV matches the
    /// reference's directional derivative along a random direction (central differences, h = 1e-4).
    func expectForwardAndGradientsMatchReference(directionSeed: UInt64) {
        let q = widened(self.q), k = widened(self.k), v = widened(self.v), G = widened(dout)
        expectClose(forward().out, reference(q: q, k: k, v: v), "out")
        let fast = backward()
        var rng = SplitMix64(seed: directionSeed)
        let h = 1e-4
        for (name, x, grad) in [("dq", q, fast.dq), ("dk", k, fast.dk), ("dv", v, fast.dv)] {
            let u = widened(rng.floats(x.count))
            func loss(_ t: Double) -> Double {
                let moved = zip(x, u).map { $0 + t * $1 }
                return switch name {
                case "dq": dot(G, reference(q: moved, k: k, v: v))
                case "dk": dot(G, reference(q: q, k: moved, v: v))
                default: dot(G, reference(q: q, k: k, v: moved))
                }
            }
            let numeric = (loss(h) - loss(-h)) / (2 * h)
            let analytic = dot(widened(grad), u)
            #expect(abs(analytic - numeric) <= 1e-4 * max(1, abs(numeric)),
                    "\(name): <grad, u> \(analytic), numeric \(numeric)")
        }
    }
}
