import Foundation

extension Findings {
    /// F6. Same-data continuations: from the final checkpoint, full training, no replay, with
    /// `dataset` equal to `upstream` or to the base's dataset. Families of rewarmed ones differing
    /// only in `learning_rate`; their shifted counterparts are the conditions equal to them but
    /// for `dataset` (and not same-data); the constant-LR same-data run is the one equal to them
    /// but for the schedule keys and `rewarm`. Peak rise = max(Lup) - Lup(0), per seed, median.
    /// Rule: peak rise beyond noise for every rewarmed same-data run; rho(maxLR, peak rise) = +1
    /// (needs >= 3 LRs); peak rise (same data) < peak rise (shifted) at each max LR; the
    /// constant-LR run's peak rise <= noise.
    static func sameData(_ set: ConditionSet) -> FindingResult? {
        let continuations = set.conditions.filter {
            $0.isFromFinalCheckpoint && $0.isFullTraining && $0.replayRatio == 0 && set.isSameData($0)
        }
        let families = set.families(continuations.filter(\.isRewarmed), axis: AxisKeys.learningRate)
        guard !families.isEmpty else { return nil }
        var b = builder("F6")
        let rise = { (t: TrialSeries) in t.peakRise(.upstream) }
        for (family, tag) in zip(families, set.tags(families)) {
            let members = family.conditions.sorted { ($0.learningRate ?? 0) < ($1.learningRate ?? 0) }
            b.note(Fmt.tag(tag) + "same-data runs on \(members[0].dataset ?? "?") at max LRs "
                + members.map { Fmt.num($0.learningRate ?? .nan) }.joined(separator: ", ") + "; "
                + set.heldFixed(family, axis: AxisKeys.learningRate))
            for c in members { b.use(c) }
            let rows = rows(members, rise)
            for r in rows {
                b.point(r.condition, values("peak rise Lup", r.value)
                    .merging(["learning_rate": r.condition.learningRate]) { a, _ in a })
            }

            let beyond = summary(rows.map { r in
                ("\(r.condition.label): \(Fmt.num(r.value.median)), \(Fmt.noise(r.value.noise))",
                 Judge.exceeds(r.value.median, 0, noise: r.value.noise))
            } + members.filter { m in !rows.contains { $0.condition.key == m.key } }
                .map { ("\($0.label): no data", nil) })
            b.check("\(Fmt.tag(tag))peak rise of Lup beyond noise in every rewarmed same-data run: \(beyond.text)",
                    beyond.judgment)

            let rho = Statistics.spearman(rows.map { $0.condition.learningRate ?? .nan }, rows.map(\.value.median))
            let jr = Judge.rho(rho, equals: 1)
            b.stat("\(Fmt.tag(tag))rho(maxLR, peak rise Lup)", rho)
            b.check("\(Fmt.tag(tag))rho(maxLR, peak rise Lup) = \(Fmt.rho(rho)) over \(rows.count) LRs (needs +1"
                + "\(rows.count < 3 ? "; rho needs >= 3" : "")): \(Fmt.outcome(jr))", jr)

            var pairs: [(label: String, judgment: Bool?)] = []
            for r in rows {
                let shifted = set.conditions.filter { c in
                    c.key != r.condition.key && !set.isSameData(c)
                        && c.config.filter { $0.key != "dataset" } == r.condition.config.filter { $0.key != "dataset" }
                }
                let shiftedRows = Findings.rows(shifted, rise)
                for s in shiftedRows { b.point(s.condition, values("peak rise Lup", s.value)) }
                let lr = "LR \(Fmt.num(r.condition.learningRate ?? .nan))"
                if shiftedRows.isEmpty {
                    pairs.append(("\(lr): no shifted run with data", nil))
                }
                for s in shiftedRows {
                    pairs.append(("\(lr): \(Fmt.num(r.value.median)) vs \(Fmt.num(s.value.median)) "
                                      + "on \(s.condition.dataset ?? "?")",
                                  r.value.median < s.value.median))
                }
            }
            let shift = summary(pairs)
            let listing = pairs.map(\.label).joined(separator: "; ")
            b.check("\(Fmt.tag(tag))peak rise (same data) < peak rise (shifted) at each max LR: \(listing): "
                + Fmt.outcome(shift.judgment), shift.judgment)

            let scheduleAxis = AxisKeys.schedule.union(["rewarm"])
            let fixed = members[0].config.filter { !scheduleAxis.contains($0.key) }
            let constants = continuations.filter { c in
                c.isConstantLR && c.config.filter { !scheduleAxis.contains($0.key) } == fixed
            }
            let constantRows = Findings.rows(constants, rise)
            for r in constantRows { b.point(r.condition, values("peak rise Lup", r.value)) }
            if constants.isEmpty {
                b.check("\(Fmt.tag(tag))constant-LR peak rise <= noise: "
                    + "the sweep has no constant-LR same-data run", nil)
            } else if constantRows.isEmpty {
                for c in constants { b.use(c) }
                b.check("\(Fmt.tag(tag))constant-LR peak rise <= noise: no data", nil)
            } else {
                let judged = constantRows.map { r in
                    ("\(r.condition.label): \(Fmt.num(r.value.median)), \(Fmt.noise(r.value.noise))",
                     Judge.atMost(r.value.median, 0, noise: r.value.noise))
                }
                let j = summary(judged)
                b.check("\(Fmt.tag(tag))constant-LR peak rise of Lup <= noise: "
                    + judged.map(\.0).joined(separator: "; ") + ": " + Fmt.outcome(j.judgment), j.judgment)
            }
        }
        return b.result()
    }
}
