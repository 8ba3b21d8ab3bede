import Foundation

extension Findings {
    /// F5 (G23 sec. 4.3). A from-scratch condition (`init_from` null) against the protocol
    /// rewarms equal to it in every key but `init_from` and the schedule keys.
    /// Rule (v2): Ldown_scratch(T) - the worst (highest seed mean) rewarmed Ldown(T) > 0 (real,
    /// 95%); rho(step, Lup of the scratch run) < -0.9, Spearman over the evaluations of its
    /// seed-mean Lup curve, with a percentile bootstrap over its seeds (the upper bound < -0.9).
    static func scratch(_ set: ConditionSet) -> FindingResult? {
        let axis = AxisKeys.schedule.union(["init_from"])
        let members = set.conditions.filter(\.isScratch) + set.protocolRewarms()
        let families = set.families(members, axis: axis).filter { f in
            f.conditions.contains(where: \.isScratch) && f.conditions.contains(where: \.isRewarmed)
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F5")
        let final = { (s: TrialSeries) in s.value(.downstream, at: .end) }
        for (family, tag) in zip(families, set.tags(families)) {
            let t = Fmt.tag(tag)
            let rewarmed = family.conditions.filter(\.isRewarmed)
            b.note(t + "from scratch against \(rewarmed.count) rewarmed runs; " + set.heldFixed(family, axis: axis))
            for c in family.conditions { b.use(c) }
            let rows = rows(rewarmed, final)
            for r in rows { b.point(r.condition, values("Ldown(T)", r.value)) }
            for scratch in family.conditions.filter(\.isScratch) {
                let s = scratch.measure(final)
                b.point(scratch, values("Ldown(T)", s))
                let statement = "\(t)Ldown(T) \(scratch.label) - worst rewarmed"
                if let s, let worst = extreme(rows, highest: true) {
                    let check = RuleCheck.difference(statement + " (\(worst.condition.label))", s.bySeed,
                                                     minus: worst.value.bySeed, claim: .above(0))
                    b.stat(statement, check)
                    b.check(check)
                } else {
                    b.unavailable(statement, claim: .above(0), "no data")
                }
                let curves = seedCurves(scratch, .upstream)
                let rho = RuleCheck("\(t)rho(step, Lup) of \(scratch.label) over "
                                    + "\(curves.steps.count) evaluations", claim: .below(-0.9)) {
                    () throws(StatisticUnavailable) in
                    try Bootstrap.percentileInterval(curves.values.indices.map(Double.init),
                                                     confidence: RulesV2.differenceConfidence) { picks in
                        let mean = curves.steps.indices.map { k in
                            picks.reduce(0) { $0 + curves.values[Int($1)][k] } / Double(picks.count)
                        }
                        return Statistics.spearman(curves.steps, mean)
                    }
                }
                b.stat("\(t)rho(step, Lup \(scratch.label))", rho)
                b.check(rho)
            }
        }
        return b.result()
    }

    /// Each completed seed's curve of `metric`, interpolated at the evaluation steps of the first
    /// completed seed (steps where some seed has no value are left out).
    static func seedCurves(_ c: Condition, _ metric: LossMetric) -> (steps: [Double], values: [[Double]]) {
        guard let first = c.completed.first else { return ([], []) }
        var steps: [Double] = []
        var columns: [[Double]] = []
        for step in first.points(metric).steps {
            let column = c.completed.compactMap { $0.sample(metric, atStep: step)?.value }
            if column.count == c.completed.count {
                steps.append(step)
                columns.append(column)
            }
        }
        let values = c.completed.indices.map { i in columns.map { $0[i] } }
        return (steps, values)
    }

    /// F7 (G23 sec. 4.5, Fig. 7). Conditions equal in every key but `init_from`, with the final
    /// checkpoint (`base@1.0` or a path) and at least one earlier one (`base@F`, F < 1).
    /// Checkpoint step = F x the base's `max_steps`.
    /// Rule (v2): at 0.17T and at T, Ldown and Lup fall with the checkpoint step (orderings:
    /// seed means strictly in order, and the final checkpoint against the earliest a real
    /// difference, 95%; any adjacent pair that differs the wrong way fails it).
    static func earlyCheckpoint(_ set: ConditionSet) -> FindingResult? {
        let axis: Set<String> = ["init_from"]
        let members = set.conditions.filter { $0.checkpointFraction != nil }
        let families = set.families(members, axis: axis).filter { f in
            f.conditions.contains(where: \.isFromFinalCheckpoint)
                && f.conditions.contains { ($0.checkpointFraction ?? 1) < 1 }
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F7")
        let early = TimePoint.fraction(0.17)
        let step = { (c: Condition) -> Double in (c.checkpointFraction ?? 1) * Double(set.baseMaxSteps ?? 1) }
        for (family, tag) in zip(families, set.tags(families)) {
            var members = family.conditions.sorted { ($0.checkpointFraction ?? 1) < ($1.checkpointFraction ?? 1) }
            // Two finals (base@1.0 and a path): keep the first.
            if let firstFinal = members.firstIndex(where: \.isFromFinalCheckpoint) {
                members = Array(members[...firstFinal])
            }
            b.note(Fmt.tag(tag) + "checkpoints compared: "
                + members.map { Fmt.percent($0.checkpointFraction ?? 1) }.joined(separator: ", ") + " of pre-training; "
                + set.heldFixed(family, axis: axis))
            b.noteSteps([early], of: members)
            for c in members { b.point(c, ["checkpoint step": step(c)]) }
            for point in [early, TimePoint.end] {
                for metric in [LossMetric.downstream, .upstream] {
                    let name = "\(metric.rawValue)(\(point.label))"
                    for c in members { b.point(c, values(name, c.measure { $0.value(metric, at: point) })) }
                    let levels = members.map { c in
                        OrderLevel("checkpoint \(Fmt.percent(c.checkpointFraction ?? 1))",
                                   c.seedValues { $0.value(metric, at: point) })
                    }
                    b.check(.ordering("\(Fmt.tag(tag))\(name) falls with the checkpoint step", levels: levels,
                                      direction: .decreasing, requirement: .extremes))
                }
            }
        }
        return b.result()
    }
}
