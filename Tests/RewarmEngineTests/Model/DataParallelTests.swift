import Testing
@testable import RewarmEngine

/// `forwardBackward` and `meanLoss` split a batch's sequences across workers, each with its own
/// activations and gradients, then sum the gradients: the loss and gradients must be those of
/// the whole batch on one worker, up to float rounding.
@Suite("Data-parallel training step")
struct DataParallelTests {
    /// Loss and gradients of one `forwardBackward` over B sequences with `threads` workers, each
    /// running its sequences in passes of `positionsPerPass` positions (nil: one pass), called
    /// twice (the second call accumulates: gradients are twice the first's).
    func step(
        _ fineTuning: FineTuning, threads: Int, B: Int, dropoutKey: UInt64? = nil, positionsPerPass: Int? = nil
    ) -> (loss: Double, grads: [Float], again: [Float]) {
        let m = TinyModels.model(fineTuning)  // non-zero LoRA B: adapters change the output
        m.positionsPerPass = positionsPerPass
        let T = 8
        let (inputs, targets) = TinyModels.tokens(B: B, T: T, seed: 5)
        return Parallel.withThreads(threads) {
            inputs.withUnsafeBufferPointer { i in
                targets.withUnsafeBufferPointer { t in
                    m.zeroGradients()
                    let loss = m.forwardBackward(
                        inputs: i.baseAddress!, targets: t.baseAddress!, B: B, T: T, lossScale: 1 / Float(B * T), dropoutKey: dropoutKey)
                    let grads = m.gradients.snapshot()
                    _ = m.forwardBackward(
                        inputs: i.baseAddress!, targets: t.baseAddress!, B: B, T: T, lossScale: 1 / Float(B * T), dropoutKey: dropoutKey)
                    return (loss, grads, m.gradients.snapshot())
                }
            }
        }
    }

    func expectSame(_ serial: (loss: Double, grads: [Float], again: [Float]), _ parallel: (loss: Double, grads: [Float], again: [Float])) {
        #expect(abs(serial.loss - parallel.loss) <= 1e-6 * abs(serial.loss))
        let scale = serial.grads.map { abs($0) }.max() ?? 0
        #expect(scale > 0)
        let worst = zip(serial.grads, parallel.grads).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-5 * scale, "worst gradient difference \(worst) against max |g| \(scale)")
        let worstAgain = zip(parallel.again, parallel.grads).map { abs($0 - 2 * $1) }.max() ?? .infinity
        #expect(worstAgain <= 1e-5 * scale, "a second call must add the same gradient again")
    }

    @Test("a full-training batch split over 2 and 3 workers gives the loss and gradients of 1 worker")
    func fullMatchesSerial() {
        let serial = step(.full, threads: 1, B: 5)
        expectSame(serial, step(.full, threads: 2, B: 5))
        expectSame(serial, step(.full, threads: 3, B: 5))
    }

    @Test("a LoRA batch with dropout split over 2 workers draws the masks of 1 worker")
    func loraWithDropoutMatchesSerial() {
        let lora = FineTuning.lora(LoRASettings(rank: 4, alpha: 8, dropout: 0.2, targets: ["q_proj", "v_proj", "down_proj"]))
        expectSame(step(lora, threads: 1, B: 4, dropoutKey: 77), step(lora, threads: 2, B: 4, dropoutKey: 77))
    }

    @Test("a QLoRA batch split over 2 workers, each dequantizing into its own scratch, matches 1 worker")
    func qloraMatchesSerial() {
        let qlora = FineTuning.qlora(LoRASettings(rank: 4, alpha: 8, dropout: 0, targets: ["q_proj", "v_proj", "up_proj"]), .nf4)
        expectSame(step(qlora, threads: 1, B: 4), step(qlora, threads: 2, B: 4))
    }

    @Test("freezing lower layers: a batch split over 2 workers matches 1 worker")
    func freezeMatchesSerial() {
        expectSame(step(.freeze(trainableLayers: 1), threads: 1, B: 4), step(.freeze(trainableLayers: 1), threads: 2, B: 4))
    }

    @Test("a batch run in passes of 1 or 2 sequences, on 1 or 2 workers, gives the loss and gradients of one pass")
    func passesMatchOnePass() {
        let whole = step(.full, threads: 1, B: 5)
        expectSame(whole, step(.full, threads: 1, B: 5, positionsPerPass: 16))  // T = 8: 3 passes
        expectSame(whole, step(.full, threads: 1, B: 5, positionsPerPass: 1))   // 5 passes of 1
        expectSame(whole, step(.full, threads: 2, B: 5, positionsPerPass: 16))  // shards of 2 and 3
    }

    @Test("a LoRA batch with dropout run in passes, on 1 or 2 workers, draws the masks of one pass")
    func loraPassesDrawTheSameMasks() {
        let lora = FineTuning.lora(LoRASettings(rank: 4, alpha: 8, dropout: 0.2, targets: ["q_proj", "v_proj", "down_proj"]))
        let whole = step(lora, threads: 1, B: 5, dropoutKey: 77)
        expectSame(whole, step(lora, threads: 1, B: 5, dropoutKey: 77, positionsPerPass: 8))
        expectSame(whole, step(lora, threads: 2, B: 5, dropoutKey: 77, positionsPerPass: 8))  // shards of 2 and 3
    }

    @Test("a QLoRA batch run in passes, on 1 or 2 workers, matches one pass")
    func qloraPassesMatchOnePass() {
        let qlora = FineTuning.qlora(LoRASettings(rank: 4, alpha: 8, dropout: 0, targets: ["q_proj", "v_proj", "up_proj"]), .nf4)
        let whole = step(qlora, threads: 1, B: 5)
        expectSame(whole, step(qlora, threads: 1, B: 5, positionsPerPass: 16))
        expectSame(whole, step(qlora, threads: 2, B: 5, positionsPerPass: 8))
    }

    @Test("a frozen-layer batch run in passes matches one pass, and a pass allocates activations for its own sequences only")
    func passesAllocateForAPass() {
        let frozen = FineTuning.freeze(trainableLayers: 1)
        expectSame(step(frozen, threads: 1, B: 4), step(frozen, threads: 1, B: 4, positionsPerPass: 16))
        let T = 8
        let (inputs, targets) = TinyModels.tokens(B: 6, T: T, seed: 3)
        // one worker: the activations are this model's alone
        func activationFloats(B: Int, positionsPerPass: Int?) -> Int {
            let m = TinyModels.model()
            m.positionsPerPass = positionsPerPass
            _ = Parallel.withThreads(1) { m.forwardBackward(inputs: inputs, targets: targets, B: B, T: T, lossScale: 1) }
            return m.activationFloatCount
        }
        #expect(activationFloats(B: 6, positionsPerPass: 16) == activationFloats(B: 2, positionsPerPass: nil))
        #expect(activationFloats(B: 6, positionsPerPass: 16) < activationFloats(B: 6, positionsPerPass: nil))
    }

    @Test("meanLoss in passes equals forward on the whole batch")
    func meanLossInPasses() {
        let m = TinyModels.model()
        let B = 5, T = 8
        let (inputs, targets) = TinyModels.tokens(B: B, T: T, seed: 4)
        let whole = m.loss(inputs, targets, B: B, T: T)
        m.positionsPerPass = 16
        let passes = m.meanLoss(inputs: inputs, targets: targets, B: B, T: T)
        #expect(abs(whole - passes) <= 1e-6 * whole)
    }

    @Test("meanLoss split over 2 workers equals forward on the whole batch, and a batch of 1 is not split")
    func meanLossMatchesForward() {
        let m = TinyModels.model()
        let B = 3, T = 8
        let (inputs, targets) = TinyModels.tokens(B: B, T: T, seed: 9)
        inputs.withUnsafeBufferPointer { i in
            targets.withUnsafeBufferPointer { t in
                let whole = m.forward(inputs: i.baseAddress!, targets: t.baseAddress!, B: B, T: T)!
                let split = Parallel.withThreads(2) { m.meanLoss(inputs: i.baseAddress!, targets: t.baseAddress!, B: B, T: T) }
                #expect(abs(whole - split) <= 1e-6 * whole)
                #expect(Parallel.withThreads(2) { m.shardedBatch(B: 1) } == [0..<1])
                #expect(Parallel.withThreads(2) { m.shardedBatch(B: 3) } == [0..<1, 1..<3])
            }
        }
    }
}
