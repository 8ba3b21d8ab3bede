import Foundation

extension Findings {
    /// F8. Continuations on shifted data that differ only in `replay_ratio`, one of them 0.
    /// Gap = Lup(T) of the no-replay run - the base's final Lup; a replay run closes
    /// (Lup_0(T) - Lup_r(T)) / gap of it.
    /// Rule: rho(replay, Lup(T)) = -1 (needs >= 3 ratios); for every ratio in (0, 10%] the Ldown
    /// cost Ldown_r(T) - Ldown_0(T) <= noise + 1% of Ldown_0(T); 1% replay closes >= 40% of the
    /// gap; 5% closes >= 60% (a ratio the sweep did not run cannot be judged).
    static func replay(_ set: ConditionSet) -> FindingResult? {
        let axis: Set<String> = ["replay_ratio"]
        let members = set.conditions.filter { !$0.isScratch && !set.isSameData($0) }
        let families = set.families(members, axis: axis).filter { f in
            Set(f.conditions.map(\.replayRatio)).count >= 2 && f.conditions.contains { $0.replayRatio == 0 }
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F8")
        for (family, tag) in zip(families, set.tags(families)) {
            let sorted = family.conditions.sorted { $0.replayRatio < $1.replayRatio }
            b.note(Fmt.tag(tag) + "replay ratios compared: "
                + sorted.map { Fmt.percent($0.replayRatio) }.joined(separator: ", ")
                + "; " + set.heldFixed(family, axis: axis))
            for c in sorted { b.point(c, ["replay_ratio": c.replayRatio]) }
            let lup = rows(sorted, { $0.value(.upstream, at: .end) })
            let ldown = rows(sorted, { $0.value(.downstream, at: .end) })
            for r in lup { b.point(r.condition, values("Lup(T)", r.value)) }
            for r in ldown { b.point(r.condition, values("Ldown(T)", r.value)) }

            let rho = Statistics.spearman(lup.map(\.condition.replayRatio), lup.map(\.value.median))
            let jr = Judge.rho(rho, equals: -1)
            b.stat("\(Fmt.tag(tag))rho(replay, Lup(T))", rho)
            b.check("\(Fmt.tag(tag))rho(replay, Lup(T)) = \(Fmt.rho(rho)) over \(lup.count) ratios (needs -1"
                + "\(lup.count < 3 ? "; rho needs >= 3" : "")): \(Fmt.outcome(jr))", jr)

            let none = ldown.first { $0.condition.replayRatio == 0 }
            let small = ldown.filter { $0.condition.replayRatio > 0 && $0.condition.replayRatio <= 0.10 + 1e-12 }
            if let none, !small.isEmpty {
                let onePercent = 0.01 * none.value.median
                let judged = small.map { r -> (String, Bool?) in
                    let cost = r.value.median - none.value.median
                    let noise = Judge.noise(r.value, none.value)
                    b.stat("\(Fmt.tag(tag))Ldown cost of \(Fmt.percent(r.condition.replayRatio)) replay", cost)
                    return ("\(Fmt.percent(r.condition.replayRatio)): \(Fmt.num(cost)) vs \(Fmt.noise(noise)) + 1% "
                        + Fmt.num(onePercent), Judge.atMost(cost, onePercent, noise: noise))
                }
                let j = summary(judged)
                b.check("\(Fmt.tag(tag))Ldown(T) cost of replay <= 10% within noise + 1%: "
                    + judged.map(\.0).joined(separator: "; ") + ": " + Fmt.outcome(j.judgment), j.judgment)
            } else {
                b.check("\(Fmt.tag(tag))Ldown(T) cost of replay <= 10% within noise + 1%: "
                    + (none == nil ? "no data for the no-replay run" : "no replay ratio in (0, 10%] with data"), nil)
            }

            let lupNone = lup.first { $0.condition.replayRatio == 0 }
            let gap = lupNone.flatMap { n in set.baseUpstreamLoss.map { n.value.median - $0 } }
            b.stat("\(Fmt.tag(tag))forgetting gap", gap)
            for (ratio, needed) in [(0.01, 0.40), (0.05, 0.60)] {
                let head = "\(Fmt.tag(tag))\(Fmt.percent(ratio)) replay closes >= \(Fmt.percent(needed)) of the gap"
                guard let lupNone, let gap else {
                    b.check(head + ": "
                        + (lupNone == nil ? "no data for the no-replay run" : "the base's final Lup is unknown"), nil)
                    continue
                }
                guard let r = lup.first(where: { abs($0.condition.replayRatio - ratio) < 1e-9 }) else {
                    b.check(head + ": the sweep has no \(Fmt.percent(ratio)) replay run with data", nil)
                    continue
                }
                guard gap > 0 else {
                    b.check(head + ": no forgetting to close (gap \(Fmt.num(gap)))", nil)
                    continue
                }
                let closed = (lupNone.value.median - r.value.median) / gap
                let j = closed >= needed
                b.stat("\(Fmt.tag(tag))gap closed by \(Fmt.percent(ratio)) replay", closed)
                b.check(head + ": (\(Fmt.num(lupNone.value.median)) - \(Fmt.num(r.value.median))) "
                    + "/ gap \(Fmt.num(gap)) = "
                    + "\(Fmt.percent(closed)): \(Fmt.outcome(j))", j)
            }
        }
        return b.result()
    }

    /// F9. Continuations (not scratch) on shifted data that differ only in `dataset`. The
    /// strength of a shift is the base's loss on the new corpus before training, Ldown(0): the
    /// highest is the strong shift, the lowest the weak one. Forgetting = Lup(T) - the base's final
    /// Lup (Lup(0) when the base's is unknown), per seed, median.
    /// Rule: forgetting (strong) > 2 x forgetting (weak).
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
        b.note("shift strength = Ldown(0), the base's loss on the new corpus before training")
        for (family, tag) in zip(families, set.tags(families)) {
            b.note(Fmt.tag(tag) + "datasets compared: "
                + family.conditions.compactMap(\.dataset).joined(separator: ", ")
                + "; " + set.heldFixed(family, axis: axis))
            let strength = rows(family.conditions, { $0.value(.downstream, at: .start) })
            let forgot = rows(family.conditions, forgetting)
            for c in family.conditions { b.use(c) }
            for r in strength { b.point(r.condition, values("Ldown(0)", r.value)) }
            for r in forgot { b.point(r.condition, values("forgetting", r.value)) }
            let withBoth = strength.filter { s in forgot.contains { $0.condition.key == s.condition.key } }
            guard let weak = withBoth.min(by: { $0.value.median < $1.value.median }),
                  let strong = withBoth.max(by: { $0.value.median < $1.value.median }),
                  let fw = forgot.first(where: { $0.condition.key == weak.condition.key }),
                  let fs = forgot.first(where: { $0.condition.key == strong.condition.key })
            else {
                b.check("\(Fmt.tag(tag))forgetting (strong) > 2 x forgetting (weak): "
                    + "fewer than 2 datasets with data", nil)
                continue
            }
            guard strong.value.median > weak.value.median else {
                b.check("\(Fmt.tag(tag))forgetting (strong) > 2 x forgetting (weak): the datasets' Ldown(0) are equal "
                    + "(\(Fmt.num(weak.value.median))), no shift is stronger", nil)
                continue
            }
            let j = fs.value.median > 2 * fw.value.median
            b.stat("\(Fmt.tag(tag))forgetting strong", fs.value.median)
            b.stat("\(Fmt.tag(tag))forgetting weak", fw.value.median)
            b.check("\(Fmt.tag(tag))forgetting under the strong shift (\(strong.condition.dataset ?? "?"), Ldown(0) "
                + "\(Fmt.num(strong.value.median))) \(Fmt.num(fs.value.median)) > 2 x forgetting under the weak shift "
                + "(\(weak.condition.dataset ?? "?"), Ldown(0) \(Fmt.num(weak.value.median))) "
                + "\(Fmt.num(fw.value.median)): "
                + Fmt.outcome(j), j)
        }
        return b.result()
    }
}
