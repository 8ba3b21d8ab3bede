import Foundation
import Testing
import RewarmEngine

/// Seeded logits (N, V) and targets (N).
private struct CrossEntropyCase {
    let N = 5, V = 7
    var logits: [Float]
    let targets: [Int32]

    init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        logits = rng.floats(N * V, -3, 3)
        targets = rng.tokens(N, below: V)
    }

    /// crossEntropyForward into separate buffers, or with probs aliasing logits (`inPlace`).
    func forward(inPlace: Bool = false) -> (losses: [Float], probs: [Float], total: Double) {
        let losses = TestBuffer(repeating: Float.nan, count: N)
        let z = TestBuffer(logits), t = TestBuffer(targets)
        let probs = inPlace ? z : TestBuffer(repeating: Float.nan, count: N * V)
        let total = crossEntropyForward(losses.pointer, probs.pointer, z.pointer, t.pointer, N: N, V: V)
        return (losses.array, probs.array, total)
    }

    /// crossEntropyBackward `calls` times into dlogits starting at `initial` (zeros when nil).
    func backward(dlogits initial: [Float]? = nil, scale: Float, overwrite: Bool = false, calls: Int = 1) -> [Float] {
        let d = TestBuffer(initial ?? [Float](repeating: 0, count: N * V))
        let p = TestBuffer(forward().probs), t = TestBuffer(targets)
        for _ in 0..<calls {
            crossEntropyBackward(d.pointer, p.pointer, t.pointer, scale: scale, N: N, V: V, overwrite: overwrite)
        }
        return d.array
    }
}

@Suite("Cross-entropy kernel")
struct CrossEntropyKernelTests {
    @Test("cross-entropy forward equals the naive Double reference: losses, probabilities and their sum")
    func forwardMatchesReference() {
        let c = CrossEntropyCase(seed: 71)
        let fast = c.forward()
        let z = widened(c.logits)
        let losses = refCrossEntropyLosses(logits: z, targets: c.targets, N: c.N, V: c.V)
        expectClose(fast.losses, losses, "losses")
        expectClose(fast.probs, refSoftmax(logits: z, N: c.N, V: c.V), "probs")
        let sum = refCrossEntropy(logits: z, targets: c.targets, N: c.N, V: c.V, mean: false)
        expectClose([fast.total], [sum], "returned total")
    }

    @Test("cross-entropy backward with scale 1/N equals central finite differences of the mean loss")
    func backwardMatchesFiniteDifferences() {
        let c = CrossEntropyCase(seed: 72)
        let numeric = numericGradient(at: widened(c.logits)) {
            refCrossEntropy(logits: $0, targets: c.targets, N: c.N, V: c.V, mean: true)
        }
        expectCloseRelativeToMax(c.backward(scale: 1 / Float(c.N)), numeric, "dlogits")
    }

    @Test("cross-entropy backward with scale 1 equals central finite differences of the summed loss")
    func backwardMatchesFiniteDifferencesOfSum() {
        let c = CrossEntropyCase(seed: 73)
        let numeric = numericGradient(at: widened(c.logits)) {
            refCrossEntropy(logits: $0, targets: c.targets, N: c.N, V: c.V, mean: false)
        }
        expectCloseRelativeToMax(c.backward(scale: 1), numeric, "dlogits")
    }

    @Test("cross-entropy backward adds into dlogits: two calls on R give R + 2 * one call")
    func backwardAccumulates() {
        let c = CrossEntropyCase(seed: 74)
        var rng = SplitMix64(seed: 744)
        let R = rng.floats(c.N * c.V)
        let once = c.backward(scale: 0.3)
        expectClose(c.backward(dlogits: R, scale: 0.3, calls: 2), plus(R, scaled(widened(once), by: 2)), "dlogits")
    }

    @Test("cross-entropy backward with overwrite ignores what dlogits held, even when dlogits aliases probs")
    func backwardOverwrites() {
        let c = CrossEntropyCase(seed: 75)
        let expected = c.backward(scale: 0.5)
        let stale = [Float](repeating: 1e6, count: c.N * c.V)
        #expect(c.backward(dlogits: stale, scale: 0.5, overwrite: true) == expected)
        #expect(c.backward(dlogits: stale, scale: 0.5, overwrite: true, calls: 2) == expected)
        // the engine's use: the gradient written over the probabilities themselves
        let p = TestBuffer(c.forward().probs), t = TestBuffer(c.targets)
        crossEntropyBackward(p.pointer, p.pointer, t.pointer, scale: 0.5, N: c.N, V: c.V, overwrite: true)
        #expect(p.array == expected)
    }

    @Test("cross-entropy forward may write the probabilities over the logits")
    func forwardInPlace() {
        let c = CrossEntropyCase(seed: 76)
        let separate = c.forward(), aliased = c.forward(inPlace: true)
        #expect(aliased.losses == separate.losses)
        #expect(aliased.probs == separate.probs)
        #expect(aliased.total == separate.total)
    }

    @Test("cross-entropy of all-zero logits is log(V) per row with uniform probabilities")
    func zeroLogitsGiveLogV() {
        var c = CrossEntropyCase(seed: 77)
        c.logits = [Float](repeating: 0, count: c.N * c.V)
        let fast = c.forward()
        let logV = Foundation.log(Double(c.V))
        expectClose(fast.losses, [Double](repeating: logV, count: c.N), "losses")
        expectClose([fast.total], [Double(c.N) * logV], "total")
        expectClose(fast.probs, [Double](repeating: 1 / Double(c.V), count: c.N * c.V), "probs")
    }

    @Test("cross-entropy is unchanged and finite when every logit is shifted by 1000")
    func shiftInvariant() {
        let c = CrossEntropyCase(seed: 78)
        var shifted = c
        shifted.logits = c.logits.map { $0 + 1000 }
        let base = c.forward(), far = shifted.forward()
        #expect(far.losses.allSatisfy { $0.isFinite } && far.probs.allSatisfy { $0.isFinite })
        // logits near 1000 carry only 2^-14 of absolute precision in Float
        expectClose(far.losses, widened(base.losses), rel: 0, abs: 2e-4, "losses")
        expectClose(far.probs, widened(base.probs), rel: 0, abs: 2e-4, "probs")
    }
}
