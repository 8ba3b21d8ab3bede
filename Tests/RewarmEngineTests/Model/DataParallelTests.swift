import Testing
@testable import RewarmEngine

/// `forwardBackward` and `meanLoss` split a batch's sequences across workers, each with its own
/// activations and gradients, then sum the gradients: the loss and gradients must be those of
/// the whole batch on one worker, up to float rounding.
@Suite("Data-parallel training step")
struct DataParallelTests {
    /// Loss and gradients of one `forwardBackward` over B sequences with `threads` workers,
    /// called twice (the second call accumulates: gradients are twice the first's).
    func step(_ fineTuning: FineTuning, threads: Int, B: Int, dropoutKey: UInt64? = nil) -> (loss: Double, grads: [Float], again: [Float]) {
        let m = TinyModels.model(fineTuning)  // non-zero LoRA B: adapters change the output
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
