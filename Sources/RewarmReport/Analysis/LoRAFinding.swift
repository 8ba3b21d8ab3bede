import Foundation

extension Findings {
    /// F11 (B24 sec. 4.1-4.3, App. B). Conditions that differ only in the method
    /// (`finetuning_type` and the adapter keys) and `learning_rate`, with full training and LoRA
    /// (lora or qlora). Each method (full, or one LoRA adapter) is taken at its best LR: the one
    /// with the lowest seed mean of Ldown(T).
    /// Rule (v2): at the best LRs, Ldown(full) - Ldown(LoRA r) < 0 and Lup(full) - Lup(LoRA r) > 0
    /// for every adapter (real, 95%); Ldown(T) of LoRA falls with the rank (ordering, every
    /// adjacent pair real); best LR (LoRA) / best LR (full) >= 3 (percentile bootstrap of the
    /// ratio of the argmins, seeds resampled per condition; needs full at >= 3 LRs and the
    /// adapter at >= 4, B24's grid).
    static func lora(_ set: ConditionSet) -> FindingResult? {
        let axis = AxisKeys.adapter.union(AxisKeys.learningRate)
        let members = set.conditions.filter { $0.isFullTraining || $0.isLoRA }
        let families = set.families(members, axis: axis).filter { f in
            f.conditions.contains(where: \.isFullTraining) && f.conditions.contains(where: \.isLoRA)
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F11")
        b.note("each method is taken at its best LR (lowest seed mean of Ldown(T) over its LRs)")
        let ldown = { (s: TrialSeries) in s.value(.downstream, at: .end) }
        let lup = { (s: TrialSeries) in s.value(.upstream, at: .end) }
        for (family, tag) in zip(families, set.tags(families)) {
            let t = Fmt.tag(tag)
            b.note(t + set.heldFixed(family, axis: axis))
            let saved = Set(family.conditions.filter(\.isLoRA).compactMap(\.modulesToSave)).sorted()
            b.note(t + (saved.isEmpty
                ? "LoRA runs train the adapters only (embeddings and head frozen)"
                : "LoRA runs named + M also train the whole modules M (modules_to_save: \(saved.joined(separator: "; ")))"))
            var methods: [(conditions: [Condition], best: Reading)] = []
            for method in set.families(family.conditions, axis: AxisKeys.learningRate) {
                let rows = rows(method.conditions, ldown)
                for c in method.conditions {
                    b.point(c, ["learning_rate": c.learningRate, "lora_rank": c.loraRank.map(Double.init)]
                        .merging(values("Lup(T)", c.measure(lup))) { a, _ in a }
                        .merging(values("Ldown(T)", c.measure(ldown))) { a, _ in a })
                }
                if let best = extreme(rows, highest: false) { methods.append((method.conditions, best)) }
            }
            let name = { (c: Condition) in c.isLoRA ? c.adapterName : "full" }
            guard let full = methods.first(where: { $0.best.condition.isFullTraining }) else {
                b.unavailable("\(t)full training against LoRA", claim: .below(0), "no data for full training")
                continue
            }
            let adapters = methods.filter { $0.best.condition.isLoRA }
                .sorted { ($0.best.condition.loraRank ?? 0) < ($1.best.condition.loraRank ?? 0) }
            let fullBest = full.best.condition
            for a in adapters {
                let lora = a.best.condition
                let pair = "full (lr=\(Fmt.num(fullBest.learningRate ?? .nan))) - \(name(lora)) "
                    + "(lr=\(Fmt.num(lora.learningRate ?? .nan)))"
                b.check(.difference("\(t)Ldown(T) " + pair, fullBest.seedValues(ldown), minus: lora.seedValues(ldown),
                                    claim: .below(0)))
                b.check(.difference("\(t)Lup(T) " + pair, fullBest.seedValues(lup), minus: lora.seedValues(lup),
                                    claim: .above(0)))
            }
            // The rank ordering among adapters that train the same whole modules.
            let byModules = Dictionary(grouping: adapters) { $0.best.condition.modulesToSave ?? "" }
            for (_, group) in byModules.sorted(by: { $0.key < $1.key }) where group.count >= 2 {
                let withModules = group[0].best.condition.modulesToSave.map { " (+ \($0))" } ?? ""
                b.check(.ordering("\(t)Ldown(T) of LoRA\(withModules) at its best LR falls with the rank",
                                  levels: group.map { OrderLevel(name($0.best.condition), $0.best.condition.seedValues(ldown)) },
                                  direction: .decreasing))
            }
            for a in adapters { b.check(bestLRRatio(full: full.conditions, lora: a.conditions, tag: t, ldown: ldown)) }
        }
        return b.result()
    }

    /// best LR (LoRA) / best LR (full) >= 3, by a percentile bootstrap of the ratio of the LRs
    /// with the lowest resampled seed mean of Ldown(T); the claim is "> 3 - 1e-9" so a ratio of
    /// exactly 3 holds. Cannot be judged below B24's grid (full >= 3 LRs, the adapter >= 4).
    static func bestLRRatio(full: [Condition], lora: [Condition], tag: String,
                            ldown: @escaping (TrialSeries) -> Double?) -> RuleCheck {
        let fullLRs = full.compactMap { c in c.learningRate.map { ($0, c.measure(ldown)?.perSeed ?? []) } }
        let loraLRs = lora.compactMap { c in c.learningRate.map { ($0, c.measure(ldown)?.perSeed ?? []) } }
        let label = lora.first?.adapterName ?? "LoRA"
        let check = RuleCheck("\(tag)best LR of \(label) / best LR of full (\(loraLRs.count) and \(fullLRs.count) LRs)",
                              claim: .above(3 - 1e-9)) { () throws(StatisticUnavailable) in
            try Bootstrap.percentileInterval(fullLRs.map(\.1) + loraLRs.map(\.1),
                                             confidence: RulesV2.differenceConfidence) { groups in
                let argmin = { (lrs: [Double], gs: ArraySlice<[Double]>) -> Double? in
                    zip(lrs, gs).min { (Statistics.mean($0.1) ?? .infinity) < (Statistics.mean($1.1) ?? .infinity) }?.0
                }
                guard let f = argmin(fullLRs.map(\.0), groups[..<fullLRs.count]),
                      let l = argmin(loraLRs.map(\.0), groups[fullLRs.count...]) else { return nil }
                return l / f
            }
        }
        if fullLRs.count < 3 || loraLRs.count < 4 {
            return check.cannotBeJudged("B24's grid needs full at >= 3 LRs and each adapter at >= 4")
        }
        return check
    }
}
