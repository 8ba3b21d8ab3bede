import Foundation
import Testing
@testable import RewarmEngine

extension ModelGradientTests {
    @Test("QLoRA adapter gradients match finite differences through the dequantized base", arguments: [QuantizationType.nf4, .fp4])
    func qloraGradients(type: QuantizationType) {
        let lora = LoRASettings(rank: 2, alpha: 4, targets: WeightNames.linearModules)
        let model = TinyModels.model(.qlora(lora, type))
        #expect(model.trainableTensors.allSatisfy { $0.name.contains("lora_") })
        let (err, at) = worstRelativeError(model)
        #expect(err < 5e-3, "worst at \(at)")
    }
}

@Suite struct QLoRAModelTests {
    let lora = LoRASettings(rank: 2, alpha: 4, targets: WeightNames.linearModules)

    /// A QLoRA model quantized from `TinyModels.model`'s weights, and a plain model holding its
    /// dequantized base.
    func models(_ type: QuantizationType = .nf4, freshAdapter: Bool) -> (qlora: LlamaModel, dequantized: LlamaModel) {
        let source = TinyModels.model(.full)
        let q = LlamaModel(config: source.config, fineTuning: .qlora(lora, type))
        q.loadBase(from: source.weights)
        q.initializeAdapters(seed: 1)
        let d = LlamaModel(config: source.config, fineTuning: freshAdapter ? .full : .lora(lora))
        d.loadBase(from: q.fullBase())
        if !freshAdapter {
            var rng = SeededGenerator(seed: 2)
            for i in 0..<q.adapters!.count { q.adapters!.base[i] = 0.3 * rng.nextGaussian() }
            d.adapters!.buffer.baseAddress!.update(from: q.adapters!.base, count: q.adapters!.count)
        }
        return (q, d)
    }

    @Test("the linear weights live only in 4 bits: the float slab holds embeddings, norms and lm_head")
    func storage() {
        let (q, _) = models(freshAdapter: true)
        #expect(q.weights.specs.allSatisfy { !QuantizedBase.isQuantized($0.name) })
        #expect(q.quantizedBase!.tensors.count == 7 * q.config.numHiddenLayers)
        #expect(q.weights.count + q.quantizedBase!.weightCount == LlamaModel(config: q.config).weights.count)
    }

    @Test("a fresh adapter gives the dequantized base's outputs", arguments: [QuantizationType.nf4, .fp4])
    func freshAdapter(type: QuantizationType) {
        let (q, d) = models(type, freshAdapter: true)
        let (inputs, _) = TinyModels.tokens(B: 2, T: 6, seed: 4)
        func logits(_ m: LlamaModel) -> [Float] {
            inputs.withUnsafeBufferPointer { _ = m.forward(inputs: $0.baseAddress!, targets: nil, B: 2, T: 6) }
            return m.logits(B: 2, T: 6)
        }
        #expect(logits(q) == logits(d))
        let original = TinyModels.model(.full)
        #expect(logits(q) != logits(original), "quantization changes the weights, so the comparison means something")
    }

    @Test("a trained adapter on the quantized base equals LoRA on the dequantized base")
    func trainedAdapter() {
        let (q, d) = models(freshAdapter: false)
        let (inputs, targets) = TinyModels.tokens(B: 2, T: 6, seed: 5)
        #expect(abs(q.loss(inputs, targets, B: 2, T: 6) - d.loss(inputs, targets, B: 2, T: 6)) < 1e-6)
    }

    @Test("a QLoRA run trains (the loss falls), checkpoints as a LoRA model, and resumes with the same losses")
    func training() throws {
        let dir = temporaryFolder("qlora")
        let extra: [String: ConfigValue] = ["finetuning_type": "qlora", "lora_rank": 4, "learning_rate": 1e-2]
        try train(tinyRunConfig(dir.appendingPathComponent("whole"), extra))
        let whole = try metrics(dir.appendingPathComponent("whole"))
        #expect(whole.last!.downstreamLoss < whole.first!.downstreamLoss - 0.05, "\(whole.map(\.downstreamLoss))")
        let resumed = try tinyRunConfig(dir.appendingPathComponent("resumed"), extra)
        try train(resumed, stopAt: 15)
        try train(resumed, resume: true)
        #expect(try metrics(dir.appendingPathComponent("resumed")) == whole)
        let checkpoint = try ModelFolder.checkpoint(dir.appendingPathComponent("whole").path)
        #expect(checkpoint.state.finetuningType == "qlora" && checkpoint.hasAdapter)
        let model = try checkpoint.loadModel()  // a LoRA model on the dequantized base
        #expect(model.fineTuning.lora?.rank == 4 && model.quantizedBase == nil)
    }

    @Test("the quantized linear weights take about 0.52 bytes each, under a seventh of float32")
    func memory() {
        let c = ModelConfig.preset("small")!
        let full = ParameterSlab(WeightNames.baseTensors(c))
        LlamaModel.initializeWeights(full, seed: 1)
        let q = LlamaModel(config: c, fineTuning: .qlora(lora, .nf4))
        q.loadBase(from: full)
        let base = q.quantizedBase!
        let perWeight = Double(base.byteCount) / Double(base.weightCount)
        #expect(perWeight > 0.51 && perWeight < 0.53, "\(perWeight)")
        #expect(perWeight / 4 < 1.0 / 7)
        let floatBytes = 4 * full.count, qloraBytes = 4 * q.weights.count + base.byteCount
        #expect(Double(qloraBytes) / Double(floatBytes) < 0.35, "whole base \(qloraBytes) vs \(floatBytes) bytes")
    }
}
