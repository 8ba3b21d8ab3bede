import Foundation

extension Findings {
    /// F10 (I24 sec. 7, infinite learning-rate schedules). An infinite-schedule continuation
    /// (`Condition.isInfiniteSchedule`: an `infinite` or `constant_with_warmup` schedule, or `rewarm: false` with an `anneal_ratio` > 0, I24's
    /// constant LR held across the switch and annealed at the end) against the cosine protocol
    /// rewarms equal to it but for the schedule keys, `rewarm` and `init_from` (its base may be an
    /// infinite-schedule base).
    /// Rule (v2): Lup(T) and Ldown(T) of the infinite run within 1% of the cosine run's seed mean
    /// or better (the 90% interval of infinite - cosine below +1%); the peak rise of Lup
    /// (max after step 0 - Lup(0)) smaller (infinite - cosine < 0, real, 95%).
    static func infiniteSchedule(_ set: ConditionSet) -> FindingResult? {
        let axis = AxisKeys.schedule.union(AxisKeys.scheduleShape).union(["init_from", "rewarm", "anneal_ratio", "cooldown_ratio"])
        let members = set.conditions.filter { c in
            c.isProtocolContinuation(baseDataset: set.baseDataset) && !c.isScratch
                && (c.isInfiniteSchedule || (c.isRewarmed && c.scheduler == "cosine"))
        }
        let families = set.families(members, axis: axis).filter { f in
            f.conditions.contains { $0.isRewarmed && $0.scheduler == "cosine" } && f.conditions.contains(where: \.isInfiniteSchedule)
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F10")
        b.note("infinite schedules: lr_scheduler_type infinite or constant_with_warmup, or "
            + "rewarm false with anneal_ratio > 0; against rewarmed cosine")
        let rise = { (t: TrialSeries) in t.peakRise(.upstream) }
        for (family, tag) in zip(families, set.tags(families)) {
            let t = Fmt.tag(tag)
            b.note(t + set.heldFixed(family, axis: axis))
            let cosines = family.conditions.filter { $0.isRewarmed && $0.scheduler == "cosine" && !$0.isInfiniteSchedule }
            let infinites = family.conditions.filter(\.isInfiniteSchedule)
            for c in cosines + infinites { b.point(c, values("peak rise Lup", c.measure(rise))) }
            for metric in [LossMetric.upstream, .downstream] {
                let name = "\(metric.rawValue)(T)"
                let final = { (s: TrialSeries) in s.value(metric, at: .end) }
                for c in cosines + infinites { b.point(c, values(name, c.measure(final))) }
                for i in infinites {
                    for c in cosines {
                        let statement = "\(t)\(name) \(i.label) - \(c.label)"
                        guard let reference = c.measure(final) else {
                            b.unavailable(statement, claim: .below(0), "no data for the cosine run")
                            continue
                        }
                        let margin = reference.defaultMargin(named: "\(name) of cosine")
                        let check = RuleCheck.equivalentOrLower(statement, i.seedValues(final), minus: reference.bySeed,
                                                                margin: margin)
                        b.stat(statement, check)
                        b.check(check)
                    }
                }
            }
            for i in infinites {
                for c in cosines {
                    b.check(.difference("\(t)peak rise of Lup \(i.label) - \(c.label)", i.seedValues(rise),
                                        minus: c.seedValues(rise), claim: .below(0)))
                }
            }
        }
        return b.result()
    }
}
