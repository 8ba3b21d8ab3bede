import Foundation
import Testing
@testable import RewarmEngine

/// Whole modules (embed_tokens, lm_head) training beside LoRA adapters (PEFT `modules_to_save`)
/// or beside freeze's layers (`trainable_modules`): which tensors train, their gradients against
/// finite differences, and the adapter file that carries them.
extension ModelGradientTests {
    @Test("LoRA with modules_to_save trains the adapters, the embedding and the head; all gradients match finite differences")
    func loraWithModulesToSaveGradients() {
        let lora = LoRASettings(rank: 2, alpha: 4, targets: ["q_proj", "down_proj"], modulesToSave: ["lm_head", "embed_tokens"])
        #expect(lora.modulesToSave == ["embed_tokens", "lm_head"])  // WeightNames.wholeModules order
        let model = TinyModels.model(.lora(lora))
        let names = model.trainableTensors.map(\.name)
        #expect(names.prefix(2) == [WeightNames.embedding, WeightNames.lmHead])
        #expect(names.dropFirst(2).allSatisfy { $0.contains("lora_") } && names.count == 2 + 2 * 2 * 2)
        let (err, at) = worstRelativeError(model)
        #expect(err < 5e-3, "worst at \(at)")
    }

    @Test("a tied model's modules_to_save trains the one shared table once; its gradient matches finite differences")
    func tiedModulesToSaveGradients() {
        let lora = LoRASettings(rank: 2, alpha: 4, targets: ["v_proj"], modulesToSave: ["embed_tokens", "lm_head"])
        let model = TinyModels.model(.lora(lora), config: TinyModels.grouped)
        #expect(model.trainableTensors.filter { !$0.name.contains("lora_") }.map(\.name) == [WeightNames.embedding])
        let (err, at) = worstRelativeError(model, vocabSize: TinyModels.grouped.vocabSize)
        #expect(err < 5e-3, "worst at \(at)")
    }

    @Test("freeze with trainable_modules and no layers trains the head alone; its gradient matches finite differences")
    func freezeHeadOnlyGradients() {
        let model = TinyModels.model(.freeze(trainableLayers: 0, modules: ["lm_head"]))
        #expect(model.trainableTensors.map(\.name) == [WeightNames.lmHead])
        #expect(model.lowestTrainableLayer == TinyModels.config.numHiddenLayers)
        let (err, at) = worstRelativeError(model)
        #expect(err < 5e-3, "worst at \(at)")
    }

    @Test("freeze of the last layer plus embed_tokens runs the backward down to the embedding; gradients match finite differences")
    func freezeLayerAndEmbeddingGradients() {
        let model = TinyModels.model(.freeze(trainableLayers: 1, modules: ["embed_tokens"]))
        let names = model.trainableTensors.map(\.name)
        #expect(names.first == WeightNames.embedding && names.dropFirst().allSatisfy { $0.hasPrefix("model.layers.1.") })
        #expect(model.lowestTrainableLayer == 0)
        let (err, at) = worstRelativeError(model)
        #expect(err < 5e-3, "worst at \(at)")
    }
}

@Suite("Whole modules in the PEFT adapter file")
struct WholeModuleAdapterTests {
    /// `byteModel(lora: true)` with modules_to_save, its embedding and head moved off the base's.
    func trainedModel(modules: [String]) -> (model: LlamaModel, base: [Float]) {
        let plain = byteModel(lora: true)
        var lora = plain.fineTuning.lora!
        lora.modulesToSave = modules
        let model = LlamaModel(config: plain.config, fineTuning: .lora(lora))
        model.weights.buffer.baseAddress!.update(from: plain.weights.base, count: plain.weights.count)
        model.adapters!.buffer.baseAddress!.update(from: plain.adapters!.base, count: plain.adapters!.count)
        let base = model.weights.snapshot()
        var rng = SeededGenerator(seed: 5)
        for t in model.trainableTensors where !t.name.contains("lora_") {
            for i in 0..<t.count { t.parameter[i] += 0.2 * rng.nextGaussian() }
        }
        return (model, base)
    }

    @Test("an exported LoRA model with modules_to_save reads back with the same logits, the modules under PEFT's keys")
    func exportRoundTrip() throws {
        let dir = temporaryFolder("hf-modules")
        let (model, _) = trainedModel(modules: ["embed_tokens", "lm_head"])
        try HuggingFaceFolder.write(model, to: dir)
        let back = try ModelFolder.checkpoint(dir.path).loadModel()
        #expect(back.fineTuning == model.fineTuning)
        #expect(back.weights.snapshot() == model.weights.snapshot())
        #expect(promptLogits(back) == promptLogits(model))
        let adapter = dir.appendingPathComponent("adapter")
        let keys = try SafetensorsFile(contentsOf: adapter.appendingPathComponent("adapter_model.safetensors")).names
        #expect(keys.contains("base_model.model.model.embed_tokens.weight") && keys.contains("base_model.model.lm_head.weight"))
        let config = try JSONSerialization.jsonObject(
            with: Data(contentsOf: adapter.appendingPathComponent("adapter_config.json"))) as? [String: Any]
        #expect(config?["modules_to_save"] as? [String] == ["embed_tokens", "lm_head"])
    }

    @Test("the adapter replaces the base's embedding and head whole: on the untrained base it gives the trained logits")
    func adapterOnTheOriginalBase() throws {
        let dir = temporaryFolder("hf-modules-base")
        let (model, base) = trainedModel(modules: ["embed_tokens", "lm_head"])
        try HuggingFaceFolder.write(model, to: dir)
        // The same folder with the base's original weights: the adapter alone carries the modules.
        let original = LlamaModel(config: model.config)
        for s in model.weights.specs {
            original.weights.setValues(s.name, Array(base[s.offset..<(s.offset + s.count)]))
        }
        try SafetensorsWriter.write(views: Checkpoint.views(original.weights), metadata: ["format": "pt"],
                                    to: dir.appendingPathComponent(Checkpoint.modelFile))
        let back = try ModelFolder.checkpoint(dir.path).loadModel()
        #expect(promptLogits(back) == promptLogits(model))
        #expect(promptLogits(original) != promptLogits(model), "the modules must matter for this test to mean something")
    }

    @Test("an adapter_config.json whose modules_to_save names another module is refused naming the field")
    func unknownModuleRefused() throws {
        let dir = temporaryFolder("hf-modules-bad")
        let (model, _) = trainedModel(modules: ["lm_head"])
        try HuggingFaceFolder.write(model, to: dir)
        let url = dir.appendingPathComponent("adapter/adapter_config.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        json["modules_to_save"] = ["lm_head", "score"]
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        #expect(throws: CheckpointError.unsupportedModel(
            path: url.path, field: "modules_to_save", reason: "'score' is not one of embed_tokens, lm_head")) {
            _ = try ModelFolder.checkpoint(dir.path).loadModel()
        }
    }
}
