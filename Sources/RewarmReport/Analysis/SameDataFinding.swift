import Foundation

extension Findings {
    /// F6 (G23 sec. 4.4, Figs. 5-6; I24). Same-data continuations: from the final checkpoint,
    /// full training, no replay, with `dataset` equal to `upstream` or to the base's dataset.
    /// Families of rewarmed ones differing only in `learning_rate`; their shifted counterparts
    /// are the conditions equal to them but for `dataset`; the constant-LR same-data run is the
    /// one equal to them but for the schedule keys and `rewarm`. Peak rise = max(Lup after
    /// step 0) - Lup(0), per seed, on the study's evaluation grid.
    /// Rule (v2): the peak rise > 0 (real, 95%) at every max LR; ordered by max LR (rising, every
    /// adjacent pair real); peak rise (same data) - peak rise (shifted) < 0 (real) at each max LR;
    /// the constant-LR run has no lasting rise (Lup(T) - Lup(0) <= 0.5% of Lup(0): the 90% interval
    /// below the margin, the upper one of TOST's tests, so a fall passes) and
    /// its peak rise is below the smallest rewarmed one (real).
    static func sameData(_ set: ConditionSet) -> FindingResult? {
        let continuations = set.conditions.filter {
            $0.isFromFinalCheckpoint && $0.isFullTraining && $0.replayRatio == 0 && set.isSameData($0)
        }
        let families = set.families(continuations.filter(\.isRewarmed), axis: AxisKeys.learningRate)
        guard !families.isEmpty else { return nil }
        var b = builder("F6")
        let rise = { (t: TrialSeries) in t.peakRise(.upstream) }
        for (family, tag) in zip(families, set.tags(families)) {
            let t = Fmt.tag(tag)
            let members = family.conditions.sorted { ($0.learningRate ?? 0) < ($1.learningRate ?? 0) }
            let grid = members[0].config["eval_steps"]?.integer.map { "every \($0) steps" } ?? "the evaluations"
            b.note(t + "same-data runs on \(members[0].dataset ?? "?") at max LRs "
                + members.map { Fmt.num($0.learningRate ?? .nan) }.joined(separator: ", ") + "; peak rise read on "
                + grid + "; " + set.heldFixed(family, axis: AxisKeys.learningRate))
            let lr = { (c: Condition) in "lr=\(Fmt.num(c.learningRate ?? .nan))" }
            for c in members {
                b.point(c, values("peak rise Lup", c.measure(rise)).merging(["learning_rate": c.learningRate]) { a, _ in a })
                let check = RuleCheck.change("\(t)peak rise of Lup, same data, \(lr(c))", perSeed: c.seedValues(rise),
                                             claim: .above(0))
                b.stat("\(t)peak rise Lup same data \(lr(c))", check)
                b.check(check)
            }
            if members.count >= 2 {
                b.check(.ordering("\(t)peak rise of Lup (same data) rises with the max LR",
                                  levels: members.map { OrderLevel(lr($0), $0.seedValues(rise)) }, direction: .increasing))
            }
            for c in members {
                let shifted = set.conditions.filter { s in
                    s.key != c.key && !set.isSameData(s)
                        && s.config.filter { $0.key != "dataset" } == c.config.filter { $0.key != "dataset" }
                }
                let statement = "\(t)peak rise (same data) - peak rise (shifted) at \(lr(c))"
                if shifted.isEmpty { b.unavailable(statement, claim: .below(0), "no shifted run at this LR") }
                for s in shifted {
                    b.point(s, values("peak rise Lup", s.measure(rise)))
                    b.check(.difference(statement + " on \(s.dataset ?? "?")", c.seedValues(rise),
                                        minus: s.seedValues(rise), claim: .below(0)))
                }
            }
            let scheduleAxis = AxisKeys.schedule.union(["rewarm"])
            let fixed = members[0].config.filter { !scheduleAxis.contains($0.key) }
            let constants = continuations.filter { c in
                c.isConstantLR && c.config.filter { !scheduleAxis.contains($0.key) } == fixed
            }
            if constants.isEmpty {
                b.unavailable("\(t)constant-LR Lup(T) - Lup(0)", claim: .below(0),
                              "the sweep has no constant-LR same-data run")
            }
            let smallest = extreme(rows(members, rise), highest: false)
            for c in constants {
                b.point(c, values("peak rise Lup", c.measure(rise)))
                let start = c.measure { $0.value(.upstream, at: .start) }
                let margin = Margin.relative(0.005, of: start?.mean ?? .nan, named: "Lup(0)")
                b.check(.change("\(t)Lup(T) - Lup(0) of the constant LR \(c.label)",
                                perSeed: c.seedValues { $0.netChange(.upstream) }, claim: .below(margin.value),
                                confidence: RulesV2.equivalenceConfidence, margin: margin))
                let statement = "\(t)peak rise of the constant LR - smallest rewarmed peak rise"
                guard let smallest else {
                    b.unavailable(statement, claim: .below(0), "no rewarmed same-data run with data")
                    continue
                }
                b.check(.difference(statement + " (\(smallest.condition.label))", c.seedValues(rise),
                                    minus: smallest.value.bySeed, claim: .below(0)))
            }
        }
        return b.result()
    }
}
