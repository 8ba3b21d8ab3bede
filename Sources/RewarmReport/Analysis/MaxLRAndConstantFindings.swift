import Foundation

extension Findings {
    /// F3. Protocol rewarms that differ only in `learning_rate`; testable with >= 2 LRs in a
    /// family (rho needs >= 3, else the check cannot be judged).
    /// Rule: rho(maxLR, Ldown(T)) = -1 on seed medians and <= -0.8 with seeds pooled;
    /// rho(maxLR, Lup(T)) = +1 on medians and >= +0.8 pooled; for each of the two metrics at
    /// least one pair of adjacent LRs differs beyond noise in the claimed direction.
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
            // Ldown falls with the LR (rho -1, a lower-LR value above a higher-LR one); Lup rises.
            for (metric, sign) in [(LossMetric.downstream, -1.0), (.upstream, 1.0)] {
                let name = "\(metric.rawValue)(T)"
                let rows = rows(members, { $0.value(metric, at: .end) })
                for r in rows { b.point(r.condition, values(name, r.value)) }
                let rho = rhoJudgment(rows, x: { $0.learningRate! }, target: sign, pooledBound: 0.8 * sign)
                b.stat("\(Fmt.tag(tag))rho(maxLR, \(name))", rho.medians)
                b.stat("\(Fmt.tag(tag))pooled rho(maxLR, \(name))", rho.pooled)
                b.check("\(Fmt.tag(tag))rho(maxLR, \(name)) = \(Fmt.rho(rho.medians)) on seed medians "
                    + "(needs \(Fmt.rho(sign))), "
                    + "\(Fmt.rho(rho.pooled)) with seeds pooled (needs \(sign < 0 ? "<= -0.80" : ">= +0.80")), "
                    + "\(rows.count) LRs\(rows.count < 3 ? " (rho needs >= 3)" : ""): "
                    + "\(Fmt.outcome(rho.judgment))", rho.judgment)
                var pairs: [Bool?] = []
                var texts: [String] = []
                for (lo, hi) in zip(rows, rows.dropFirst()) {
                    let (a, c) = sign < 0 ? (lo.value.median, hi.value.median) : (hi.value.median, lo.value.median)
                    let noise = Judge.noise(lo.value, hi.value)
                    pairs.append(Judge.exceeds(a, c, noise: noise))
                    texts.append("\(Fmt.num(lo.condition.learningRate!))->\(Fmt.num(hi.condition.learningRate!)): "
                        + "\(Fmt.num(hi.value.median - lo.value.median)) vs \(Fmt.noise(noise))")
                }
                let j = Judge.any(pairs)
                b.check("\(Fmt.tag(tag))an adjacent pair of LRs differs in \(name) beyond noise "
                    + "(\(sign < 0 ? "falling" : "rising")): "
                    + "\(texts.isEmpty ? "no pair" : texts.joined(separator: "; ")): "
                    + Fmt.outcome(j), j)
            }
        }
        return b.result()
    }

    /// F4. The constant-LR continuation (rewarm false, final checkpoint, full, no replay,
    /// shifted data) against the protocol rewarms equal to it in every key but the schedule
    /// keys (`learning_rate`, warmup, `lr_scheduler_type`, ...; moot without rewarming).
    /// Rule: Lup_const(T) < every rewarmed Lup(T); Ldown_const(0.34T) <= best (lowest) rewarmed
    /// + noise; Ldown_const(T) > worst (highest) rewarmed + noise (noise of the pair compared).
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
            let rewarmed = family.conditions.filter(\.isRewarmed)
            b.note(Fmt.tag(tag) + "constant LR against \(rewarmed.count) rewarmed runs; "
                + set.heldFixed(family, axis: axis))
            b.noteSteps([third], of: family.conditions)
            for c in family.conditions { b.use(c) }
            for constant in family.conditions.filter(\.isConstantLR) {
                let measure = { (metric: LossMetric, point: TimePoint) -> (Measured?, [Reading]) in
                    let name = "\(metric.rawValue)(\(point.label))"
                    let c = constant.measure { $0.value(metric, at: point) }
                    let rows = rows(rewarmed, { $0.value(metric, at: point) })
                    b.point(constant, values(name, c))
                    for r in rows { b.point(r.condition, values(name, r.value)) }
                    return (c, rows)
                }
                let (lupConst, lupRows) = measure(.upstream, .end)
                if let c = lupConst, let lowest = lupRows.min(by: { $0.value.median < $1.value.median }) {
                    let j = c.median < lowest.value.median
                    b.check("\(Fmt.tag(tag))Lup(T) constant \(Fmt.num(c.median)) < every rewarmed Lup(T) (lowest "
                        + "\(Fmt.num(lowest.value.median)) at \(lowest.condition.label)): \(Fmt.outcome(j))", j)
                } else {
                    b.check("\(Fmt.tag(tag))Lup(T) constant < every rewarmed Lup(T): no data", nil)
                }
                let (earlyConst, earlyRows) = measure(.downstream, third)
                if let c = earlyConst, let best = earlyRows.min(by: { $0.value.median < $1.value.median }) {
                    let noise = Judge.noise(c, best.value)
                    let j = Judge.atMost(c.median, best.value.median, noise: noise)
                    b.stat("\(Fmt.tag(tag))Ldown(0.34T) constant - best rewarmed", c.median - best.value.median)
                    b.check("\(Fmt.tag(tag))Ldown(0.34T) constant \(Fmt.num(c.median)) <= best rewarmed "
                        + "\(Fmt.num(best.value.median)) (\(best.condition.label)) + \(Fmt.noise(noise)): "
                        + "\(Fmt.outcome(j))", j)
                    if j == false {
                        b.note("the constant LR's early win did not appear; "
                            + "findings.md's calibration expects this when "
                            + "the new corpus's bytes are new to the base (a higher LR learns them faster)")
                    }
                } else {
                    b.check("\(Fmt.tag(tag))Ldown(0.34T) constant <= best rewarmed + noise: no data", nil)
                }
                let (lateConst, lateRows) = measure(.downstream, .end)
                if let c = lateConst, let worst = lateRows.max(by: { $0.value.median < $1.value.median }) {
                    let noise = Judge.noise(c, worst.value)
                    let j = Judge.exceeds(c.median, worst.value.median, noise: noise)
                    b.stat("\(Fmt.tag(tag))Ldown(T) constant - worst rewarmed", c.median - worst.value.median)
                    b.check("\(Fmt.tag(tag))Ldown(T) constant \(Fmt.num(c.median)) > worst rewarmed "
                        + "\(Fmt.num(worst.value.median)) (\(worst.condition.label)) + \(Fmt.noise(noise)): "
                        + "\(Fmt.outcome(j))", j)
                } else {
                    b.check("\(Fmt.tag(tag))Ldown(T) constant > worst rewarmed + noise: no data", nil)
                }
            }
        }
        return b.result()
    }
}
