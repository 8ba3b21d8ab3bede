import Foundation
import Testing
@testable import RewarmEngine

/// `stages` and `recipe`: parsing, the stage configs they build, and one-line errors.
@Suite("Staged training keys: stages, recipe, recipe_stages")
struct StageConfigTests {
    static let twoStages = """
        init_from: base
        lora_rank: 4
        stages:
          - {max_steps: 10, finetuning_type: freeze, freeze_extra_modules: [lm_head, embed_tokens], learning_rate: 1e-3}
          - max_steps: 6
            finetuning_type: lora
            additional_target: [embed_tokens, lm_head]
            learning_rate: 2e-4

        """

    @Test("stages build one config per stage: the stage's keys over the run's, max_steps their sum")
    func stagesBuildConfigs() throws {
        let config = try loadConfig(Self.twoStages + "weight_decay: 0.05\n")
        #expect(config.isStaged && config.maxSteps == 16)
        let (first, second) = (config.stageConfigs[0], config.stageConfigs[1])
        #expect(first.fineTuning == .freeze(trainableLayers: 0, modules: ["embed_tokens", "lm_head"]))
        #expect(first.maxSteps == 10 && first.learningRate == 1e-3 && first.weightDecay == 0.05)
        #expect(second.finetuningType == .lora && second.loraRank == 4 && second.learningRate == 2e-4)
        #expect(second.fineTuning.lora?.modulesToSave == ["embed_tokens", "lm_head"])
        #expect(second.maxSteps == 6 && second.initFrom == "base" && second.weightDecay == 0.05)
        // each stage trains in a folder of the run's own
        #expect(first.outputDir == config.outputDir + "/stage-1" && second.outputDir == config.outputDir + "/stage-2")
        #expect(!first.isStaged && !second.isStaged)
    }

    @Test("a staged config reloads from its own YAML and values as the same config")
    func roundTrip() throws {
        for yaml in [Self.twoStages, "init_from: base\nrecipe: two_stage\nmax_steps: 9\n",
                     "init_from: base\nrecipe: gradual_unfreeze\nmax_steps: 9\n"] {
            let config = try loadConfig(yaml)
            #expect(try RunConfig.load(yaml: config.yaml(), source: "config.yaml") == config, "\(yaml)")
            #expect(try RunConfig(values: config.values, source: "values") == config)
        }
        let yaml = try loadConfig(Self.twoStages).yaml()
        #expect(yaml.contains("- {finetuning_type: freeze, learning_rate: 0.001, max_steps: 10, "
            + "trainable_modules: 'embed_tokens,lm_head'}"), "\(yaml)")
    }

    @Test("rewarm false is the first stage's: a staged run's learning rate and schedule stay (not moot)")
    func rewarmFalseIsFirstStages() throws {
        let config = try loadConfig("init_from: base\nrecipe: two_stage\nrewarm: false\nlearning_rate: 2e-3\n")
        #expect(config.withMootKeysAtDefaults() == config)
        #expect(config.stageConfigs[1].learningRate == 2e-3 && config.stageConfigs[1].rewarm)
        #expect(!RunConfig.isMoot("learning_rate", in: config.values))
    }

    @Test("a config without stages resolves as before: stages, recipe and recipe_stages are left out")
    func omittedByDefault() throws {
        let yaml = try loadConfig("finetuning_type: lora\n").yaml()
        for key in ["stages", "recipe"] { #expect(!yaml.contains(key)) }
        #expect(try loadConfig("stages: null\nrecipe: none\n") == loadConfig(""))
    }

    @Test("recipe two_stage trains embeddings and head, then LoRA with both saved; max_steps split evenly")
    func twoStageRecipe() throws {
        let config = try loadConfig("init_from: base\nrecipe: two_stage\nmax_steps: 7\nlora_rank: 2\n")
        #expect(config.maxSteps == 7 && config.stageConfigs.map(\.maxSteps) == [3, 4])
        #expect(config.stageConfigs[0].fineTuning == .freeze(trainableLayers: 0, modules: ["embed_tokens", "lm_head"]))
        #expect(config.stageConfigs[1].finetuningType == .lora && config.stageConfigs[1].loraRank == 2)
        #expect(config.stageConfigs[1].fineTuning.lora?.modulesToSave == ["embed_tokens", "lm_head"])
        let qlora = try loadConfig("init_from: base\nrecipe: two_stage\nfinetuning_type: qlora\n")
        #expect(qlora.stageConfigs[1].finetuningType == .qlora)
    }

    @Test("recipe gradual_unfreeze trains the top layer first and one more per stage")
    func gradualUnfreezeRecipe() throws {
        let config = try loadConfig("init_from: base\nmodel: tiny\nrecipe: gradual_unfreeze\nmax_steps: 10\n")
        #expect(config.stageConfigs.map(\.maxSteps) == [5, 5])
        #expect(config.stageConfigs.map(\.fineTuning) == [.freeze(trainableLayers: 1, modules: []),
                                                          .freeze(trainableLayers: 2, modules: [])])
        let three = try loadConfig("init_from: base\nrecipe: gradual_unfreeze\nrecipe_stages: 3\nmax_steps: 10\n"
            + "trainable_modules: [embed_tokens]\n")
        #expect(three.stageConfigs.map(\.fineTuning) == (1...3).map { .freeze(trainableLayers: $0, modules: ["embed_tokens"]) })
        #expect(three.stageConfigs.map(\.maxSteps) == [3, 3, 4])
    }

    @Test("later stages start from the stage before: the vocabulary extension, rewarm and reset_optimizer are the first's")
    func firstStageKeys() throws {
        let config = try loadConfig("init_from: base\nrecipe: two_stage\nmax_steps: 4\nrewarm: false\n"
            + "extend_vocabulary: {train_on: zh, new_tokens: 8}\nweight_decay: 0.5\n")
        #expect(config.stageConfigs[0].extendsVocabulary && !config.stageConfigs[0].rewarm)
        #expect(!config.stageConfigs[1].extendsVocabulary && config.stageConfigs[1].rewarm)
        #expect(config.stageConfigs.map(\.weightDecay) == [0.5, 0.5], "keys outside stages hold for every stage")
    }

    @Test("bad stage values get one line naming the stage, the key and what is wrong")
    func errors() {
        let stage = "init_from: base\nstages:\n  - {max_steps: 5, finetuning_type: lora}\n"
        #expect(configFailure("init_from: base\nstages:\n  - {max_steps: 5, learning_rat: 1e-3}\n")
            == "config.yaml: stages[0]: unknown key 'learning_rat' (did you mean 'learning_rate'?)")
        #expect(configFailure("init_from: base\nstages:\n  - {max_steps: 5, dataset: y}\n")
            == "config.yaml: stages[0]: unknown key 'dataset'")
        #expect(configFailure(stage + "  - {max_steps: 5, learning_rate: -1}\n")
            == "config.yaml: stages[1]: learning_rate must be > 0, got -1")
        #expect(configFailure(stage + "  - {finetuning_type: full}\n")
            == "config.yaml: stages[1]: missing required key 'max_steps'")
        #expect(configFailure("stages: 3\n")
            == "config.yaml: key 'stages' expects a list of maps of " + RunConfig.stageKeys.joined(separator: ", ")
                + ", got 3")
        #expect(configFailure("stages: [1]\n") == "config.yaml: key 'stages[0]' expects a map of stage keys, got 1")
        #expect(configFailure(stage + "recipe: two_stage\n")
            == "config.yaml: recipe and stages both give the stages: give one")
        #expect(configFailure("recipe_stages: 3\n")
            == "config.yaml: recipe_stages applies only with recipe gradual_unfreeze, but recipe is none")
        #expect(configFailure("init_from: base\nrecipe: two_stage\nrecipe_stages: 3\n")
            == "config.yaml: recipe_stages applies only with recipe gradual_unfreeze, but recipe is two_stage")
        #expect(configFailure(stage + "max_steps: 6\n")
            == "config.yaml: max_steps 6 differs from the stages' sum (5): give max_steps in each stage only")
        #expect(configFailure("init_from: base\nrecipe: gradual_unfreeze\nlora_rank: 4\n")
            == "config.yaml: key 'lora_rank' applies only to finetuning_type lora or qlora, but finetuning_type is "
                + "freeze in every stage")
        #expect(configFailure("init_from: base\nrecipe: gradual_unfreeze\nrecipe_stages: 5\nmax_steps: 4\n")
            == "config.yaml: max_steps must be >= 5 (a step per stage of recipe gradual_unfreeze), got 4")
        #expect(configFailure("init_from: base\nmodel: tiny\nrecipe: gradual_unfreeze\nrecipe_stages: 3\n")
            == "config.yaml: recipe gradual_unfreeze stage 3: freeze_trainable_layers must be <= num_hidden_layers (2), got 3")
        #expect(configFailure("init_from: base\nrecipe: sandwich\n")?.hasPrefix("config.yaml: unknown recipe 'sandwich'") == true)
        #expect(configFailure("init_from: base\nrecipe: gradual_unfreeze\nrecipe_stages: 1\n")
            == "config.yaml: recipe_stages must be >= 2, got 1")
        #expect(configFailure("init_from: base\nrecipe: gradual_unfreeze\nrecipe_stages: x\n")
            == "config.yaml: key 'recipe_stages' expects an integer, got \"x\"")
        #expect(configFailure("stages: []\n")?.hasPrefix("config.yaml: key 'stages' expects a list of maps of") == true)
        #expect(configFailure("init_from: base\nstages:\n  - {max_steps: 5, finetuning_type: lorra}\n")
            == "config.yaml: stages[0]: unknown finetuning_type 'lorra' (valid: full, freeze, lora, qlora)")
        #expect(configFailure("init_from: base\nrecipe: two_stage\nfinetuning_type: qlora\nquantization_type: gguf\n")
            == "config.yaml: recipe two_stage stage 2: quantization_type gguf keeps a GGUF file's 4-bit blocks, but "
                + "stage 2 starts from stage 1's checkpoint (use nf4 or fp4)")
        // a stage's own rules: l2_to_base outside stages holds for every stage, and needs full or freeze
        #expect(configFailure(stage + "l2_to_base: 0.1\n")
            == "config.yaml: l2_to_base 0.1 needs finetuning_type full or freeze (lora trains new adapters, not the "
                + "base's weights), but finetuning_type is lora")
        #expect(configFailure("init_from: base\nstages:\n  - {max_steps: 5, finetuning_type: lora, l2_to_base: 0.1}\n")
            == "config.yaml: stages[0]: l2_to_base 0.1 needs finetuning_type full or freeze (lora trains new "
                + "adapters, not the base's weights), but finetuning_type is lora")
    }
}
