import Testing
@testable import RewarmEngine

/// The whole model's analytic gradients against central finite differences of its loss.
@Suite("Whole-model gradients")
struct ModelGradientTests {
    /// Compares every trainable tensor's gradient with finite differences; returns the worst
    /// error relative to the largest gradient of that tensor, with where it happened.
    func worstRelativeError(
        _ model: LlamaModel, B: Int = 2, T: Int = 6, dropoutKey: UInt64? = nil, vocabSize: Int = TinyModels.config.vocabSize
    ) -> (Double, String) {
        let (inputs, targets) = TinyModels.tokens(B: B, T: T, seed: 3, vocabSize: vocabSize)
        _ = model.computeGradients(inputs, targets, B: B, T: T, dropoutKey: dropoutKey)
        let h: Float = 2e-3  // small enough that truncation error stays below 2e-3 here
        var worst = (0.0, "")
        for t in model.trainableTensors {
            let analytic = Array(UnsafeBufferPointer(start: t.gradient, count: t.count))
            let scale = max(analytic.map { abs(Double($0)) }.max()!, 1e-6)
            for i in 0..<t.count {
                let saved = t.parameter[i]
                t.parameter[i] = saved + h
                let up = model.loss(inputs, targets, B: B, T: T, dropoutKey: dropoutKey)
                t.parameter[i] = saved - h
                let down = model.loss(inputs, targets, B: B, T: T, dropoutKey: dropoutKey)
                t.parameter[i] = saved
                let numeric = (up - down) / Double(2 * h)
                let err = abs(numeric - Double(analytic[i])) / scale
                if err > worst.0 { worst = (err, "\(t.name)[\(i)]: analytic \(analytic[i]) numeric \(numeric)") }
            }
        }
        return worst
    }

    @Test("full fine-tuning gradients match finite differences for every parameter")
    func fullGradients() {
        let (err, at) = worstRelativeError(TinyModels.model(.full))
        #expect(err < 5e-3, "worst at \(at)")
    }

    @Test("full fine-tuning gradients of 16- and 32-wide layers (the AVX-512 weight-gradient kernel's shapes) match finite differences")
    func fullGradientsOfSixteenWideLayers() {
        #expect(WeightGradient.kernel(OC: 32, IC: 16) == (WeightGradient.cpuHasAVX512 ? .avx512 : .openblas))
        let (err, at) = worstRelativeError(TinyModels.model(.full, config: TinyModels.config16))
        #expect(err < 5e-3, "worst at \(at)")
    }

    @Test("LoRA gradients on all modules match finite differences for every adapter weight")
    func loraGradients() {
        let lora = LoRASettings(rank: 2, alpha: 4, targets: WeightNames.linearModules)
        let model = TinyModels.model(.lora(lora))
        #expect(model.trainableTensors.allSatisfy { $0.name.contains("lora_") })
        let (err, at) = worstRelativeError(model)
        #expect(err < 5e-3, "worst at \(at)")
    }

    @Test("LoRA gradients on q_proj and v_proj only (frozen layers share their input buffers) match finite differences")
    func loraAttentionOnlyGradients() {
        let lora = LoRASettings(rank: 2, alpha: 4, targets: ["q_proj", "v_proj"])
        let (err, at) = worstRelativeError(TinyModels.model(.lora(lora)))
        #expect(err < 5e-3, "worst at \(at)")
    }

    @Test("LoRA gradients with dropout match finite differences under the same mask")
    func loraDropoutGradients() {
        let lora = LoRASettings(rank: 2, alpha: 4, dropout: 0.3, targets: ["q_proj", "v_proj", "down_proj"])
        let (err, at) = worstRelativeError(TinyModels.model(.lora(lora)), dropoutKey: 99)
        #expect(err < 5e-3, "worst at \(at)")
    }

    @Test("freeze fine-tuning trains only the last layers and their gradients match finite differences")
    func freezeGradients() {
        let model = TinyModels.model(.freeze(trainableLayers: 1))
        #expect(model.trainableTensors.allSatisfy { $0.name.hasPrefix("model.layers.1.") })
        let (err, at) = worstRelativeError(model)
        #expect(err < 5e-3, "worst at \(at)")
    }
}
