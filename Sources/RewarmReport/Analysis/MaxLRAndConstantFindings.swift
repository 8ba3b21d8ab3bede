import Foundation

extension Findings {
    /// F3 (G23 sec. 4.2, Figs. 2-4). Protocol rewarms that differ only in `learning_rate`;
    /// testable with >= 2 LRs in a family.
    /// Rule (v2): orderings over the max LRs, in axis order: Ldown(T) falls and Lup(T) rises,
    /// each with its seed means strictly in order and at least one adjacent pair a real
    /// difference (95%) in the claimed direction; a pair that differs the wrong way fails it.
    static func maxLearningRate(_ set: ConditionSet) -> FindingResult? {
        let families = set.families(set.protocolRewarms(), axis: AxisKeys.learningRate).filter { f in
            Set(f.conditions.compactMap(\.learningRate)).count >= 2
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F3")
        for (family, tag) in zip(families, set.tags(families)) {
            let members = family.conditions.filter { $0.learningRate != nil }
                .sorted { $0.learningRate! < $1.learningRate! }
            b.note(Fmt.tag(tag) + "max LRs compared: "
                + members.map { Fmt.num($0.learningRate!) }.joined(separator: ", ")
                + "; " + set.heldFixed(family, axis: AxisKeys.learningRate))
            for c in members { b.point(c, ["learning_rate": c.learningRate]) }
            for (metric, direction) in [(LossMetric.downstream, OrderDirection.decreasing), (.upstream, .increasing)] {
                let name = "\(metric.rawValue)(T)"
                for c in members { b.point(c, values(name, c.measure { $0.value(metric, at: .end) })) }
                let levels = members.map { OrderLevel("lr=\(Fmt.num($0.learningRate!))",
                                                      $0.seedValues { $0.value(metric, at: .end) }) }
                b.check(.ordering("\(Fmt.tag(tag))\(name) \(direction == .decreasing ? "falls" : "rises") "
                    + "with the max LR", levels: levels, direction: direction, requirement: .someAdjacentPair))
            }
        }
        return b.result()
    }

    /// F4 (G23 sec. 4.2). The constant-LR continuation (rewarm false, final checkpoint, full,
    /// no replay, shifted data) against the protocol rewarms equal to it in every key but the
    /// schedule keys (`learning_rate`, warmup, `lr_scheduler_type`, ...; moot without rewarming).
    /// Rule (v2), differences constant - rewarmed with 95% intervals: Lup at 0.34T and at T below
    /// the lowest rewarmed Lup (real); Ldown(0.34T) not above the best (lowest) rewarmed by a real
    /// difference; Ldown(T) above the worst (highest) rewarmed (real). "Lowest" and "highest"
    /// are by seed mean. No explanation text: that belongs to the study's notebook.
    static func constantLR(_ set: ConditionSet) -> FindingResult? {
        let axis = AxisKeys.schedule.union(["rewarm"])
        let members = set.conditions.filter { $0.isProtocolContinuation(baseDataset: set.baseDataset) && !$0.isScratch }
        let families = set.families(members, axis: axis).filter { f in
            f.conditions.contains(where: \.isConstantLR) && f.conditions.contains(where: \.isRewarmed)
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F4")
        let third = TimePoint.fraction(0.34)
        for (family, tag) in zip(families, set.tags(families)) {
            let t = Fmt.tag(tag)
            let rewarmed = family.conditions.filter(\.isRewarmed)
            b.note(t + "constant LR against \(rewarmed.count) rewarmed runs; " + set.heldFixed(family, axis: axis))
            b.noteSteps([third], of: family.conditions)
            for c in family.conditions { b.use(c) }
            for constant in family.conditions.filter(\.isConstantLR) {
                /// constant - the rewarmed run with the lowest or highest seed mean of `metric` at `point`.
                func versus(_ metric: LossMetric, _ point: TimePoint, highest: Bool, claim: Claim, _ what: String) {
                    let name = "\(metric.rawValue)(\(point.label))"
                    let statistic = { (s: TrialSeries) in s.value(metric, at: point) }
                    let c = constant.measure(statistic)
                    let rows = rows(rewarmed, statistic)
                    b.point(constant, values(name, c))
                    for r in rows { b.point(r.condition, values(name, r.value)) }
                    let statement = "\(t)\(name) constant - \(what)"
                    guard let c, let other = extreme(rows, highest: highest) else {
                        b.unavailable(statement, claim: claim, c == nil ? "no data for the constant LR"
                                                                        : "no rewarmed run with data")
                        return
                    }
                    let check = RuleCheck.difference(statement + " (\(other.condition.label))", c.bySeed,
                                                     minus: other.value.bySeed, claim: claim)
                    b.stat(statement, check)
                    b.check(check)
                }
                versus(.upstream, third, highest: false, claim: .below(0), "lowest rewarmed")
                versus(.upstream, .end, highest: false, claim: .below(0), "lowest rewarmed")
                versus(.downstream, third, highest: false, claim: .notAbove(0), "best rewarmed")
                versus(.downstream, .end, highest: true, claim: .above(0), "worst rewarmed")
            }
        }
        return b.result()
    }
}
