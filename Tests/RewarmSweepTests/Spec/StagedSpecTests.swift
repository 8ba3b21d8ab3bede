import Foundation
import RewarmEngine
import Testing
@testable import RewarmSweep

/// Staged trials (`stages`, `recipe`) in sweep specs: expansion, trial identity, errors at the
/// spec path of the stage.
@Suite("Sweeps of staged trials")
struct StagedSpecTests {
    static let spec = """
        name: staged
        base:
          model: tiny
          dataset: synthetic
          max_steps: 100
        defaults:
          dataset: synthetic:down
          max_steps: 20
        grid:
          recipe: [two_stage, gradual_unfreeze]
        trials:
          - name: explicit
            rewarm: false
            stages:
              - {max_steps: 10, finetuning_type: freeze, trainable_modules: [embed_tokens, lm_head]}
              - {max_steps: 10, finetuning_type: lora, learning_rate: 2.0e-3, modules_to_save: [embed_tokens, lm_head]}

        """

    @Test("a recipe axis and a trial with stages expand to distinct trials that keep their stages")
    func expansion() throws {
        let e = try SpecFixtures.expand(Self.spec)
        #expect(e.trials.count == 3 && Set(e.trials.map(\.id)).count == 3)
        let explicit = try #require(e.trials.first { $0.name == "explicit" })
        guard case .list(let stages)? = explicit.values["stages"] else { Issue.record("no stages"); return }
        #expect(stages.count == 2 && stages[1] == .map(["finetuning_type": "lora", "learning_rate": 2e-3,
                                                        "max_steps": 10, "modules_to_save": "embed_tokens,lm_head"]))
        // rewarm false is the first stage's: the run's learning rate and schedule are not moot
        #expect(!explicit.isMoot("learning_rate") && explicit.values["learning_rate"] != nil)
        #expect(e.trials.filter { $0.name == nil }.compactMap { $0.values["recipe"] } == ["two_stage", "gradual_unfreeze"])
    }

    @Test("a bad value inside a stage is told at its spec path; a staged base is refused")
    func errors() {
        let bad = Self.spec.replacingOccurrences(of: "learning_rate: 2.0e-3", with: "learning_rate: -1")
        #expect(SpecFixtures.failure(bad) == "spec.yaml: trials[0].stages[1].learning_rate: must be > 0, got -1")
        let unknown = Self.spec.replacingOccurrences(of: "learning_rate: 2.0e-3", with: "dataset: x")
        #expect(SpecFixtures.failure(unknown)?.hasPrefix("spec.yaml: trials[0].stages[1].dataset") == true)
        let recipe = Self.spec.replacingOccurrences(of: "  recipe: [two_stage, gradual_unfreeze]",
                                                     with: "  recipe: [gradual_unfreeze]\n  recipe_stages: [3]")
        #expect(SpecFixtures.failure(recipe)
            == "spec.yaml: grid.recipe[0] (stage 3).freeze_trainable_layers: must be <= num_hidden_layers (2), got 3")
        let base = Self.spec.replacingOccurrences(of: "  max_steps: 100", with: "  max_steps: 100\n  recipe: two_stage")
        #expect(SpecFixtures.failure(base)?.hasPrefix("spec.yaml: base.recipe: a base trains in one stage") == true)
    }
}
