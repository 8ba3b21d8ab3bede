import Foundation

extension Findings {
    /// F8 (I24). Continuations on shifted data that differ only in `replay_ratio`, one of them 0.
    /// Gap = Lup(T) of the no-replay run - the base's final Lup; a replay run closes
    /// (Lup_0(T) - Lup_r(T)) / gap of it.
    /// Rule (v2): Lup(T) falls with the replay ratio (ordering, every adjacent pair real, 95%);
    /// the Ldown(T) cost of 5% replay is within 1% of Ldown_0(T) or better (the 90% interval of
    /// Ldown_5%(T) - Ldown_0(T) below +1%); 1% replay closes >= 40% and 5% >= 60% of the gap
    /// (the lower bound of a percentile bootstrap of the share, seeds resampled per condition).
    static func replay(_ set: ConditionSet) -> FindingResult? {
        let axis: Set<String> = ["replay_ratio"]
        let members = set.conditions.filter { !$0.isScratch && !set.isSameData($0) }
        let families = set.families(members, axis: axis).filter { f in
            Set(f.conditions.map(\.replayRatio)).count >= 2 && f.conditions.contains { $0.replayRatio == 0 }
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F8")
        let lupEnd = { (s: TrialSeries) in s.value(.upstream, at: .end) }
        let ldownEnd = { (s: TrialSeries) in s.value(.downstream, at: .end) }
        for (family, tag) in zip(families, set.tags(families)) {
            let t = Fmt.tag(tag)
            let sorted = family.conditions.sorted { $0.replayRatio < $1.replayRatio }
            b.note(t + "replay ratios compared: " + sorted.map { Fmt.percent($0.replayRatio) }.joined(separator: ", ")
                + "; " + set.heldFixed(family, axis: axis))
            for c in sorted {
                b.point(c, ["replay_ratio": c.replayRatio].merging(values("Lup(T)", c.measure(lupEnd))) { a, _ in a }
                    .merging(values("Ldown(T)", c.measure(ldownEnd))) { a, _ in a })
            }
            b.check(.ordering("\(t)Lup(T) falls with the replay ratio",
                              levels: sorted.map { OrderLevel("replay \(Fmt.percent($0.replayRatio))", $0.seedValues(lupEnd)) },
                              direction: .decreasing))
            let none = sorted[0]
            let at = { (ratio: Double) in sorted.first { abs($0.replayRatio - ratio) < 1e-9 } }
            let costStatement = "\(t)Ldown(T) replay 5% - no replay"
            if let five = at(0.05), let reference = none.measure(ldownEnd) {
                let margin = reference.defaultMargin(named: "Ldown(T) without replay")
                let check = RuleCheck.equivalentOrLower(costStatement, five.seedValues(ldownEnd), minus: reference.bySeed,
                                                        margin: margin)
                b.stat(costStatement, check)
                b.check(check)
            } else {
                b.unavailable(costStatement, claim: .below(0), at(0.05) == nil ? "the sweep has no 5% replay run"
                                                                                : "no data for the no-replay run")
            }
            for (ratio, needed) in [(0.01, 0.40), (0.05, 0.60)] {
                let statement = "\(t)share of the forgetting gap closed by \(Fmt.percent(ratio)) replay"
                guard let base = set.baseUpstreamLoss else {
                    b.unavailable(statement, claim: .above(needed), "the base's final Lup is unknown")
                    continue
                }
                guard let replayed = at(ratio) else {
                    b.unavailable(statement, claim: .above(needed), "the sweep has no \(Fmt.percent(ratio)) replay run")
                    continue
                }
                let groups = [none.measure(lupEnd)?.perSeed ?? [], replayed.measure(lupEnd)?.perSeed ?? []]
                let check = RuleCheck(statement + " (gap = Lup(T) without replay - the base's Lup \(Fmt.num(base)))",
                                      claim: .above(needed)) { () throws(StatisticUnavailable) in
                    try Bootstrap.percentileInterval(groups, confidence: RulesV2.differenceConfidence) { g in
                        guard let m0 = Statistics.mean(g[0]), let mr = Statistics.mean(g[1]), m0 - base > 0 else {
                            return nil
                        }
                        return (m0 - mr) / (m0 - base)
                    }
                }
                b.stat(statement, check)
                b.check(check)
            }
        }
        return b.result()
    }

    /// F9 (I24: +1.39 vs +0.27 for two shifts). Continuations (not scratch) on shifted data that
    /// differ only in `dataset`. Shift strength = Ldown(0) - Lup(0) of the base (seed means).
    /// Forgetting = Lup(T) - the base's final Lup (Lup(0) when that is unknown), per seed.
    /// Rule (v2): forgetting rises with the shift strength (ordering, every adjacent pair real,
    /// 95%), and forgetting (strongest) - 2 x forgetting (weakest) > 0 (real). If the ordering
    /// fails, that is a result about the strength measure as much as about forgetting.
    static func shiftStrength(_ set: ConditionSet) -> FindingResult? {
        let axis: Set<String> = ["dataset"]
        let members = set.conditions.filter { !$0.isScratch && $0.dataset != nil && !set.isSameData($0) }
        let families = set.families(members, axis: axis).filter { Set($0.conditions.compactMap(\.dataset)).count >= 2 }
        guard !families.isEmpty else { return nil }
        var b = builder("F9")
        if set.baseUpstreamLoss == nil { b.note("the base's final Lup is unknown: forgetting is measured from Lup(0)") }
        let forgetting = { (t: TrialSeries) -> Double? in
            guard let end = t.value(.upstream, at: .end),
                  let reference = set.baseUpstreamLoss ?? t.value(.upstream, at: .start) else { return nil }
            return end - reference
        }
        let strengthOf = { (t: TrialSeries) -> Double? in
            guard let down = t.value(.downstream, at: .start), let up = t.value(.upstream, at: .start) else { return nil }
            return down - up
        }
        b.note("shift strength = Ldown(0) - Lup(0), the base's losses on the new and the old corpus before training")
        for (family, tag) in zip(families, set.tags(families)) {
            let t = Fmt.tag(tag)
            b.note(t + "datasets compared: " + family.conditions.compactMap(\.dataset).joined(separator: ", ")
                + "; " + set.heldFixed(family, axis: axis))
            for c in family.conditions {
                b.point(c, values("shift strength", c.measure(strengthOf))
                    .merging(values("forgetting", c.measure(forgetting))) { a, _ in a })
            }
            let ranked = family.conditions.compactMap { c in c.measure(strengthOf).map { (c, $0.mean) } }
                .sorted { $0.1 < $1.1 }.map(\.0)
            let label = { (c: Condition) in c.dataset ?? c.label }
            let ordering = RuleCheck.ordering("\(t)forgetting rises with the shift strength",
                                              levels: ranked.map { OrderLevel(label($0), $0.seedValues(forgetting)) },
                                              direction: .increasing)
            b.check(ordering)
            if ordering.outcome == .fails {
                b.note(t + "the ordering by Ldown(0) - Lup(0) fails: this strength measure does not rank the shifts "
                    + "as forgetting does")
            }
            let statement = "\(t)forgetting (strongest) - 2 x forgetting (weakest)"
            guard ranked.count >= 2, let weak = ranked.first, let strong = ranked.last else {
                b.unavailable(statement, claim: .above(0), "fewer than 2 datasets with data")
                continue
            }
            let check = RuleCheck.difference(statement + " (\(label(strong)) vs \(label(weak)))",
                                             strong.seedValues(forgetting),
                                             minus: weak.seedValues(forgetting).mapValues { 2 * $0 }, claim: .above(0))
            b.stat(statement, check)
            b.check(check)
        }
        return b.result()
    }
}
