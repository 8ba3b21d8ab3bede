import Foundation

extension Findings {
    /// F1. Compares protocol rewarms (rewarmed, final checkpoint, full training, no replay,
    /// shifted data) that differ only in warmup (`warmup_ratio` / `warmup_steps`); testable when
    /// a family has >= 2 warmups, one of them 0.
    /// Rule: at 0.17T the spread (max - min of seed medians) of Lup and of Ldown across warmups
    /// is <= max(noise, 0.5% of the value) (noise = the largest of the warmups' noises, value =
    /// the mean of their medians); warmup 0 has the highest early peak of Lup (the largest Lup
    /// evaluation at steps <= 0.17T, seed median; strictly above every other warmup's).
    static func warmupLength(_ set: ConditionSet) -> FindingResult? {
        let families = set.families(set.protocolRewarms(), axis: AxisKeys.warmup).filter { f in
            Set(f.conditions.map(\.warmupFraction)).count >= 2 && f.conditions.contains { $0.warmupFraction == 0 }
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F1")
        let early = TimePoint.fraction(0.17)
        for (family, tag) in zip(families, set.tags(families)) {
            let members = family.conditions.sorted { $0.warmupFraction < $1.warmupFraction }
            b.note(Fmt.tag(tag) + "warmups compared: "
                + members.map { Fmt.num($0.warmupFraction) }.joined(separator: ", ") + " of T; "
                + set.heldFixed(family, axis: AxisKeys.warmup))
            b.noteSteps([early], of: members)
            for c in members { b.point(c, ["warmup (fraction of T)": c.warmupFraction]) }
            for metric in [LossMetric.upstream, .downstream] {
                let name = "\(metric.rawValue)(0.17T)"
                let rows = rows(members, { $0.value(metric, at: early) })
                for r in rows { b.point(r.condition, values(name, r.value)) }
                guard rows.count >= 2, let spread = Statistics.spread(rows.map(\.value.median)),
                      let value = Statistics.mean(rows.map(\.value.median))
                else {
                    b.check("\(Fmt.tag(tag))spread of \(name) across warmups: fewer than 2 warmups with data", nil)
                    continue
                }
                let floor = 0.005 * abs(value)
                let noise = Judge.noise(rows.map(\.value))
                let j = Judge.withinTolerance(spread, floor: floor, noise: noise)
                b.stat("\(Fmt.tag(tag))spread \(name)", spread)
                b.stat("\(Fmt.tag(tag))noise \(name)", noise)
                b.check("\(Fmt.tag(tag))spread of \(name) across \(rows.count) warmups = \(Fmt.num(spread)) <= "
                    + "max(\(Fmt.noise(noise)), 0.5% of \(Fmt.num(value)) = \(Fmt.num(floor))): \(Fmt.outcome(j))", j)
            }
            let peaks = rows(members, { $0.peak(.upstream, through: early) })
            for r in peaks { b.point(r.condition, values("early peak Lup", r.value)) }
            let zero = peaks.first { $0.condition.warmupFraction == 0 }
            let others = peaks.filter { $0.condition.warmupFraction != 0 }
            guard let zero, let highest = others.max(by: { $0.value.median < $1.value.median }) else {
                b.check("\(Fmt.tag(tag))warmup 0 has the highest early peak of Lup: "
                    + "no data for warmup 0 or for any other warmup", nil)
                continue
            }
            let j = zero.value.median > highest.value.median
            b.stat("\(Fmt.tag(tag))early peak Lup, warmup 0", zero.value.median)
            b.check("\(Fmt.tag(tag))early peak of Lup (steps <= 0.17T): warmup 0 \(Fmt.num(zero.value.median)) > "
                + "highest other \(Fmt.num(highest.value.median)) "
                + "(warmup \(Fmt.num(highest.condition.warmupFraction))): "
                + Fmt.outcome(j), j)
        }
        return b.result()
    }

    /// F2. Every protocol rewarm (rewarmed, final checkpoint, full, no replay, shifted data).
    /// Rule, per run: max(Lup) - Lup(0) beyond noise; Ldown(T) < Ldown(0); Lup(T) > Lup(0)
    /// beyond noise. The differences are taken per seed; their median is compared with 0 and
    /// their noise (2 x SD over seeds). The early rise of Ldown is reported, not judged.
    static func rewarmRise(_ set: ConditionSet) -> FindingResult? {
        let runs = set.protocolRewarms()
        guard !runs.isEmpty else { return nil }
        var b = builder("F2")
        b.note("rewarmed runs: from the final checkpoint, full training, no replay, on a shifted dataset")
        var peakJudged: [(label: String, judgment: Bool?)] = []
        var learnJudged: [(label: String, judgment: Bool?)] = []
        var forgetJudged: [(label: String, judgment: Bool?)] = []
        for c in runs {
            let rise = c.measure { $0.peakRise(.upstream) }
            let up = c.measure { $0.netChange(.upstream) }
            let down = c.measure { $0.netChange(.downstream) }
            b.point(c, [
                "Lup(0)": c.measure { $0.value(.upstream, at: .start) }?.median,
                "peak Lup": c.measure { $0.peak(.upstream) }?.median,
                "Lup(T)": c.measure { $0.value(.upstream, at: .end) }?.median,
                "Ldown(0)": c.measure { $0.value(.downstream, at: .start) }?.median,
                "Ldown(T)": c.measure { $0.value(.downstream, at: .end) }?.median,
                "peak rise Ldown": c.measure { $0.peakRise(.downstream) }?.median,
            ].merging(values("peak rise Lup", rise)) { a, _ in a }.merging(values("Lup(T) - Lup(0)", up)) { a, _ in a })
            b.stat("peak rise Lup (\(c.label))", rise?.median)
            b.stat("noise peak rise Lup (\(c.label))", rise?.noise)
            let label = { (m: Measured?) in "\(c.label): \(Fmt.num(m?.median)), \(Fmt.noise(m?.noise))" }
            peakJudged.append((label(rise), rise.flatMap { Judge.exceeds($0.median, 0, noise: $0.noise) }))
            forgetJudged.append((label(up), up.flatMap { Judge.exceeds($0.median, 0, noise: $0.noise) }))
            learnJudged.append(("\(c.label): \(Fmt.num(down?.median))", down.map { $0.median < 0 }))
        }
        let peak = summary(peakJudged)
        b.check("max(Lup) - Lup(0) > 0 beyond noise in every rewarmed run"
            + worst(rows(runs, { $0.peakRise(.upstream) }), largest: false) + ": " + peak.text, peak.judgment)
        let learn = summary(learnJudged)
        b.check("Ldown(T) - Ldown(0) < 0 in every rewarmed run"
            + worst(rows(runs, { $0.netChange(.downstream) }), largest: true) + ": " + learn.text, learn.judgment)
        let forget = summary(forgetJudged)
        b.check("Lup(T) - Lup(0) > 0 beyond noise in every rewarmed run"
            + worst(rows(runs, { $0.netChange(.upstream) }), largest: false) + ": " + forget.text, forget.judgment)
        return b.result()
    }

    /// " (smallest 0.82, noise 0.03, at lr=0.003)": the row nearest to failing a per-run claim.
    static func worst(_ rows: [Reading], largest: Bool) -> String {
        let pick = largest ? rows.max(by: { $0.value.median < $1.value.median })
                           : rows.min(by: { $0.value.median < $1.value.median })
        guard let m = pick else { return "" }
        return " (\(largest ? "largest" : "smallest") \(Fmt.num(m.value.median)), \(Fmt.noise(m.value.noise)), "
            + "at \(m.condition.label))"
    }
}
