import Foundation

extension Findings {
    /// F12, beyond the papers (Hagele et al. 2024, arXiv 2405.18392: a short cooldown matches
    /// cosine). Protocol rewarms that differ only in the schedule's shape, with a `cosine` run and
    /// `warmup_stable_decay` runs (`decay_ratio` = the cooldown's share of T).
    /// Rule (v2): a WSD run whose decay is 10-20% of T reaches cosine's Ldown(T) within 1% or
    /// better (the 90% interval of WSD - cosine below +1% of cosine's mean); a WSD run whose decay
    /// is <= 2.5% of T ends worse (WSD - cosine > 0, real). Other decays are reported, not judged;
    /// a missing one cannot be judged.
    static func shortCooldown(_ set: ConditionSet) -> FindingResult? {
        let axis = AxisKeys.scheduleShape
        let isWSD = { (c: Condition) in c.scheduler == "warmup_stable_decay" }
        let families = set.families(set.protocolRewarms(), axis: axis).filter { f in
            f.conditions.contains { $0.scheduler == "cosine" } && f.conditions.contains(where: isWSD)
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F12")
        let final = { (s: TrialSeries) in s.value(.downstream, at: .end) }
        for (family, tag) in zip(families, set.tags(families)) {
            let t = Fmt.tag(tag)
            b.note(t + set.heldFixed(family, axis: axis))
            guard let cosine = family.conditions.first(where: { $0.scheduler == "cosine" }) else { continue }
            let wsd = family.conditions.filter(isWSD).sorted { ($0.number("decay_ratio") ?? 0) < ($1.number("decay_ratio") ?? 0) }
            for c in [cosine] + wsd {
                b.point(c, values("Ldown(T)", c.measure(final)).merging(["decay_ratio": isWSD(c) ? c.number("decay_ratio") : nil]) { a, _ in a })
            }
            guard let reference = cosine.measure(final) else {
                b.unavailable("\(t)Ldown(T) WSD - cosine", claim: .below(0), "no data for the cosine run")
                continue
            }
            let margin = reference.defaultMargin(named: "Ldown(T) of cosine")
            let long = wsd.filter { ($0.number("decay_ratio") ?? 0) >= 0.1 - 1e-9 && ($0.number("decay_ratio") ?? 0) <= 0.2 + 1e-9 }
            let short = wsd.filter { ($0.number("decay_ratio") ?? 1) <= 0.025 + 1e-9 }
            let name = { (c: Condition) in "WSD \(Fmt.percent(c.number("decay_ratio") ?? 0)) decay" }
            if long.isEmpty { b.unavailable("\(t)Ldown(T) WSD (10-20% decay) - cosine", claim: .below(margin.value), "no WSD run with a 10-20% decay") }
            for c in long {
                b.check(.equivalentOrLower("\(t)Ldown(T) \(name(c)) - cosine", c.seedValues(final), minus: reference.bySeed,
                                           margin: margin))
            }
            if short.isEmpty { b.unavailable("\(t)Ldown(T) WSD (<= 2.5% decay) - cosine", claim: .above(0), "no WSD run with a decay <= 2.5%") }
            for c in short {
                b.check(.difference("\(t)Ldown(T) \(name(c)) - cosine", c.seedValues(final), minus: reference.bySeed,
                                    claim: .above(0)))
            }
            for c in wsd where !long.contains(where: { $0.key == c.key }) && !short.contains(where: { $0.key == c.key }) {
                b.note(t + "reported, not judged: " + RuleCheck.difference("Ldown(T) \(name(c)) - cosine", c.seedValues(final),
                                                                         minus: reference.bySeed, claim: .below(0)).line)
            }
        }
        return b.result()
    }

    /// F13, beyond the papers (Kalajdzievski 2024, arXiv 2401.05605: forgetting is inversely
    /// linear in the fine-tuning loss). Every completed run of the sweep that continues one
    /// starting point (`init_from`) on one shifted D1 (`dataset`, `upstream`), whatever else
    /// varies (LRs, ranks, schedules, replay); testable with >= 3 conditions in such a group.
    /// Rule (v2): Pearson r between forgetting Lup(T) - Lup(0) and Ldown(T) over the runs < -0.9,
    /// judged on the upper bound of a percentile bootstrap over runs; the slope of forgetting on
    /// Ldown(T) is reported with its bootstrap interval.
    static func forgettingVersusLearning(_ set: ConditionSet) -> FindingResult? {
        let candidates = set.conditions.filter { !$0.isScratch && !set.isSameData($0) }
        var groups: [String: [Condition]] = [:]
        var order: [String] = []
        for c in candidates {
            let key = [c.string("init_from") ?? "", c.dataset ?? "", c.upstream(baseDataset: set.baseDataset) ?? ""]
                .joined(separator: "|")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(c)
        }
        let testable = order.compactMap { groups[$0] }.filter { $0.count >= 3 }
        guard !testable.isEmpty else { return nil }
        var b = builder("F13")
        for members in testable {
            let head = "[\(members[0].string("init_from") ?? "?") -> \(members[0].dataset ?? "?")] "
            var x: [Double] = []
            var y: [Double] = []
            for c in members {
                let forgetting = c.measure { $0.netChange(.upstream) }
                let ldown = c.measure { $0.value(.downstream, at: .end) }
                b.point(c, values("Lup(T) - Lup(0)", forgetting).merging(values("Ldown(T)", ldown)) { a, _ in a })
                for trial in c.completed {
                    if let f = trial.netChange(.upstream), let d = trial.value(.downstream, at: .end) {
                        x.append(f)
                        y.append(d)
                    }
                }
            }
            b.note(head + "\(x.count) runs of \(members.count) conditions")
            let runs = x.indices.map(Double.init)
            let resampled = { (statistic: @escaping ([Double], [Double]) -> Double?) in
                { () throws(StatisticUnavailable) -> ConfidenceInterval in
                    try Bootstrap.percentileInterval(runs, confidence: RulesV2.differenceConfidence) { picks in
                        statistic(picks.map { x[Int($0)] }, picks.map { y[Int($0)] })
                    }
                }
            }
            let r = RuleCheck(head + "Pearson r(Lup(T) - Lup(0), Ldown(T)) over runs", claim: .below(-0.9),
                              interval: resampled(Statistics.pearson))
            b.stat(head + "r", r)
            b.check(r)
            let slope = RuleCheck(head + "slope of Lup(T) - Lup(0) on Ldown(T)", claim: .below(0),
                                  interval: resampled { Statistics.slope($1, $0) })
            b.stat(head + "slope", slope)
            b.note("reported, not judged: " + slope.line)
        }
        return b.result()
    }
}
