import Foundation
import Testing
@testable import RewarmEngine

/// `modules_to_save` (alias `additional_target`) with lora / qlora and `trainable_modules` (alias
/// `freeze_extra_modules`) with freeze: parsing, defaults, and one-line errors.
@Suite("Whole-module keys: modules_to_save and trainable_modules")
struct WholeModuleConfigTests {
    func load(_ yaml: String, _ overrides: [String] = []) throws(ConfigError) -> RunConfig {
        try loadConfig(yaml, prefix: "dataset: x\n", overrides)
    }

    func failure(_ yaml: String, _ overrides: [String] = []) -> String? {
        configFailure(yaml, prefix: "dataset: x\n", overrides)
    }

    @Test("modules_to_save reads a YAML list, a comma list or LLaMA-Factory's additional_target, in module order")
    func modulesToSave() throws {
        let a = try load("finetuning_type: lora\nmodules_to_save: [lm_head, embed_tokens]\n")
        #expect(a.modulesToSave == "embed_tokens,lm_head")
        #expect(a.fineTuning.lora?.modulesToSave == ["embed_tokens", "lm_head"])
        #expect(a.values["modules_to_save"] == "embed_tokens,lm_head")
        let b = try load("finetuning_type: qlora\nadditional_target: embed_tokens,lm_head\n")
        #expect(b.fineTuning.wholeModules == ["embed_tokens", "lm_head"])
        let c = try load("finetuning_type: lora\n", ["additional_target=[lm_head]"])
        #expect(c.fineTuning.lora?.modulesToSave == ["lm_head"])
        // Reloading the resolved config gives the same config.
        #expect(try RunConfig(values: a.values, source: "resolved") == a)
    }

    @Test("a run without the new keys resolves as before: they are left out of the resolved config")
    func omittedWhenNull() throws {
        for yaml in ["finetuning_type: lora\n", "finetuning_type: freeze\n", "", "finetuning_type: lora\nmodules_to_save: []\n"] {
            let config = try load(yaml)
            #expect(config.values["modules_to_save"] == nil && config.values["trainable_modules"] == nil, "\(yaml)")
            #expect(!config.yaml().contains("modules_to_save") && !config.yaml().contains("trainable_modules"))
        }
        #expect(try load("finetuning_type: freeze\n").freezeTrainableLayers == 2)
    }

    @Test("trainable_modules alone trains only those modules; with freeze_trainable_layers the last layers train too")
    func trainableModules() throws {
        let only = try load("finetuning_type: freeze\nfreeze_extra_modules: [embed_tokens, lm_head]\n")
        #expect(only.fineTuning == .freeze(trainableLayers: 0, modules: ["embed_tokens", "lm_head"]))
        #expect(only.values["freeze_trainable_layers"] == 0)
        let both = try load("finetuning_type: freeze\ntrainable_modules: [lm_head]\nfreeze_trainable_layers: 1\n")
        #expect(both.fineTuning == .freeze(trainableLayers: 1, modules: ["lm_head"]))
        #expect(try RunConfig(values: only.values, source: "resolved") == only)
    }

    @Test("bad values get one line naming the key and the value")
    func errors() {
        #expect(failure("finetuning_type: lora\nmodules_to_save: [lm_head, q_proj]\n")
            == "config.yaml: unknown modules_to_save 'q_proj' (valid: embed_tokens, lm_head)")
        #expect(failure("finetuning_type: lora\nmodules_to_save: {a: 1}\n")
            == "config.yaml: key 'modules_to_save' expects a list of module names from embed_tokens, lm_head, got a map")
        #expect(failure("modules_to_save: [lm_head]\n")
            == "config.yaml: key 'modules_to_save' applies only to finetuning_type lora or qlora, but finetuning_type is full")
        #expect(failure("finetuning_type: lora\ntrainable_modules: [lm_head]\n")
            == "config.yaml: key 'trainable_modules' applies only to finetuning_type freeze, but finetuning_type is lora")
        #expect(failure("finetuning_type: lora\nmodules_to_save: [lm_head]\nadditional_target: [lm_head]\n")
            == "config.yaml: additional_target and modules_to_save are the same key (modules_to_save): give one")
        #expect(failure("finetuning_type: freeze\nfreeze_trainable_layers: 0\n")
            == "config.yaml: freeze_trainable_layers must be >= 1 unless trainable_modules names modules to train, got 0")
        #expect(failure("finetuning_type: freeze\n", ["freeze_extra_modules=[lm_hed]"])
            == "--set: unknown trainable_modules 'lm_hed' (valid: embed_tokens, lm_head)")
    }
}
