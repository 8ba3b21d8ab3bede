import Testing

/// Every end-to-end sweep test, one at a time: each runs `rewarm` processes with `--jobs 2` on a
/// shared two-core machine, and the kill and Ctrl-C tests watch a sweep while it runs.
@Suite("Sweeps end to end (the rewarm executable)", .serialized)
struct SweepEndToEndTests {}

/// Sweep specs of the end-to-end tests: a tiny preset on synthetic corpora (seconds in debug).
enum SweepSpecs {
    /// The base every spec here shares: 40 steps, evaluated every 20, checkpoints kept at 50% and 100%.
    static let base = """
        base:
          model: tiny
          dataset: synthetic:a
          max_steps: 40
          learning_rate: 3.0e-3
          lr_scheduler_type: cosine
          warmup_ratio: 0.05
          per_device_train_batch_size: 4
          cutoff_len: 16
          eval_tokens: 512
          eval_steps: 20
          save_at: [0.5, 1.0]
        """
    static let baseEvaluations = evaluationSteps(maxSteps: 40, evalSteps: 20)

    /// Trial defaults: `maxSteps` steps on synthetic:b, evaluated every `evalSteps`.
    static func defaults(maxSteps: Int = 30, evalSteps: Int = 10) -> String {
        """
        defaults:
          dataset: synthetic:b
          max_steps: \(maxSteps)
          eval_steps: \(evalSteps)
          per_device_train_batch_size: 4
          cutoff_len: 16
          eval_tokens: 512
        """
    }

    /// The tiny study: 2 learning rates x rewarm on/off (off merges the rates) + 2 extras, 2 seeds
    /// = 10 distinct trials of 30 steps, evaluated at 0, 10, 20, 30.
    static let tiny = """
        name: tiny-lr
        \(base)
        \(defaults())
        grid:
          learning_rate: [1.5e-3, 3.0e-3]
          rewarm: [true, false]
        trials:
          - {name: scratch, init_from: scratch}
          - {name: from-half, init_from: base@0.5}
        seeds: [1, 2]

        """
    static let tinyTrials = 10
    static let tinyEvaluations = evaluationSteps(maxSteps: 30, evalSteps: 10)

    /// A spec named `name` with the shared base, 30-step defaults, and `body` (grid, trials, seeds).
    static func small(_ name: String, _ body: String) -> String {
        "name: \(name)\n\(base)\n\(defaults())\n\(body)\n"
    }

    /// Long enough to interrupt while trials run (a few seconds with 2 jobs; the engine is
    /// optimized in debug builds too): 4 trials of 4000 steps, evaluated at 0, 500, ..., 4000.
    static let long = """
        name: long
        \(base)
        \(defaults(maxSteps: 4000, evalSteps: 500))
        grid:
          learning_rate: [1.5e-3, 3.0e-3, 6.0e-3]
        trials:
          - {name: scratch, init_from: scratch}
        seeds: [1]

        """
    static let longTrials = 4
    static let longEvaluations = evaluationSteps(maxSteps: 4000, evalSteps: 500)

    /// A plain-text corpus of `documents` documents separated by blank lines.
    static func textCorpus(documents: Int = 80) -> String {
        let words = ["river", "stone", "lamp", "garden", "winter", "bread", "window", "quiet", "north", "song"]
        return (0..<documents).map { d in
            (0..<3).map { s in
                (0..<9).map { w in words[(d * 7 + s * 3 + w * w) % words.count] }.joined(separator: " ") + "."
            }.joined(separator: "\n")
        }.joined(separator: "\n\n") + "\n"
    }
}
