import Foundation
import Testing
@testable import RewarmEngine

@Suite("LoRA adapters")
struct LoRAPropertyTests {
    let lora = LoRASettings(rank: 2, alpha: 4, targets: WeightNames.linearModules)

    func logits(_ m: LlamaModel, B: Int = 2, T: Int = 6) -> [Float] {
        let (inputs, _) = TinyModels.tokens(B: B, T: T, seed: 11)
        _ = inputs.withUnsafeBufferPointer { m.forward(inputs: $0.baseAddress!, targets: nil, B: B, T: T) }
        return m.logits(B: B, T: T)
    }

    @Test("a fresh adapter gives exactly the base model's outputs")
    func freshAdapterIsIdentity() {
        let base = LlamaModel(config: TinyModels.config)
        base.initializeWeights(seed: 3, std: 0.3)
        let adapted = LlamaModel(config: TinyModels.config, fineTuning: .lora(lora))
        adapted.weights.setAll(from: base.weights)
        adapted.initializeAdapters(seed: 3)
        #expect(adapted.adapters!.snapshot().contains { $0 != 0 }, "A is random")
        #expect(logits(adapted) == logits(base))
    }

    @Test("merged weights give the same outputs as the unmerged adapter, and unmerging restores the base")
    func mergeMatchesUnmerged() {
        let m = TinyModels.model(.lora(lora))
        let before = m.weights.snapshot()
        let unmerged = logits(m)
        m.mergeAdapters()
        let plain = LlamaModel(config: TinyModels.config)
        plain.weights.setAll(from: m.weights)
        let merged = logits(plain)
        let worst = zip(unmerged, merged).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-5, "worst logit difference \(worst)")
        m.mergeAdapters(sign: -1)
        let restored = zip(before, m.weights.snapshot()).map { abs($0 - $1) }.max()!
        #expect(restored < 1e-6)
    }

    @Test("LoRA training leaves the base weights bit-identical and changes only adapters")
    func baseFrozen() throws {
        let baseDir = temporaryFolder("lora-base")
        try train(tinyRunConfig(baseDir, ["max_steps": 10]))
        let dir = temporaryFolder("lora-run")
        let config = try tinyRunConfig(dir, ["init_from": .string(baseDir.path), "finetuning_type": "lora", "lora_rank": 2, "max_steps": 10])
        let trainer = try Trainer(ResolvedRun(config), resume: false)
        let baseWeights = trainer.model.weights.snapshot()
        let adaptersBefore = trainer.model.adapters!.snapshot()
        _ = try trainer.train { _ in .proceed }
        #expect(trainer.model.weights.snapshot() == baseWeights)
        #expect(trainer.model.adapters!.snapshot() != adaptersBefore)
        let saved = try SafetensorsFile(contentsOf: dir.appendingPathComponent("checkpoint-10/model.safetensors"))
        #expect(try saved.tensor(named: "model.layers.0.self_attn.q_proj.weight").values == trainer.model.weights.values("model.layers.0.self_attn.q_proj.weight"))
        let adapter = try SafetensorsFile(contentsOf: dir.appendingPathComponent("checkpoint-10/adapter_model.safetensors"))
        #expect(adapter.names.contains("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"))
    }
}

extension ParameterSlab {
    /// Copies every value of `other` (same layout) into this slab.
    func setAll(from other: ParameterSlab) {
        precondition(other.count == count)
        base.update(from: other.base, count: count)
    }
}
