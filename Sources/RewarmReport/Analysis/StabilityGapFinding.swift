import Foundation

extension TrialSeries {
    /// The step at which `metric` first comes back to its value at step 0 after rising above it
    /// (the end of the stability gap, Guo et al. 2024, arXiv 2406.14833): the first crossing
    /// from above to <= metric(0) after the first evaluation above it, linearly interpolated
    /// between the two evaluations around it. The first evaluation after step 0 when the metric
    /// never rises; `maxSteps` (censored) when it rises and never comes back; nil without step 0.
    public func recoveryStep(_ metric: LossMetric) -> Double? {
        let p = points(metric)
        guard let start = value(metric, at: .start) else { return nil }
        let later = zip(p.steps, p.values).filter { $0.0 > 0 }
        guard let firstAbove = later.firstIndex(where: { $0.1 > start }) else { return later.first?.0 }
        for i in (firstAbove + 1)..<later.count where later[i].1 <= start {
            let (s1, v1) = later[i - 1]
            let (s2, v2) = later[i]
            return s1 + (v1 - start) / (v1 - v2) * (s2 - s1)
        }
        return Double(maxSteps)
    }
}

extension Findings {
    /// F14 (Guo et al. 2024, arXiv 2406.14833, sec. 3-4): the stability gap. At the start of
    /// continual pre-training the downstream loss first rises or stalls, then recovers; several
    /// epochs over a subset of D1 recover sooner than one pass over D1 at equal tokens.
    /// Conditions that differ only in `train_fraction` (the subset, < 1, against the whole D1).
    /// Rule (v2): max(Ldown over (0, 0.1T]) - Ldown(0) > 0 in the whole-D1 run (real, one-sample
    /// 95%); and the step at which Ldown returns to Ldown(0) (`recoveryStep`, censored at T) is
    /// earlier with the subset: subset - whole < 0 (real, 95%). Needs Ldown(0) < ln(vocabulary)
    /// (a model worse than uniform guessing has no gap to show): else neither check is judged.
    static func stabilityGap(_ set: ConditionSet) -> FindingResult? {
        let axis: Set<String> = ["train_fraction"]
        let fraction = { (c: Condition) in c.number("train_fraction") ?? 1 }
        let members = set.conditions.filter { !$0.isScratch }
        let families = set.families(members, axis: axis).filter { f in
            f.conditions.contains { fraction($0) == 1 } && f.conditions.contains { fraction($0) < 1 }
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F14")
        let early = TimePoint.fraction(0.1)
        let rise = { (s: TrialSeries) in s.peakRise(.downstream, through: early) }
        let recovery = { (s: TrialSeries) in s.recoveryStep(.downstream) }
        for (family, tag) in zip(families, set.tags(families)) {
            let t = Fmt.tag(tag)
            guard let whole = family.conditions.first(where: { fraction($0) == 1 }) else { continue }
            b.note(t + set.heldFixed(family, axis: axis))
            let vocabulary = whole.config["vocab_size"]?.integer ?? 256
            let uniform = log(Double(vocabulary))
            let start = whole.measure { $0.value(.downstream, at: .start) }
            let subsets = family.conditions.filter { fraction($0) < 1 }
            for c in [whole] + subsets {
                b.point(c, ["train_fraction": fraction(c)]
                    .merging(values("early rise Ldown", c.measure(rise))) { a, _ in a }
                    .merging(values("recovery step", c.measure(recovery))) { a, _ in a })
            }
            let censored = ([whole] + subsets).flatMap(\.completed).filter { s in
                s.recoveryStep(.downstream) == Double(s.maxSteps) && (s.value(.downstream, at: .end) ?? 0)
                    > (s.value(.downstream, at: .start) ?? .infinity)
            }
            if !censored.isEmpty {
                b.note(t + "\(censored.count) run(s) never returned to Ldown(0): recovery step censored at T")
            }
            var checks = [RuleCheck.change("\(t)max(Ldown over (0, 0.1T]) - Ldown(0), whole D1",
                                           perSeed: whole.seedValues(rise), claim: .above(0))]
            for subset in subsets {
                checks.append(.difference(
                    "\(t)step at which Ldown returns to Ldown(0): train_fraction=\(Fmt.num(fraction(subset))) - whole D1",
                    subset.seedValues(recovery), minus: whole.seedValues(recovery), claim: .below(0)))
            }
            for var check in checks {
                if let mean = start?.mean, mean >= uniform {
                    check = check.cannotBeJudged("Ldown(0) = \(Fmt.num(mean)) >= ln(\(vocabulary)): no gap to show")
                }
                b.stat(check.statement, check)
                b.check(check)
            }
        }
        return b.result()
    }
}
