import Foundation
import Testing
@testable import RewarmEngine

/// A model of the shapes real Llama-family checkpoints have (grouped-query attention, tied
/// embeddings, a vocabulary that is not bytes): written and read as Hugging Face folders, and
/// continued with `init_from`.
@Suite struct LlamaFamilyFolderTests {
    /// 4 heads on 2 key/value heads, tied, V = 300 (>= 256, so the byte corpora fit), random weights.
    func groupedTiedModel() -> LlamaModel {
        let config = ModelConfig(vocabSize: 300, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4,
                                 numKeyValueHeads: 2, intermediateSize: 24, maxPositionEmbeddings: 16,
                                 ropeTheta: 1000, tieWordEmbeddings: true)
        let model = LlamaModel(config: config)
        model.initializeWeights(seed: 21, std: 0.3)
        return model
    }

    let prompt: [Int32] = [5, 299, 17, 256, 0, 42, 120]

    @Test("a grouped-query, tied model with 300 tokens exports without lm_head and reads back with the same logits")
    func exportRoundTrip() throws {
        let dir = temporaryFolder("hf-gqa-tied")
        let model = groupedTiedModel()
        try HuggingFaceFolder.write(model, to: dir)
        let names = try SafetensorsFile(contentsOf: dir.appendingPathComponent("model.safetensors")).names
        #expect(!names.contains("lm_head.weight") && names.contains("model.embed_tokens.weight"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json")))
            as! [String: Any]
        #expect(json["tie_word_embeddings"] as? Bool == true && json["num_key_value_heads"] as? Int == 2)
        #expect(json["vocab_size"] as? Int == 300)
        // a byte tokenizer would be wrong for 300 tokens: none is written
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tokenizer.json").path))
        let back = try ModelFolder.checkpoint(dir.path).loadModel()
        #expect(back.config == model.config)
        let generator = TextGenerator(model: model), again = TextGenerator(model: back)
        #expect(again.logits(prompt) == generator.logits(prompt))
        // the head reads the embedding table: its logits are h . Wte[v]
        #expect(generator.nextTokenLogits(prompt) == Array(generator.logits(prompt).suffix(300)))
    }

    @Test("a Hugging Face config with grouped-query attention, tied embeddings and any vocabulary is read as such")
    func configAccepted() throws {
        var json = HuggingFaceConfig.json(ModelConfig(hiddenSize: 576, numHiddenLayers: 30, numAttentionHeads: 9,
                                                      maxPositionEmbeddings: 8192))
        json["vocab_size"] = 49_152
        json["num_key_value_heads"] = 3
        json["tie_word_embeddings"] = true
        json["rope_theta"] = 100_000
        json["rope_parameters"] = nil
        json["intermediate_size"] = 1536
        json["rms_norm_eps"] = 1e-5
        var expected = ModelConfig.preset("smollm2-135m")!
        expected.maxPositionEmbeddings = 8192
        #expect(try HuggingFaceConfig.modelConfig(from: json, path: "c.json") == expected)
        #expect(try HuggingFaceConfig.modelConfig(from: HuggingFaceConfig.json(expected), path: "c.json") == expected)
        json["num_key_value_heads"] = 2
        #expect(throws: CheckpointError.unsupportedModel(
            path: "c.json", field: "num_key_value_heads", reason: "2 does not divide num_attention_heads 9")) {
            try HuggingFaceConfig.modelConfig(from: json, path: "c.json")
        }
    }

    @Test("init_from a grouped-query, tied folder copies its shape keys; the run trains and saves a tied checkpoint")
    func initFromAndTrain() throws {
        let folder = temporaryFolder("hf-gqa-init")
        let model = groupedTiedModel()
        try HuggingFaceFolder.write(model, to: folder.appendingPathComponent("hf"))
        let config = try tinyRunConfig(folder.appendingPathComponent("run"), [
            "init_from": .string(folder.appendingPathComponent("hf").path), "max_steps": 3, "cutoff_len": 8,
            "eval_steps": 3,
        ])
        let run = try ResolvedRun(config)
        #expect(run.config.numKeyValueHeads == 2 && run.config.tieWordEmbeddings == true && run.config.vocabSize == 300)
        // the context is the larger of the preset's (tiny: 32) and the folder's, as for any init_from
        #expect(run.config.model == ModelConfig(vocabSize: 300, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4,
                                                numKeyValueHeads: 2, intermediateSize: 24, maxPositionEmbeddings: 32,
                                                rmsNormEps: 1e-5, ropeTheta: 1000, tieWordEmbeddings: true))
        try train(config)
        let checkpoint = try ModelFolder.checkpoint(folder.appendingPathComponent("run").path)
        #expect(checkpoint.state.model.tieWordEmbeddings && checkpoint.state.model.numKeyValueHeads == 2)
        let names = try SafetensorsFile(contentsOf: checkpoint.location.appendingPathComponent("model.safetensors")).names
        #expect(!names.contains("lm_head.weight"))
        let trained = try checkpoint.loadModel()
        #expect(trained.weights.values(WeightNames.embedding) != model.weights.values(WeightNames.embedding),
                "the tied table trains under full fine-tuning")
    }

    @Test("a byte model's continual run from its checkpoint resolves as before the later shape keys existed")
    func byteModelResolvesAsBefore() throws {
        let folder = temporaryFolder("hf-byte-init")
        try HuggingFaceFolder.write(byteModel(lora: false), to: folder.appendingPathComponent("hf"))
        let config = try tinyRunConfig(folder.appendingPathComponent("run"), [
            "init_from": .string(folder.appendingPathComponent("hf").path),
        ])
        let run = try ResolvedRun(config)
        #expect(run.config.numKeyValueHeads == nil && run.config.tieWordEmbeddings == nil && run.config.vocabSize == nil)
        #expect(!run.config.yaml().contains("vocab_size"))
    }
}
