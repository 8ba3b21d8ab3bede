import Testing
@testable import RewarmEngine

/// Grouped-query attention is multi-head attention on keys and values repeated per group: HF
/// `LlamaAttention` calls `repeat_kv` on k and v (B, T, NKV*hs) to make (B, T, C) before the
/// products, so the gradient of a key/value head is the sum of its copies' gradients.
@Suite("Grouped-query attention")
struct GroupedQueryAttentionTests {
    /// x (B, T, NKV*hs) with each key/value head repeated NH/NKV times side by side: (B, T, C),
    /// as `repeat_kv` lays it out (head h of the result is head h / (NH/NKV) of x).
    func repeatKV(_ x: [Float], _ c: AttentionCase) -> [Float] {
        let hs = c.C / c.NH, group = c.NH / c.NKV
        var out = [Float](repeating: 0, count: c.B * c.T * c.C)
        for row in 0..<(c.B * c.T) {
            for h in 0..<c.NH {
                for d in 0..<hs { out[row * c.C + h * hs + d] = x[row * c.KV + (h / group) * hs + d] }
            }
        }
        return out
    }

    /// The gradient of x from the gradient of `repeatKV(x)`: the copies of each head summed.
    func sumGroups(_ g: [Float], _ c: AttentionCase) -> [Double] {
        let hs = c.C / c.NH, group = c.NH / c.NKV
        var out = [Double](repeating: 0, count: c.B * c.T * c.KV)
        for row in 0..<(c.B * c.T) {
            for h in 0..<c.NH {
                for d in 0..<hs { out[row * c.KV + (h / group) * hs + d] += Double(g[row * c.C + h * hs + d]) }
            }
        }
        return out
    }

    @Test("GQA forward and backward equal multi-head attention on repeat_kv'd keys and values; dK and dV sum their group",
          arguments: [(1, 2), (2, 6), (3, 6), (6, 6)])
    func equalsRepeatedKeyValues(NKV: Int, NH: Int) {
        let grouped = AttentionCase(seed: 71, B: 2, T: 13, C: 4 * NH, NH: NH, NKV: NKV)
        var plain = AttentionCase(seed: 72, B: 2, T: 13, C: 4 * NH, NH: NH)
        plain.q = grouped.q
        plain.k = repeatKV(grouped.k, grouped)
        plain.v = repeatKV(grouped.v, grouped)
        plain.dout = grouped.dout
        let g = grouped.forward(), p = plain.forward()
        #expect(g.out == p.out, "out")
        #expect(grouped.written(g.att) == plain.written(p.att), "att")
        let dg = grouped.backward(), dp = plain.backward()
        #expect(dg.dq == dp.dq, "dq")
        expectClose(dg.dk, sumGroups(dp.dk, grouped), rel: 1e-6, abs: 1e-6, "dk")
        expectClose(dg.dv, sumGroups(dp.dv, grouped), rel: 1e-6, abs: 1e-6, "dv")
    }

    @Test("GQA over 70 positions with 3 key/value heads for 9 query heads (SmolLM2's grouping) equals the reference, gradients included")
    func smolLMGrouping() {
        let c = AttentionCase(seed: 73, B: 1, T: 70, C: 36, NH: 9, NKV: 3)
        c.expectForwardAndGradientsMatchReference(directionSeed: 733)
    }
}
