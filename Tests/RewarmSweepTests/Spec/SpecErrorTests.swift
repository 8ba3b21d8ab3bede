import Foundation
import Testing
@testable import RewarmStore
@testable import RewarmSweep

@Suite("Spec errors: one line naming the file, the key path and the problem")
struct SpecErrorTests {
    let fail = SpecFixtures.failure

    @Test("an unknown key names its path and the closest valid key")
    func unknownKey() {
        #expect(fail(SpecFixtures.maxLR.replacingOccurrences(of: "  learning_rate: [", with: "  learning_rat: ["), "max-lr.yaml")
            == "max-lr.yaml: grid.learning_rat: unknown key (did you mean 'learning_rate'?)")
        #expect(fail(SpecFixtures.small(extra: "sedes: [1]"), "spec.yaml") == "spec.yaml: sedes: unknown key (did you mean 'seeds'?)")
        #expect(fail(SpecFixtures.small(extra: "zzzzzzzz: 1"), "spec.yaml") == "spec.yaml: zzzzzzzz: unknown key")
        #expect(fail(SpecFixtures.small(extra: "trials:\n  - {name: a}\n  - {warmup_ration: 0.1}"), "spec.yaml")
            == "spec.yaml: trials[1].warmup_ration: unknown key (did you mean 'warmup_ratio'?)")
        #expect(fail(SpecFixtures.small().replacingOccurrences(of: "  max_steps: 20", with: "  max_step: 20"), "spec.yaml")
            == "spec.yaml: defaults.max_step: unknown key (did you mean 'max_steps'?)")
        #expect(fail(SpecFixtures.small().replacingOccurrences(of: "  dataset: synthetic\n", with: "  downstream: synthetic\n"), "spec.yaml")
            == "spec.yaml: base.downstream: unknown key (did you mean 'dataset'?)")
        #expect(fail(SpecFixtures.small(extra: "max_steps: 5"), "spec.yaml")
            == "spec.yaml: max_steps: unknown key: run-config keys go under base, defaults, grid or trials")
    }

    @Test("keys the sweep sets itself are refused where a spec sets them")
    func sweepOwnedKeys() {
        #expect(fail(SpecFixtures.small(grid: "  seed: [1, 2]"), "s.yaml") == "s.yaml: grid.seed: set by the sweep: list the seeds under seeds")
        #expect(fail(SpecFixtures.small(extra: "trials: [{output_dir: x}]"), "s.yaml")
            == "s.yaml: trials[0].output_dir: set by the sweep (the run folder under the results folder)")
        #expect(fail(SpecFixtures.small().replacingOccurrences(of: "  model: tiny", with: "  run_name: b"), "s.yaml")
            == "s.yaml: base.run_name: set by the sweep (the trial id)")
    }

    @Test("a value of the wrong type names the expected type and the value as written")
    func wrongType() {
        #expect(fail(SpecFixtures.small(grid: "  learning_rate: 0.001"), "s.yaml")
            == "s.yaml: grid.learning_rate: expects a list of values such as [1, 2], got 0.001")
        #expect(fail(SpecFixtures.small(grid: "  learning_rate: [0.001, abc]"), "s.yaml")
            == #"s.yaml: grid.learning_rate[1]: expects a number, got "abc""#)
        #expect(fail(SpecFixtures.small(grid: "  max_steps: [{a: 1}]"), "s.yaml")
            == "s.yaml: grid.max_steps[0]: expects an integer, got a map")
        #expect(fail(SpecFixtures.small(extra: "seeds: 3"), "s.yaml") == "s.yaml: seeds: expects a list of integers such as [1, 2, 3], got 3")
        #expect(fail(SpecFixtures.small(extra: "seeds: []"), "s.yaml")
            == "s.yaml: seeds: expects a list of integers such as [1, 2, 3], got an empty list")
        #expect(fail(SpecFixtures.small(extra: "seeds: [1, x]"), "s.yaml") == #"s.yaml: seeds[1]: expects an integer, got "x""#)
        #expect(fail(SpecFixtures.small(extra: "trials: [scratch]"), "s.yaml")
            == #"s.yaml: trials[0]: expects a map of config keys, got "scratch""#)
        #expect(fail("name: x\nbase: [1, 2]\n", "s.yaml") == "s.yaml: base: expects a map of config keys, got a list")
        #expect(fail("- a\n- b\n", "s.yaml")
            == "s.yaml: expects a map with name, base, defaults, grid, trials and seeds, got a list")
        #expect(fail(SpecFixtures.small().replacingOccurrences(of: "  max_steps: 20", with: "  rewarm: maybe"), "s.yaml")
            == #"s.yaml: defaults.rewarm: expects true or false, got "maybe""#)
    }

    @Test("an empty grid axis is an error")
    func emptyAxis() {
        #expect(fail(SpecFixtures.small(grid: "  learning_rate: [1.0e-3]\n  rewarm: []"), "s.yaml")
            == "s.yaml: grid.rewarm: empty axis (give at least one value)")
    }

    @Test("a duplicate axis or key names its path and both lines, whether YAML or an alias repeats it")
    func duplicates() {
        let grid = "  learning_rate: [1.0e-3]\n  rewarm: [true]\n  learning_rate: [2.0e-3]"
        #expect(fail(SpecFixtures.small(grid: grid), "s.yaml") == "s.yaml: grid.learning_rate: duplicate axis (lines 11 and 13)")
        #expect(fail(SpecFixtures.small(grid: "  dataset: [synthetic:a]\n  downstream: [synthetic:b]"), "s.yaml")
            == "s.yaml: grid.downstream: duplicate axis (lines 11 and 12)")
        #expect(fail(SpecFixtures.small(extra: "trials:\n  - {name: a, warmup_ratio: 0.1, warmup_ratio: 0.2}"), "s.yaml")
            == "s.yaml: trials[0].warmup_ratio: duplicate key (lines 13 and 13)")
        #expect(fail(SpecFixtures.small().replacingOccurrences(of: "  max_steps: 20", with: "  max_steps: 20\n  max_steps: 30"), "s.yaml")
            == "s.yaml: defaults.max_steps: duplicate key (lines 9 and 10)")
        #expect(fail("name: a\nname: b\nbase: {dataset: synthetic}\n", "s.yaml") == "s.yaml: name: duplicate key (lines 1 and 2)")
        let thrice = "  rewarm: [true]\n  rewarm: [false]\n  rewarm: [true]"
        #expect(fail(SpecFixtures.small(grid: thrice), "s.yaml") == "s.yaml: grid.rewarm: duplicate axis (lines 11 and 12 and 13)")
    }

    @Test("a value out of range is told at the grid value, default or trial that gave it")
    func outOfRange() {
        #expect(fail(SpecFixtures.small(grid: "  warmup_ratio: [0.0, 0.01, 1.5]"), "max-lr.yaml")
            == "max-lr.yaml: grid.warmup_ratio[2]: must be in [0, 1], got 1.5")
        #expect(fail(SpecFixtures.small().replacingOccurrences(of: "  max_steps: 20", with: "  max_steps: 0"), "s.yaml")
            == "s.yaml: defaults.max_steps: must be >= 1, got 0")
        #expect(fail(SpecFixtures.small().replacingOccurrences(of: "  max_steps: 100", with: "  max_steps: -5"), "s.yaml")
            == "s.yaml: base.max_steps: must be >= 1, got -5")
        #expect(fail(SpecFixtures.small(extra: "trials: [{learning_rate: -1}]"), "s.yaml")
            == "s.yaml: trials[0].learning_rate: must be > 0, got -1")
        #expect(fail(SpecFixtures.small(extra: "seeds: [1, -2]"), "s.yaml") == "s.yaml: seeds[1]: must be >= 0, got -2")
        #expect(fail(SpecFixtures.small(extra: "seeds: [1, 2, 1]"), "s.yaml") == "s.yaml: seeds[2]: 1 repeats seeds[0]")
        #expect(fail(SpecFixtures.small(grid: "  lr_scheduler_type: [cosine, cosin]"), "s.yaml")
            == "s.yaml: grid.lr_scheduler_type[1]: unknown lr_scheduler_type 'cosin' (valid: constant, constant_with_warmup, "
                + "linear, cosine, cosine_with_restarts, polynomial, inverse_sqrt, warmup_stable_decay, infinite)")
        #expect(fail(SpecFixtures.small(grid: "  num_attention_heads: [3]", extra: "trials: []").replacingOccurrences(
            of: "  max_steps: 20", with: "  max_steps: 20\n  init_from: scratch"), "s.yaml")
            == "s.yaml: grid.num_attention_heads[0]: num_attention_heads (3) must divide hidden_size (32) into heads of even width")
    }

    @Test("an unknown corpus or a missing corpus file names the key path")
    func corpora() {
        #expect(fail(SpecFixtures.small(grid: "  downstream: [fortunes-de, fortunes-fr]"), "s.yaml")
            == "s.yaml: grid.downstream[1]: unknown corpus 'fortunes-fr': built-ins are fortunes-en, fortunes-zh, "
                + "fortunes-de, licenses, synthetic, synthetic:NAME; or give a path to a .txt file, a .jsonl file "
                + "or a folder of .txt files")
        #expect(fail(SpecFixtures.small().replacingOccurrences(of: "synthetic:down", with: "/nonexistent/down.txt"), "s.yaml")
            == "s.yaml: defaults.dataset: /nonexistent/down.txt: no such file or folder")
        #expect(fail(SpecFixtures.small().replacingOccurrences(of: "  dataset: synthetic\n", with: "  dataset: data/up.jsonl\n"), "s.yaml")
            == "s.yaml: base.dataset: data/up.jsonl: no such file or folder")
        #expect(fail(SpecFixtures.small().replacingOccurrences(of: "  dataset: synthetic\n", with: "  dataset: synthetic[3/2]\n"), "s.yaml")
            == "s.yaml: base.dataset: synthetic[3/2] = [3/2]: expected N >= 2 parts and a part k in 1...N")
        #expect(fail(SpecFixtures.small(extra: "trials: [{upstream: nowhere}]"), "s.yaml")?
            .hasPrefix("s.yaml: trials[0].upstream: unknown corpus 'nowhere'") == true)
        #expect(fail(SpecFixtures.small(extra: "trials: [{upstream: default}]"), "s.yaml") == nil)
    }

    @Test("a LoRA key on a trial that is not LoRA is an error at the key's path")
    func loraKeyOnFullTrial() {
        #expect(fail(SpecFixtures.small(grid: "  lora_rank: [4, 8]"), "s.yaml")
            == "s.yaml: grid.lora_rank[0]: applies only to finetuning_type lora or qlora, but finetuning_type is full")
        #expect(fail(SpecFixtures.small(grid: "  lora_rank: [4, 8]", extra: "").replacingOccurrences(
            of: "  max_steps: 20", with: "  max_steps: 20\n  finetuning_type: lora"), "s.yaml") == nil)
    }

    @Test("malformed YAML gives its line and column")
    func malformedYAML() {
        let message = fail("name: x\nbase:\n  model: [tiny\n  dataset: synthetic\n", "s.yaml")
        #expect(message == "s.yaml:4:10: malformed YAML: did not find expected ',' or ']' "
            + "(while parsing a flow sequence at 3:10)")
        #expect(message?.contains("\n") == false)
        #expect(fail("name: x\n\tbase: {}\n", "s.yaml")?.hasPrefix("s.yaml:2:1: malformed YAML: ") == true)
    }

    @Test("a missing name, base or dataset is an error naming the key")
    func missingKeys() {
        #expect(fail("base: {dataset: synthetic}\n", "s.yaml") == "s.yaml: name: required key missing")
        #expect(fail("", "s.yaml") == "s.yaml: name: required key missing")
        #expect(fail("name: x\n", "s.yaml") == "s.yaml: base: required key missing")
        #expect(fail("name: x\nbase: {model: tiny}\n", "s.yaml") == "s.yaml: base.dataset: required key missing")
        #expect(fail("name: x\nbase: {dataset: synthetic}\n", "s.yaml") == "s.yaml: defaults.dataset: required key missing")
    }

    @Test("a sweep name must be a folder name")
    func sweepName() {
        #expect(fail("name: Max LR\nbase: {dataset: synthetic}\n", "s.yaml")
            == "s.yaml: name: 'Max LR' is not a valid sweep name: use lowercase letters, digits, '.', '_' and '-', "
                + "starting with a letter or digit")
        #expect(fail("name: ..\nbase: {dataset: synthetic}\n", "s.yaml")?.hasPrefix("s.yaml: name: '..' is not") == true)
        #expect(fail("name: bases\nbase: {dataset: synthetic}\n", "s.yaml")
            == "s.yaml: name: 'bases' is reserved (the folder of the cached bases)")
        #expect(fail("name: {a: 1}\nbase: {dataset: synthetic}\n", "s.yaml") == "s.yaml: name: expects a string, got a map")
    }

    @Test("init_from: base@F must name a kept checkpoint, a path must exist, and rewarm false needs a checkpoint")
    func initFrom() {
        #expect(fail(SpecFixtures.maxLR.replacingOccurrences(of: "base@0.07", with: "base@0.5"), "max-lr.yaml")
            == "max-lr.yaml: trials[1].init_from: base@0.5 is not a kept checkpoint of the base "
                + "(base.save_at is [0.07, 0.19, 1.0])")
        #expect(fail(SpecFixtures.small(grid: "  init_from: [base@1.0, base@0.25]"), "s.yaml")
            == "s.yaml: grid.init_from[1]: base@0.25 is not a kept checkpoint of the base (base.save_at is [0.5, 1.0])")
        #expect(fail(SpecFixtures.small(grid: "  init_from: [base@half]"), "s.yaml")
            == "s.yaml: grid.init_from[0]: 'base@half' is not base@F with F a fraction of base.max_steps")
        let gguf = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/gguf/tiny-llama/tied-q8_0.gguf").path
        #expect(SpecFixtures.failure(SpecFixtures.small(extra: "trials: [{init_from: \(gguf)}]")) == nil,
                "a .gguf file is a model source like a folder")
        #expect(fail(SpecFixtures.small(extra: "trials: [{init_from: runs/none}]"), "s.yaml")
            == "s.yaml: trials[0].init_from: no such folder or GGUF file 'runs/none' "
            + "(give base@F, scratch, a run or checkpoint folder, or a .gguf file)")
        #expect(fail(SpecFixtures.small().replacingOccurrences(of: "  model: tiny", with: "  init_from: base@1.0"), "s.yaml")
            == "s.yaml: base.init_from: the base cannot start from a checkpoint of itself")
        #expect(fail(SpecFixtures.small(extra: "trials: [{init_from: scratch, rewarm: false}]"), "s.yaml")
            == "s.yaml: trials[0].rewarm: false needs init_from (it holds the learning rate where the checkpoint's "
                + "schedule ended), but trials[0].init_from starts from scratch")
        #expect(fail(SpecFixtures.small(extra: "trials: [{init_from: scratch, upstream: null, replay_ratio: 0.25}]"), "s.yaml")
            == "s.yaml: trials[0].replay_ratio: 0.25 needs an upstream corpus to replay (set upstream or init_from)")
    }

    @Test("a trial from the base cannot change the model shape; a trial from scratch can")
    func modelShape() {
        #expect(fail(SpecFixtures.small(grid: "  hidden_size: [64]"), "s.yaml")
            == "s.yaml: grid.hidden_size[0]: a trial from the base has the base's model: set hidden_size under base")
        #expect(fail(SpecFixtures.small(extra: "trials: [{init_from: scratch, model: small}]")
            .replacingOccurrences(of: "grid:\n  learning_rate: [1.0e-3, 2.0e-3]", with: ""), "s.yaml") == nil)
    }

    @Test("extra trial names are unique")
    func duplicateTrialNames() {
        #expect(fail(SpecFixtures.small(extra: "trials: [{name: a}, {name: b}, {name: a, warmup_ratio: 0.1}]"), "s.yaml")
            == "s.yaml: trials[2].name: 'a' is already the name of trials[0]")
    }

    @Test("an unreadable spec file names the file as given")
    func unreadableFile() {
        #expect(throws: SpecError.self) { try SweepSpec.load(file: URL(fileURLWithPath: "no/such/spec.yaml")) }
        do {
            _ = try SweepSpec.load(file: URL(fileURLWithPath: "no/such/spec.yaml"))
        } catch {
            #expect(error.description.hasPrefix("no/such/spec.yaml: cannot read the sweep spec: "))
        }
    }
}
