@testable import RewarmEngine

/// Shapes small enough for finite differences over every parameter in debug builds.
enum TinyModels {
    static let config = ModelConfig(
        vocabSize: 16, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 12,
        maxPositionEmbeddings: 8)

    /// A model with weights large enough (std 0.3) that every gradient is well above float noise.
    /// Layers 16 and 32 wide: their weight gradients go through the AVX-512 kernel where the CPU
    /// has it (`WeightGradient`), while `config`'s widths (8, 12) go through OpenBLAS.
    static let config16 = ModelConfig(
        vocabSize: 16, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 32,
        maxPositionEmbeddings: 8)

    /// Grouped-query attention (4 heads on 2 key/value heads), tied embeddings and an odd
    /// vocabulary of 37: the shapes a real Llama-family model (SmolLM2) adds, tiny.
    static let grouped = ModelConfig(
        vocabSize: 37, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2,
        intermediateSize: 24, maxPositionEmbeddings: 8, ropeTheta: 100, tieWordEmbeddings: true)

    static func model(_ fineTuning: FineTuning = .full, seed: UInt64 = 7, config: ModelConfig = config) -> LlamaModel {
        let m = LlamaModel(config: config, fineTuning: fineTuning)
        m.initializeWeights(seed: seed, std: 0.3)
        var rng = SeededGenerator(seed: seed + 1)
        // non-trivial norm weights, so their gradients are tested away from 1
        for s in m.weights.specs where s.shape.count == 1 {
            for i in 0..<s.count { m.weights.base[s.offset + i] = 1 + 0.2 * rng.nextGaussian() }
        }
        m.initializeAdapters(seed: seed)
        if let adapters = m.adapters {
            // a trained-looking adapter: B != 0, so gradients flow through both factors
            for s in adapters.specs where s.name.hasSuffix("lora_B.weight") {
                for i in 0..<s.count { adapters.base[s.offset + i] = 0.3 * rng.nextGaussian() }
            }
        }
        return m
    }

    static func tokens(B: Int, T: Int, seed: UInt64, vocabSize: Int = config.vocabSize) -> (inputs: [Int32], targets: [Int32]) {
        var rng = SeededGenerator(seed: seed)
        let seq = (0..<(B * (T + 1))).map { _ in Int32(rng.next() % UInt64(vocabSize)) }
        var inputs: [Int32] = [], targets: [Int32] = []
        for b in 0..<B {
            let row = seq[(b * (T + 1))..<((b + 1) * (T + 1))]
            inputs += row.dropLast()
            targets += row.dropFirst()
        }
        return (inputs, targets)
    }
}

extension LlamaModel {
    /// Mean loss of one forward pass (test convenience); with `lossScale` a training forward.
    func loss(
        _ inputs: [Int32], _ targets: [Int32], B: Int, T: Int, lossScale: Float? = nil, dropoutKey: UInt64? = nil
    ) -> Double {
        inputs.withUnsafeBufferPointer { i in
            targets.withUnsafeBufferPointer { t in
                forward(inputs: i.baseAddress!, targets: t.baseAddress!, B: B, T: T, lossScale: lossScale,
                        dropoutKey: dropoutKey)!
            }
        }
    }

    /// Gradients of the mean loss (after zeroing them): a training forward, then `backward`.
    func computeGradients(_ inputs: [Int32], _ targets: [Int32], B: Int, T: Int, dropoutKey: UInt64? = nil) -> Double {
        zeroGradients()
        let l = loss(inputs, targets, B: B, T: T, lossScale: 1 / Float(B * T), dropoutKey: dropoutKey)
        inputs.withUnsafeBufferPointer { i in
            backward(inputs: i.baseAddress!, B: B, T: T, dropoutKey: dropoutKey)
        }
        return l
    }
}
