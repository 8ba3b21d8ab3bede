import Foundation
import Testing
@testable import RewarmEngine

/// A byte-vocabulary model small enough for debug builds, with random weights and (for LoRA)
/// a trained-looking adapter (B != 0).
func byteModel(lora: Bool, seed: UInt64 = 11) -> LlamaModel {
    let config = ModelConfig(hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 12,
                             maxPositionEmbeddings: 16, rmsNormEps: 1e-6, ropeTheta: 500)
    let fineTuning: FineTuning = lora ? .lora(LoRASettings(rank: 2, alpha: 6, targets: ["q_proj", "v_proj", "down_proj"])) : .full
    let model = LlamaModel(config: config, fineTuning: fineTuning)
    model.initializeWeights(seed: seed, std: 0.3)
    model.initializeAdapters(seed: seed)
    var rng = SeededGenerator(seed: seed + 1)
    for s in model.weights.specs where s.shape.count == 1 {
        for i in 0..<s.count { model.weights.base[s.offset + i] = 1 + 0.2 * rng.nextGaussian() }
    }
    if let adapters = model.adapters {
        for s in adapters.specs where s.name.hasSuffix("lora_B.weight") {
            for i in 0..<s.count { adapters.base[s.offset + i] = 0.3 * rng.nextGaussian() }
        }
    }
    return model
}

func promptLogits(_ model: LlamaModel, _ text: String = "héllo, 世界") -> [Float] {
    TextGenerator(model: model).logits(ByteTokenizer.encode(text))
}

@Suite struct HuggingFaceFolderTests {
    @Test("an exported model reads back with the same logits, bit for bit")
    func fullRoundTrip() throws {
        let dir = temporaryFolder("hf-full")
        let model = byteModel(lora: false)
        try HuggingFaceFolder.write(model, to: dir)
        let back = try ModelFolder.checkpoint(dir.path).loadModel()
        #expect(back.config == model.config)
        #expect(back.adapters == nil)
        #expect(promptLogits(back) == promptLogits(model))
        for f in ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), "\(f)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("adapter").path))
    }

    @Test("an exported LoRA model reads back with its adapter and the same logits, bit for bit")
    func loraRoundTrip() throws {
        let dir = temporaryFolder("hf-lora")
        let model = byteModel(lora: true)
        try HuggingFaceFolder.write(model, to: dir)
        let checkpoint = try ModelFolder.checkpoint(dir.path)
        #expect(checkpoint.source == .huggingFace && checkpoint.hasAdapter)
        let back = try checkpoint.loadModel()
        #expect(back.fineTuning == model.fineTuning)
        #expect(back.adapters?.snapshot() == model.adapters?.snapshot())
        #expect(promptLogits(back) == promptLogits(model))
        let base = LlamaModel(config: model.config)
        base.weights.buffer.baseAddress!.update(from: model.weights.base, count: model.weights.count)
        #expect(promptLogits(base) != promptLogits(model), "the adapter must matter for this test to mean something")
        let keys = try SafetensorsFile(contentsOf: dir.appendingPathComponent("adapter/adapter_model.safetensors")).names
        #expect(keys.contains("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"))
    }

    @Test("the tokenizer's vocabulary maps 256 distinct characters to ids 0...255, printable bytes to themselves")
    func tokenizerVocabulary() throws {
        let characters = ByteLevelTokenizerFiles.byteCharacters()
        #expect(Set(characters).count == 256)
        #expect(characters[Int(UInt8(ascii: "A"))] == "A")
        #expect(characters[Int(UInt8(ascii: " "))] == "\u{0120}")  // GPT-2's Ġ
        #expect(characters[10] == "\u{010A}")  // Ċ
        let json = ByteLevelTokenizerFiles.tokenizerJSON()
        let vocab = (json["model"] as! [String: Any])["vocab"] as! [String: Int]
        #expect(Set(vocab.values) == Set(0..<256))
    }

    @Test("init_from a Hugging Face folder starts from its weights, with its adapter merged")
    func initFromFolder() throws {
        let folder = temporaryFolder("hf-init")
        let model = byteModel(lora: true)
        try HuggingFaceFolder.write(model, to: folder.appendingPathComponent("hf"))
        let config = try tinyRunConfig(folder.appendingPathComponent("run"), [
            "init_from": .string(folder.appendingPathComponent("hf").path), "max_steps": 2, "cutoff_len": 8,
        ])
        let run = try ResolvedRun(config)
        #expect(run.config.hiddenSize == 8 && run.config.ropeTheta == 500 && run.config.upstream == nil)
        let trainer = try Trainer(run, resume: false)
        model.mergeAdapters()
        #expect(trainer.model.weights.snapshot() == model.weights.snapshot())
    }

    @Test("rewarm: false from a Hugging Face folder is refused naming the key")
    func noScheduleInFolder() throws {
        let folder = temporaryFolder("hf-rewarm")
        try HuggingFaceFolder.write(byteModel(lora: false), to: folder.appendingPathComponent("hf"))
        let config = try tinyRunConfig(folder.appendingPathComponent("run"), [
            "init_from": .string(folder.appendingPathComponent("hf").path), "rewarm": false,
        ])
        #expect(throws: TrainingError.self) { try ResolvedRun(config) }
        do { _ = try ResolvedRun(config) } catch { #expect(error.description.hasPrefix("rewarm: ")) }
    }
}
