import Testing
import RewarmEngine

/// Seeded tokens (N) drawn from the first `used` ids of a vocabulary of V, so rows repeat
/// (N > used) and rows `used ..< V` are never looked up; wte (V, C); G (N, C).
private struct EmbeddingCase {
    let N = 9, V = 7, C = 6, used = 4
    let tokens: [Int32], wte: [Float], dout: [Float]

    init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        tokens = rng.tokens(N, below: used)
        wte = rng.floats(V * C)
        dout = rng.floats(N * C)
    }

    func forward() -> [Float] {
        let out = TestBuffer(repeating: Float(0), count: N * C)
        let t = TestBuffer(tokens), w = TestBuffer(wte)
        embeddingForward(out.pointer, t.pointer, w.pointer, N: N, C: C)
        return out.array
    }

    func backward(dwte initial: [Float]? = nil, calls: Int = 1) -> [Float] {
        let dw = TestBuffer(initial ?? [Float](repeating: 0, count: V * C))
        let g = TestBuffer(dout), t = TestBuffer(tokens)
        for _ in 0..<calls { embeddingBackward(dw.pointer, g.pointer, t.pointer, N: N, C: C) }
        return dw.array
    }
}

@Suite("Embedding kernel")
struct EmbeddingKernelTests {
    @Test("embedding forward copies exactly the reference rows")
    func forwardMatchesReference() {
        let c = EmbeddingCase(seed: 11)
        let expected = refEmbedding(tokens: c.tokens, wte: widened(c.wte), N: c.N, C: c.C)
        #expect(widened(c.forward()) == expected)
    }

    @Test("embedding backward equals central finite differences of sum(G * out), repeated tokens included")
    func backwardMatchesFiniteDifferences() {
        let c = EmbeddingCase(seed: 12)
        #expect(Set(c.tokens).count < c.N, "the case must repeat a token")
        let G = widened(c.dout)
        let numeric = numericGradient(at: widened(c.wte)) {
            dot(G, refEmbedding(tokens: c.tokens, wte: $0, N: c.N, C: c.C))
        }
        expectCloseRelativeToMax(c.backward(), numeric, "dwte")
    }

    @Test("embedding backward adds into dwte: two calls on R give R + 2 * one call")
    func backwardAccumulates() {
        let c = EmbeddingCase(seed: 13)
        var rng = SplitMix64(seed: 133)
        let R = rng.floats(c.V * c.C)
        expectClose(c.backward(dwte: R, calls: 2), plus(R, scaled(widened(c.backward()), by: 2)), "dwte")
    }

    @Test("embedding backward leaves the rows of tokens that never occur at zero")
    func backwardTouchesOnlyUsedRows() {
        let c = EmbeddingCase(seed: 14)
        let dwte = c.backward()
        for row in 0..<c.V {
            let touched = dwte[(row * c.C)..<((row + 1) * c.C)].contains { $0 != 0 }
            #expect(touched == c.tokens.contains(Int32(row)), "row \(row)")
        }
    }
}
