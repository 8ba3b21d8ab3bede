import Foundation

extension Condition {
    /// The per-seed values of `statistic` over the completed seeds, keyed by seed (seeds giving
    /// nil left out): what the checks of rules v2 take, so that paired intervals can match seeds.
    func seedValues(_ statistic: (TrialSeries) -> Double?) -> [Int: Double] {
        var out: [Int: Double] = [:]
        for trial in completed { if let v = statistic(trial) { out[trial.seed] = v } }
        return out
    }
}

extension TrialSeries {
    /// The largest evaluation of `metric` at steps 0 < step <= `point`, minus its value at step 0.
    /// Unlike `peakRise` (whose peak includes step 0, so it is never below 0) it can be negative,
    /// so "it rises" is a claim the data can refute: rules v2 need checks that can fail.
    func riseAfterStart(_ metric: LossMetric, through point: TimePoint = .end) -> Double? {
        let p = points(metric)
        let limit = point.step(maxSteps: maxSteps)
        let later = zip(p.steps, p.values).filter { $0.0 > 0 && $0.0 <= limit }.map(\.1)
        guard let peak = later.max(), let start = value(metric, at: .start) else { return nil }
        return peak - start
    }
}

extension Findings {
    /// F2 under rules v2: the example of how a finding is ported onto `RuleCheck` and
    /// `RulesV2.verdict`. NOT wired into `evaluate` yet (the report still applies rules v1).
    ///
    /// Every protocol rewarm, per run: max(Lup after step 0) - Lup(0) > 0 and Lup(T) - Lup(0) > 0 (real: the
    /// 95% one-sample interval of the per-seed differences lies above 0); Ldown(T) - Ldown(0) < 0,
    /// trivially true when every seed's Ldown(0) > ln(vocabulary) (a model that starts worse than
    /// uniform guessing cannot fail to fall); where the seed median of Ldown(0) < ln(vocabulary),
    /// the peak of Ldown over (0, 0.05T] minus Ldown(0) > 0 (real), else that rise is a note.
    static func rewarmRiseV2(_ set: ConditionSet, vocabularySize: Int = 256) -> FindingResult? {
        let runs = set.protocolRewarms()
        guard !runs.isEmpty else { return nil }
        let uniform = log(Double(vocabularySize))
        var checks: [RuleCheck] = []
        var notes = ["rules \(RulesV2.rulesVersion)"]
        for c in runs {
            let at = " at \(c.label)"
            checks.append(.change("max(Lup) - Lup(0)" + at, perSeed: c.seedValues { $0.riseAfterStart(.upstream) },
                                  claim: .above(0)))
            checks.append(.change("Lup(T) - Lup(0)" + at, perSeed: c.seedValues { $0.netChange(.upstream) },
                                  claim: .above(0)))
            let start = c.seedValues { $0.value(.downstream, at: .start) }
            let fall = c.seedValues { $0.netChange(.downstream) }
            var learn = RuleCheck.change("Ldown(T) - Ldown(0)" + at, perSeed: fall,
                                         claim: .below(0))
            if !start.isEmpty, start.values.allSatisfy({ $0 > uniform }) {
                learn = learn.triviallyTrue("Ldown(0) > ln(\(vocabularySize)) = \(Fmt.num(uniform)) in every seed")
            }
            checks.append(learn)
            let early = c.seedValues { $0.riseAfterStart(.downstream, through: .fraction(0.05)) }
            let earlyCheck = RuleCheck.change("max(Ldown over (0, 0.05T]) - Ldown(0)" + at, perSeed: early,
                                              claim: .above(0))
            if let median = Statistics.median(Array(start.values)), median < uniform {
                checks.append(earlyCheck)
            } else {
                notes.append("reported, not judged (Ldown(0) >= ln(\(vocabularySize))): " + earlyCheck.line)
            }
        }
        let fewest = runs.map(\.seeds).min() ?? 0
        if fewest >= RulesV2.minimumSeeds && fewest < RulesV2.recommendedSeeds {
            notes.append("\(fewest) seeds: a verdict, but studies run >= \(RulesV2.recommendedSeeds)")
        }
        let v = RulesV2.verdict(checks, fewestSeeds: fewest)
        notes.append(v.reason)
        return FindingResult(id: "F2", title: titles["F2"] ?? "F2", verdict: v.verdict,
                             checks: checks.map(FindingCheck.init), points: [], statistics: [:],
                             hasNoiseEstimate: fewest >= RulesV2.minimumSeeds, notes: notes)
    }
}
