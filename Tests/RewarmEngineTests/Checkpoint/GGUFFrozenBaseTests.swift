import Foundation
import Testing

import RewarmEngine

/// QLoRA on SmolLM2's own Q4_1 blocks (`quantization_type: gguf`).
@Suite struct GGUFFrozenBaseTests {
    static let model = SmolLM2GGUFModelTests.model

    @Test("a QLoRA base kept in the GGUF's Q4_1 blocks gives the dequantized model's logits with a fresh adapter",
          .enabled(if: FileManager.default.fileExists(atPath: model.path),
                   "no models/SmolLM2-135M-Instruct.Q4_1.gguf (run scripts/fetch-model)"))
    func blocksMatchTheDequantizedModel() throws {
        let checkpoint = try ModelFolder.checkpoint(Self.model.path)
        let gguf = try #require(checkpoint.ggufModel)
        let full = try checkpoint.loadModel()
        let lora = LoRASettings(rank: 4, alpha: 8, targets: ["q_proj", "k_proj", "down_proj"])
        let q = LlamaModel(config: full.config, fineTuning: .qlora(lora, .gguf))
        try q.loadBase(from: full.weights, keepingBlocksOf: gguf)
        q.initializeAdapters(seed: 1)
        let base = try #require(q.quantizedBase)
        #expect(base.tensors.count == 7 * 30)
        #expect(Double(base.byteCount) / Double(base.weightCount) < 0.7, "Q4_1 is 5 bits a weight, plus row orders")
        let ids: [Int32] = [504, 3575, 282, 4649, 314]
        let expected = TextGenerator(model: full).logits(ids)
        let got = TextGenerator(model: q).logits(ids)
        let diff = zip(expected, got).map { abs($0 - $1) }.max()!
        #expect(diff <= 1e-4, "max abs logit difference \(diff)")
    }

    @Test("quantization_type gguf needs init_from a GGUF file, in one line")
    func needsAGGUF() throws {
        let config = try RunConfig(values: [
            "dataset": "synthetic:a", "model": "tiny", "finetuning_type": "qlora", "quantization_type": "gguf",
            "output_dir": "/tmp/unused",
        ], source: "test")
        #expect(throws: TrainingError.invalid(
            key: "quantization_type", reason: "gguf keeps a GGUF file's own 4-bit blocks and needs init_from a GGUF file"
        )) { try ResolvedRun(config) }
    }

    @Test("quantization_type gguf refuses a GGUF whose linear weights are not 4-bit blocks, naming the tensor")
    func refusesOtherTypes() throws {
        let file = TinyLlamaGGUF.repo.appendingPathComponent("Tests/Fixtures/gguf/tiny-llama/tied-q8_0.gguf")
        let config = try RunConfig(values: [
            "dataset": "synthetic:a", "init_from": .string(file.path), "finetuning_type": "qlora",
            "quantization_type": "gguf", "output_dir": "/tmp/unused",
        ], source: "test")
        do {
            _ = try ResolvedRun(config)
            Issue.record("a Q8_0 GGUF was accepted for quantization_type gguf")
        } catch {
            #expect(error.description.contains("type Q8_0: quantization_type gguf keeps Q4_0 / Q4_1 blocks only"),
                    "\(error.description)")
        }
    }
}
