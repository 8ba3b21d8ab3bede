import RewarmEngine

/// Where the stages of a staged condition (`stages`, `recipe`) begin on the charts' token axis:
/// a dotted vertical line and a label per boundary (`two-stage: stage 2`).
enum StageMarks {
    /// The run's steps where stage 2, 3, ... begin; empty for a run of one stage (or a config
    /// that does not rebuild).
    static func boundarySteps(_ config: [String: ConfigValue]) -> [Int] {
        // a stored config has the keys left out at their default filled in (`SweepData`): leave
        // them out again, so they read as not given (recipe_stages is refused where it is given)
        let given = config.filter { key, value in
            !RunConfig.keysOmittedAtDefault.contains(key) || RunConfig.key(named: key)?.defaultValue != value
        }
        guard let run = try? RunConfig(values: given, source: "report"), run.isStaged else { return [] }
        var step = 0
        return run.stageConfigs.dropLast().map { stage in
            step += stage.maxSteps
            return step
        }
    }

    /// The boundaries of the condition of `config` and `trials` in training tokens (its tokens
    /// per step from its metrics), labelled with `label`.
    static func marks(config: [String: ConfigValue], trials: [TrialSeries], label: String)
        -> [(label: String, tokens: Int)]
    {
        let steps = boundarySteps(config)
        guard !steps.isEmpty, let record = trials.lazy.flatMap(\.metrics).first(where: { $0.step > 0 }) else {
            return []
        }
        let tokensPerStep = record.tokens / record.step
        return steps.enumerated().map { k, step in ("\(label): stage \(k + 2)", step * tokensPerStep) }
    }

    /// gnuplot `set arrow` and `set label` lines for `marks`, x divided by `divisor`: one line per
    /// boundary (the labels of marks at the same x joined), labels stepped down so they do not overlap.
    static func settings(_ marks: [(label: String, tokens: Int)], divisor: Double) -> [String] {
        var byTokens: [(tokens: Int, labels: [String])] = []
        for mark in marks {
            if let i = byTokens.firstIndex(where: { $0.tokens == mark.tokens }) {
                byTokens[i].labels.append(mark.label)
            } else {
                byTokens.append((mark.tokens, [mark.label]))
            }
        }
        return byTokens.sorted { $0.tokens < $1.tokens }.enumerated().flatMap { i, mark -> [String] in
            let x = GnuplotScript.number(Double(mark.tokens) / divisor)
            let y = GnuplotScript.number(Double(97 - 4 * (i % 6)) / 100)
            return [
                "set arrow from \(x), graph 0 to \(x), graph 1 nohead dt 3 lw 1 lc rgb \"gray40\" front",
                "set label \(GnuplotScript.quoted(mark.labels.joined(separator: "; "))) at \(x), graph \(y) left "
                    + "offset 0.5,0 font \",8\" tc rgb \"gray30\" front",
            ]
        }
    }
}
