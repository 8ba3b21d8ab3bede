import Foundation

extension Findings {
    /// F5. A from-scratch condition (`init_from` null) against the protocol rewarms equal to it
    /// in every key but `init_from` and the schedule keys (so every rewarmed LR and warmup counts).
    /// Rule: Ldown_scratch(T) > worst (highest) rewarmed Ldown(T) + noise (of that pair);
    /// rho(step, Lup_scratch) <= -0.9, over the scratch run's evaluations of its seed-median Lup
    /// curve (each seed interpolated at the first completed seed's evaluation steps).
    static func scratch(_ set: ConditionSet) -> FindingResult? {
        let axis = AxisKeys.schedule.union(["init_from"])
        let members = set.conditions.filter(\.isScratch) + set.protocolRewarms()
        let families = set.families(members, axis: axis).filter { f in
            f.conditions.contains(where: \.isScratch) && f.conditions.contains(where: \.isRewarmed)
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F5")
        for (family, tag) in zip(families, set.tags(families)) {
            let rewarmed = family.conditions.filter(\.isRewarmed)
            b.note(Fmt.tag(tag) + "from scratch against \(rewarmed.count) rewarmed runs; "
                + set.heldFixed(family, axis: axis))
            for c in family.conditions { b.use(c) }
            let rows = rows(rewarmed, { $0.value(.downstream, at: .end) })
            for r in rows { b.point(r.condition, values("Ldown(T)", r.value)) }
            for scratch in family.conditions.filter(\.isScratch) {
                let s = scratch.measure { $0.value(.downstream, at: .end) }
                b.point(scratch, values("Ldown(T)", s))
                if let s, let worst = rows.max(by: { $0.value.median < $1.value.median }) {
                    let noise = Judge.noise(s, worst.value)
                    let j = Judge.exceeds(s.median, worst.value.median, noise: noise)
                    b.stat("\(Fmt.tag(tag))Ldown(T) scratch - worst rewarmed", s.median - worst.value.median)
                    b.check("\(Fmt.tag(tag))Ldown(T) \(scratch.label) \(Fmt.num(s.median)) > worst rewarmed "
                        + "\(Fmt.num(worst.value.median)) (\(worst.condition.label)) + \(Fmt.noise(noise)): "
                        + "\(Fmt.outcome(j))", j)
                } else {
                    b.check("\(Fmt.tag(tag))Ldown(T) \(scratch.label) > worst rewarmed + noise: no data", nil)
                }
                let curve = medianCurve(scratch, .upstream)
                let rho = Statistics.spearman(curve.map(\.step), curve.map(\.value))
                let j = rho.map { $0 <= -0.9 }
                b.point(scratch, ["Lup(0)": curve.first?.value, "Lup(T)": curve.last?.value,
                                  "rho(step, Lup)": rho])
                b.stat("\(Fmt.tag(tag))rho(step, Lup \(scratch.label))", rho)
                b.check("\(Fmt.tag(tag))rho(step, Lup of \(scratch.label)) = \(Fmt.rho(rho)) "
                    + "over \(curve.count) evaluations "
                    + "(needs <= -0.90): \(Fmt.outcome(j))", j)
            }
        }
        return b.result()
    }

    /// The seed-median curve of `metric`: at each evaluation step of the first completed seed,
    /// the median over completed seeds of the metric interpolated at that step.
    static func medianCurve(_ c: Condition, _ metric: LossMetric) -> [(step: Double, value: Double)] {
        guard let first = c.completed.first else { return [] }
        return first.points(metric).steps.compactMap { step in
            Statistics.median(c.completed.compactMap { $0.sample(metric, atStep: step)?.value }).map { (step, $0) }
        }
    }

    /// F7. Conditions equal in every key but `init_from`, with the final checkpoint (`base@1.0`
    /// or a path) and at least one earlier one (`base@F`, F < 1). Checkpoint step = F x the
    /// base's `max_steps`.
    /// Rule: at 0.17T, rho(checkpoint step, Ldown) = -1 and rho(checkpoint step, Lup) = -1
    /// (needs >= 3 checkpoints); the final checkpoint beats the earliest beyond noise on both.
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
            var beats: [Bool?] = []
            var beatTexts: [String] = []
            for metric in [LossMetric.downstream, .upstream] {
                let name = "\(metric.rawValue)(0.17T)"
                let rows = rows(members, { $0.value(metric, at: early) })
                for r in rows { b.point(r.condition, values(name, r.value)) }
                let rho = Statistics.spearman(rows.map { step($0.condition) }, rows.map(\.value.median))
                let j = Judge.rho(rho, equals: -1)
                b.stat("\(Fmt.tag(tag))rho(checkpoint step, \(name))", rho)
                b.check("\(Fmt.tag(tag))rho(checkpoint step, \(name)) = \(Fmt.rho(rho)) over \(rows.count) checkpoints "
                    + "(needs -1\(rows.count < 3 ? "; rho needs >= 3" : "")): \(Fmt.outcome(j))", j)
                let earliest = rows.first { !$0.condition.isFromFinalCheckpoint }
                let final = rows.first { $0.condition.isFromFinalCheckpoint }
                if let earliest, let final {
                    let noise = Judge.noise(earliest.value, final.value)
                    beats.append(Judge.exceeds(earliest.value.median, final.value.median, noise: noise))
                    beatTexts.append("\(name) \(Fmt.num(final.value.median)) vs \(Fmt.num(earliest.value.median)), "
                        + Fmt.noise(noise))
                } else {
                    beats.append(nil)
                    beatTexts.append("\(name): no data")
                }
            }
            let j = Judge.all(beats)
            let earliestLabel = members.first.map { Fmt.percent($0.checkpointFraction ?? 1) } ?? "?"
            b.check("\(Fmt.tag(tag))the final checkpoint beats the earliest (\(earliestLabel)) beyond noise: "
                + beatTexts.joined(separator: "; ") + ": " + Fmt.outcome(j), j)
        }
        return b.result()
    }
}
