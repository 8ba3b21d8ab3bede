import Foundation
import Testing
@testable import RewarmEngine

@Suite("Run config errors: one line naming the source, the key and the value")
struct RunConfigErrorTests {
    /// The message `load` fails with, or nil when it loads.
    func failure(_ yaml: String, _ overrides: [String] = []) -> String? {
        do {
            _ = try RunConfig.load(yaml: yaml, source: "config.yaml", overrides: overrides)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("an unknown key names the closest valid key, in the file or in --set")
    func unknownKey() {
        #expect(failure("dataset: x\nlearning_rat: 0.1\n")
            == "config.yaml: unknown key 'learning_rat' (did you mean 'learning_rate'?)")
        #expect(failure("dataset: x\n", ["max_step=5"]) == "--set: unknown key 'max_step' (did you mean 'max_steps'?)")
        #expect(failure("dataset: x\nzzzzzzzzzz: 1\n") == "config.yaml: unknown key 'zzzzzzzzzz'")
        #expect(throws: ConfigError.unknownKey(source: "code", key: "lr", suggestion: "learning_rate")) {
            try RunConfig(values: ["dataset": "x", "lr": 0.1], source: "code")
        }
    }

    @Test("a value of the wrong type names the expected type and the value as written")
    func wrongType() {
        #expect(failure("dataset: x\nmax_steps: abc\n") == #"config.yaml: key 'max_steps' expects an integer, got "abc""#)
        #expect(failure("dataset: x\nmax_steps: 1.5\n") == "config.yaml: key 'max_steps' expects an integer, got 1.5")
        #expect(failure("dataset: x\nlearning_rate: [1]\n") == "config.yaml: key 'learning_rate' expects a number, got [1]")
        #expect(failure("dataset: x\nrewarm: maybe\n") == #"config.yaml: key 'rewarm' expects true or false, got "maybe""#)
        #expect(failure("dataset: x\nseed: null\n") == "config.yaml: key 'seed' expects an integer, got null")
        #expect(failure("dataset: x\nmodel: {a: 1}\n") == "config.yaml: key 'model' expects one of tiny, small, base, smollm2-135m, got a map")
        #expect(failure("dataset: x\n", ["learning_rate=abc"]) == #"--set: key 'learning_rate' expects a number, got "abc""#)
    }

    @Test("a value out of range says the range and the value")
    func outOfRange() {
        #expect(failure("dataset: x\nlearning_rate: -0.1\n") == "config.yaml: learning_rate must be > 0, got -0.1")
        #expect(failure("dataset: x\nwarmup_ratio: 1.5\n") == "config.yaml: warmup_ratio must be in [0, 1], got 1.5")
        #expect(failure("dataset: x\nfinetuning_type: lora\nlora_rank: 0\n") == "config.yaml: lora_rank must be >= 1, got 0")
        #expect(failure("dataset: x\nval_size: 0\n") == "config.yaml: val_size must be in (0, 0.5], got 0")
        #expect(failure("dataset: x\nadam_beta2: 1\n") == "config.yaml: adam_beta2 must be in [0, 1), got 1")
        #expect(failure("dataset: x\nsave_at: [0.5, 1.5]\n") == "config.yaml: save_at must be in (0, 1], got 1.5")
        #expect(failure("dataset: x\ncutoff_len: 1\n") == "config.yaml: cutoff_len must be >= 2, got 1")
        #expect(failure("dataset: x\nlearning_rate: .inf\n") == "config.yaml: learning_rate must be a finite number, got inf")
        #expect(failure("dataset: x\nfinetuning_type: qlora\nquantization_bit: 8\n")
            == "config.yaml: quantization_bit must be 4, got 8")
        #expect(failure("dataset: x\nfinetuning_type: freeze\nfreeze_trainable_layers: 5\n")
            == "config.yaml: freeze_trainable_layers must be <= num_hidden_layers (4), got 5")
        #expect(failure("dataset: x\nlearning_rate: 0.1\n", ["learning_rate=-0.1"])
            == "--set: learning_rate must be > 0, got -0.1")
    }

    @Test("an unknown preset, scheduler, fine-tuning type or module lists the valid ones")
    func invalidChoice() {
        #expect(failure("dataset: x\nmodel: huge\n") == "config.yaml: unknown model 'huge' (valid: tiny, small, base, smollm2-135m)")
        #expect(failure("dataset: x\nlr_scheduler_type: cosin\n") == "config.yaml: unknown lr_scheduler_type 'cosin' "
            + "(valid: constant, constant_with_warmup, linear, cosine, cosine_with_restarts, polynomial, inverse_sqrt, warmup_stable_decay, infinite)")
        #expect(failure("dataset: x\nfinetuning_type: adapter\n")
            == "config.yaml: unknown finetuning_type 'adapter' (valid: full, freeze, lora, qlora)")
        #expect(failure("dataset: x\nfinetuning_type: lora\nlora_target: q_proj,x_proj\n") == "config.yaml: unknown lora_target "
            + "'x_proj' (valid: all, q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)")
    }

    @Test("a LoRA key given while finetuning_type is not lora or qlora is an error; null is not")
    func keyForAnotherFinetuningType() {
        #expect(failure("dataset: x\nlora_rank: 16\n")
            == "config.yaml: key 'lora_rank' applies only to finetuning_type lora or qlora, but finetuning_type is full")
        #expect(failure("dataset: x\nfinetuning_type: freeze\n", ["lora_target=q_proj"])
            == "--set: key 'lora_target' applies only to finetuning_type lora or qlora, but finetuning_type is freeze")
        #expect(failure("dataset: x\nfinetuning_type: lora\nquantization_bit: 4\n")
            == "config.yaml: key 'quantization_bit' applies only to finetuning_type qlora, but finetuning_type is lora")
        #expect(failure("dataset: x\nlora_rank: null\nlora_alpha: null\n") == nil)
        #expect(failure("dataset: x\nlora_rank: 16\n", ["finetuning_type=lora"]) == nil)
    }

    @Test("num_attention_heads must divide hidden_size into heads of even width")
    func headsDivideHidden() {
        #expect(failure("dataset: x\nnum_attention_heads: 3\n")
            == "config.yaml: num_attention_heads (3) must divide hidden_size (128) into heads of even width")
        #expect(failure("dataset: x\n", ["hidden_size=120", "num_attention_heads=8"])
            == "--set: num_attention_heads (8) must divide hidden_size (120) into heads of even width")
        #expect(failure("dataset: x\nhidden_size: 96\nnum_attention_heads: 6\n") == nil)
    }

    @Test("num_key_value_heads must divide num_attention_heads; vocab_size holds the byte ids")
    func keyValueHeadsDivideHeads() {
        #expect(failure("dataset: x\nnum_key_value_heads: 3\n")
            == "config.yaml: num_key_value_heads (3) must divide num_attention_heads (4)")
        #expect(failure("dataset: x\nmodel: smollm2-135m\n", ["num_attention_heads=8"]) == nil)
        #expect(failure("dataset: x\nmodel: smollm2-135m\n", ["num_attention_heads=8", "num_key_value_heads=3"])
            == "--set: num_key_value_heads (3) must divide num_attention_heads (8)")
        #expect(failure("dataset: x\nvocab_size: 37\n") == "config.yaml: vocab_size must be >= 256, got 37")
        #expect(failure("dataset: x\ntie_word_embeddings: 1\n")
            == "config.yaml: key 'tie_word_embeddings' expects true or false, got 1")
    }

    @Test("malformed YAML reports Yams' line and column")
    func malformedYAML() {
        #expect(failure("dataset: x\nlearning_rate: : 1\n")
            == "config.yaml:2:16: malformed YAML: mapping values are not allowed in this context")
        #expect(failure("dataset: [a, b\n")?.hasPrefix("config.yaml:2:1: malformed YAML: did not find expected ',' or ']'") == true)
        #expect(failure("dataset: x\nmax_steps: 3\nmax_steps: 4\n") == "config.yaml:2:1: duplicate key 'max_steps'")
        #expect(failure("dataset: x\n", ["save_at=[0.1,"])?.hasPrefix("--set save_at:") == true)
        #expect(failure("dataset: x\nseed: 4\u{1}2\n") == "config.yaml:2:8: malformed YAML: control characters are not allowed")
    }

    @Test("a top level that is not a map, a --set without '=', a missing dataset and a missing file")
    func structuralErrors() {
        #expect(failure("- dataset: x\n") == "config.yaml: expected a map of keys to values at the top level, got a list")
        #expect(failure("fortunes-zh\n")
            == #"config.yaml: expected a map of keys to values at the top level, got the scalar "fortunes-zh""#)
        #expect(failure("dataset: x\n", ["learning_rate"])
            == "--set: malformed override 'learning_rate' (expected key=value, e.g. learning_rate=3e-4)")
        #expect(failure("dataset: x\n", ["=0.1"])
            == "--set: malformed override '=0.1' (expected key=value, e.g. learning_rate=3e-4)")
        #expect(failure("max_steps: 10\n") == "config.yaml: missing required key 'dataset'")
        #expect(failure("dataset: ''\n") == "config.yaml: missing required key 'dataset'")
        let missing = URL(fileURLWithPath: "no-such-dir/config.yaml")
        do {
            _ = try RunConfig.load(yamlFile: missing)
            Issue.record("loading a missing file succeeded")
        } catch {
            #expect(error.description.hasPrefix("no-such-dir/config.yaml: cannot read the config file: "))
            #expect(!error.description.contains("\n"))
        }
    }
}
