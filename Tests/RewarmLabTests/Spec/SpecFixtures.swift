import Foundation
@testable import RewarmLab

/// Specs shared by the spec tests.
enum SpecFixtures {
    /// The example of the sweeps issue, as written there.
    static let maxLR = """
        name: max-lr
        base:                      # pre-trained once, cached by the hash of its config
          model: small
          dataset: fortunes-en
          max_steps: 2000
          learning_rate: 3.0e-3
          lr_scheduler_type: cosine   # to min_lr_ratio x peak (0.1)
          warmup_ratio: 0.01
          save_at: [0.07, 0.19, 1.0]  # fractions of max_steps kept as checkpoints
        defaults:                  # every trial; init_from defaults to the base's final checkpoint
          dataset: fortunes-zh
          max_steps: 1000
          eval_steps: 50
        grid:
          learning_rate: [1.5e-3, 3.0e-3, 6.0e-3]
          warmup_ratio: [0.0, 0.01]
          rewarm: [true, false]
        trials:                    # explicit extras
          - {name: scratch, init_from: scratch}
          - {name: from-7pct, init_from: base@0.07}
        seeds: [1, 2, 3]

        """

    /// A small spec: `extra` lines are appended at the top level (after `grid`).
    static func small(grid: String = "  learning_rate: [1.0e-3, 2.0e-3]", extra: String = "") -> String {
        """
        name: small
        base:
          model: tiny
          dataset: synthetic
          max_steps: 100
          save_at: [0.5]
        defaults:
          dataset: synthetic:down
          max_steps: 20
        grid:
        \(grid)
        \(extra)
        """
    }

    static func parse(_ yaml: String, file: String = "spec.yaml") throws(SpecError) -> SweepSpec {
        try SweepSpec.parse(yaml: yaml, source: file)
    }

    static func expand(_ yaml: String, file: String = "spec.yaml") throws(SpecError) -> Expansion {
        try SweepSpec.parse(yaml: yaml, source: file).expand()
    }

    /// The message parsing and expanding `yaml` fails with, or nil when it expands.
    static func failure(_ yaml: String, file: String = "spec.yaml") -> String? {
        do {
            _ = try expand(yaml, file: file)
            return nil
        } catch {
            return error.description
        }
    }
}
