import Testing
@testable import RewarmEngine

/// The engine's loops split across threads (rows, (batch, head) pairs, columns for reductions);
/// every chunk computes its items exactly as the serial loop does, so 2 threads must give the
/// same loss and gradients as 1.
@Suite("Parallel training step", .serialized)
struct ParallelStepTests {
    /// Large enough that every kernel splits its work (N * C and N * F above the split thresholds).
    static let config = ModelConfig(
        vocabSize: 256, hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 96,
        maxPositionEmbeddings: 64)

    /// One step with the engine's loops on `threads` workers (in this test's task only: other
    /// tests running at the same time keep their thread count; OpenBLAS stays on one thread).
    func step(_ fineTuning: FineTuning, threads: Int, dropoutKey: UInt64? = nil) -> (loss: Double, grads: [Float]) {
        Parallel.withThreads(threads) { serialStep(fineTuning, dropoutKey: dropoutKey) }
    }

    func serialStep(_ fineTuning: FineTuning, dropoutKey: UInt64?) -> (loss: Double, grads: [Float]) {
        let m = LlamaModel(config: Self.config, fineTuning: fineTuning)
        m.initializeWeights(seed: 3, std: 0.1)
        m.initializeAdapters(seed: 3)
        if let adapters = m.adapters {
            for s in adapters.specs where s.name.hasSuffix("lora_B.weight") {
                for i in 0..<s.count { adapters.base[s.offset + i] = 0.01 * Float(i % 13) - 0.06 }
            }
        }
        let B = 8, T = 64
        let (inputs, targets) = TinyModels.tokens(B: B, T: T, seed: 5)
        let loss = m.computeGradients(inputs, targets, B: B, T: T, dropoutKey: dropoutKey)
        return (loss, m.gradients.snapshot())
    }

    func expectSame(_ a: (loss: Double, grads: [Float]), _ b: (loss: Double, grads: [Float])) {
        #expect(abs(a.loss - b.loss) <= 1e-6 * abs(a.loss))
        #expect(a.grads.count == b.grads.count)
        let scale = a.grads.map { abs($0) }.max() ?? 0
        #expect(scale > 0)
        let worst = zip(a.grads, b.grads).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-5 * scale, "worst gradient difference \(worst) against max |g| \(scale)")
    }

    @Test("a full training step on 2 threads gives the loss and gradients of 1 thread")
    func fullMatchesSerial() {
        let serial = step(.full, threads: 1)
        let parallel = step(.full, threads: 2)
        expectSame(serial, parallel)
        expectSame(parallel, step(.full, threads: 2))
    }

    @Test("a LoRA step with dropout on 2 threads gives the loss and gradients of 1 thread")
    func loraMatchesSerial() {
        let lora = FineTuning.lora(LoRASettings(rank: 4, alpha: 8, dropout: 0.1, targets: ["q_proj", "v_proj", "down_proj"]))
        expectSame(step(lora, threads: 1, dropoutKey: 99), step(lora, threads: 2, dropoutKey: 99))
    }

    @Test("chunks cover every index once, in contiguous ranges, on any worker count")
    func chunksCoverRange() {
        Parallel.withThreads(3) {
            for count in [0, 1, 5, 100, 1001] {
                let hits = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
                hits.initialize(repeating: 0, count: max(count, 1))
                defer { hits.deallocate() }
                Parallel.chunks(count) { _, range in for i in range { hits[i] += 1 } }
                #expect((0..<count).allSatisfy { hits[$0] == 1 }, "count \(count)")
            }
        }
    }
}
