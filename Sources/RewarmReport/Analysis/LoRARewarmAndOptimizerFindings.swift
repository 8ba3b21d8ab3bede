import Foundation

extension Findings {
    /// F15, an open question (no paper measures it): does LoRA's forgetting grow less with the
    /// rewarm's max LR than full training's? Conditions that differ only in the method and
    /// `learning_rate` (as F11), full training and a LoRA adapter each at >= 2 LRs.
    /// Rule (v2): the least-squares slope of Lup(T) (seed means) on log2(max LR) is smaller for
    /// each LoRA adapter than for full training: slope(LoRA) - slope(full) < 0, judged on a
    /// percentile bootstrap with the seeds resampled per condition. (The slope on log2(LR / the
    /// method's best LR) is the same: shifting x does not change a slope.)
    static func loraRewarmSlope(_ set: ConditionSet) -> FindingResult? {
        let axis = AxisKeys.adapter.union(AxisKeys.learningRate)
        let members = set.conditions.filter { ($0.isFullTraining || $0.isLoRA) && $0.learningRate != nil }
        let families = set.families(members, axis: axis).filter { f in
            let methods = set.families(f.conditions, axis: AxisKeys.learningRate)
            return methods.contains { $0.conditions.allSatisfy(\.isFullTraining) && $0.conditions.count >= 2 }
                && methods.contains { $0.conditions.allSatisfy(\.isLoRA) && $0.conditions.count >= 2 }
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F15")
        let lup = { (s: TrialSeries) in s.value(.upstream, at: .end) }
        for (family, tag) in zip(families, set.tags(families)) {
            let t = Fmt.tag(tag)
            b.note(t + set.heldFixed(family, axis: axis))
            let methods = set.families(family.conditions, axis: AxisKeys.learningRate).filter { $0.conditions.count >= 2 }
            guard let full = methods.first(where: { $0.conditions.allSatisfy(\.isFullTraining) })?.conditions else { continue }
            for c in family.conditions {
                b.point(c, ["learning_rate": c.learningRate, "lora_rank": c.loraRank.map(Double.init)]
                    .merging(values("Lup(T)", c.measure(lup))) { a, _ in a })
            }
            for adapter in methods.map(\.conditions) where adapter.allSatisfy(\.isLoRA) {
                let lrs = (full + adapter).map { log2($0.learningRate!) }
                let groups = (full + adapter).map { $0.measure(lup)?.perSeed ?? [] }
                let split = full.count
                let name = adapter[0].adapterName
                let check = RuleCheck("\(t)slope of Lup(T) on log2(max LR): \(name) - full", claim: .below(0)) {
                    () throws(StatisticUnavailable) in
                    try Bootstrap.percentileInterval(groups, confidence: RulesV2.differenceConfidence) { g in
                        let means = g.map { Statistics.mean($0) ?? .nan }
                        guard let sf = Statistics.slope(Array(lrs[..<split]), Array(means[..<split])),
                              let sl = Statistics.slope(Array(lrs[split...]), Array(means[split...])) else { return nil }
                        return sl - sf
                    }
                }
                b.stat("\(t)slope difference \(name) - full", check)
                b.check(check)
            }
        }
        return b.result()
    }

    /// F16, beyond the papers: AdamW's state at the switch. Continuations that differ only in
    /// `reset_optimizer` (true: the moments start at zero, what most scripts do; false: the base's
    /// moments and step count are carried).
    /// Rule (v2): the peak rise of Lup (max after step 0 - Lup(0)) with the reset minus with the
    /// carried state > 0 (real, 95%), at the constant LR and in the rewarmed runs (each pair a
    /// check); a sweep without a constant-LR pair or without a rewarmed pair cannot judge that part.
    static func optimizerReset(_ set: ConditionSet) -> FindingResult? {
        let axis: Set<String> = ["reset_optimizer"]
        let members = set.conditions.filter { !$0.isScratch }
        let reset = { (c: Condition) in c.config["reset_optimizer"] != .bool(false) }
        let families = set.families(members, axis: axis).filter { f in
            f.conditions.contains(where: reset) && f.conditions.contains { !reset($0) }
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F16")
        let rise = { (s: TrialSeries) in s.peakRise(.upstream) }
        var constant = false
        var rewarmed = false
        for (family, tag) in zip(families, set.tags(families)) {
            let t = Fmt.tag(tag)
            guard let withReset = family.conditions.first(where: reset),
                  let carried = family.conditions.first(where: { !reset($0) }) else { continue }
            b.note(t + set.heldFixed(family, axis: axis))
            for c in [withReset, carried] { b.point(c, values("peak rise Lup", c.measure(rise))) }
            constant = constant || withReset.isConstantLR
            rewarmed = rewarmed || withReset.isRewarmed
            b.check(.difference("\(t)peak rise of Lup, reset - carried (\(withReset.isConstantLR ? "constant LR" : "rewarmed"))",
                                withReset.seedValues(rise), minus: carried.seedValues(rise), claim: .above(0)))
        }
        if !constant { b.unavailable("peak rise of Lup, reset - carried (constant LR)", claim: .above(0), "no constant-LR pair") }
        if !rewarmed { b.unavailable("peak rise of Lup, reset - carried (rewarmed)", claim: .above(0), "no rewarmed pair") }
        return b.result()
    }
}
