import Testing
@testable import RewarmEngine

/// The shapes `ModelShapeGEMM` measures must be the sgemm products a step makes: their FLOPs are
/// checked against a count derived independently of the engine. Attention's products are the
/// engine's own tiles (`TileProduct`), not sgemm, and are not among them.
@Suite("Model-shape sgemm accounting")
struct ModelShapeGEMMTests {
    /// Only the shapes matter here (no model is built at T = 150).
    static let config = TinyModels.config

    @Test("a full step's sgemm products hold 6 FLOPs per linear weight per token, on 1 or 2 workers")
    func fullStepFlops() {
        let c = Self.config
        let B = 4, T = 150
        let C = c.hiddenSize, F = c.intermediateSize, L = c.numHiddenLayers
        let linearWeights = L * (4 * C * C + 3 * C * F) + C * c.vocabSize
        let linear = 6.0 * Double(B * T * linearWeights)
        let one = ModelShapeGEMM(model: c, B: B, T: T, fineTuning: .full)
        #expect(abs(one.flopsPerStep - linear) <= 1e-9 * one.flopsPerStep)
        let two = ModelShapeGEMM(model: c, B: B, T: T, fineTuning: .full, workers: 2)
        #expect(two.workers == 2)
        #expect(two.flopsPerStep == one.flopsPerStep)
        #expect(ModelShapeGEMM(model: c, B: 1, T: T, fineTuning: .full, workers: 2).workers == 1)
        // one shape per linear module (all layers alike) and lm_head; widths 8 and 12 are not multiples of 16
        #expect(one.weightGradientShapes.count == 7 + 1)
        #expect(one.weightGradientKernels == "openblas")
    }

    @Test("passes make each product once per pass on the pass's positions, with the FLOPs of one pass")
    func passesSplitTheProducts() {
        let c = Self.config
        let one = ModelShapeGEMM(model: c, B: 16, T: 128, fineTuning: .full)
        let passes = ModelShapeGEMM(model: c, B: 16, T: 128, fineTuning: .full, positionsPerPass: 512)
        #expect(one.sequencesPerPass == 16 && passes.sequencesPerPass == 4)
        #expect(abs(passes.flopsPerStep - one.flopsPerStep) <= 1e-9 * one.flopsPerStep)
        let forward = { (s: ModelShapeGEMM) in s.calls.filter { !$0.key.transA && $0.key.transB && $0.key.N == c.vocabSize } }
        #expect(forward(one).map { $0.key.M } == [2048] && forward(one).map(\.value) == [1])
        #expect(forward(passes).map { $0.key.M } == [512] && forward(passes).map(\.value) == [4])
        // two workers: shards of 8 sequences, each in 2 passes of 4
        let two = ModelShapeGEMM(model: c, B: 16, T: 128, fineTuning: .full, workers: 2, positionsPerPass: 512)
        #expect(two.sequencesPerPass == 4 && forward(two).map(\.value) == [2])
        // B = 5 on 2 workers: shards of 2 and 3 sequences, one pass each (up to 3 sequences per
        // pass): measured on the smaller (N = 256), the largest pass reported (3 sequences)
        let uneven = ModelShapeGEMM(model: c, B: 5, T: 128, fineTuning: .full, workers: 2, positionsPerPass: 384)
        #expect(uneven.sequencesPerPass == 3 && forward(uneven).map { $0.key.M } == [256])
    }

    @Test("a LoRA step has no weight-gradient products for the frozen base: 4 FLOPs per base weight per token")
    func loraStepFlops() {
        let c = Self.config
        let B = 2, T = 64, r = 4
        let lora = LoRASettings(rank: r, alpha: 8, targets: ["q_proj", "v_proj"])
        let C = c.hiddenSize, F = c.intermediateSize, L = c.numHiddenLayers
        let base = 4.0 * Double(B * T * (L * (4 * C * C + 3 * C * F) + C * c.vocabSize))
        // per target (IC = OC = C): forward 2 products, backward 4, each 2 N r C FLOPs
        let adapters = Double(L * 2) * 6 * 2 * Double(B * T * r * C)
        let shapes = ModelShapeGEMM(model: c, B: B, T: T, fineTuning: .lora(lora))
        #expect(abs(shapes.flopsPerStep - (base + adapters)) <= 1e-9 * shapes.flopsPerStep)
        #expect(shapes.weightGradientShapes.isEmpty)
        #expect(shapes.weightGradientKernels == "none")
    }

    @Test("the bench's memory estimate counts the gradients and activations of every data-parallel worker")
    func memoryCountsWorkers() {
        let m = TinyModels.model()
        let B = 4, T = 8
        let (inputs, targets) = TinyModels.tokens(B: B, T: T, seed: 2)
        let single = TrainingMemory(model: m)
        _ = Parallel.withThreads(2) {
            m.forwardBackward(inputs: inputs, targets: targets, B: B, T: T, lossScale: 1 / Float(B * T))
        }
        let split = TrainingMemory(model: m)
        let mib = 4.0 / 1_048_576
        #expect(single.gradients == Double(m.trainableParameterCount) * mib)
        #expect(split.gradients == 2 * Double(m.trainableParameterCount) * mib)
        #expect(split.activations == Double(m.activationFloatCount + m.replicas[0].activationFloatCount) * mib)
        #expect(split.activations > 0)
    }
}
