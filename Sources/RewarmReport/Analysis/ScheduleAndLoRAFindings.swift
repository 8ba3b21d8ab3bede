import Foundation

extension Findings {
    /// F10. Protocol rewarms that differ only in the schedule's shape (`lr_scheduler_type`,
    /// `decay_ratio`, `num_cycles`, `power`), with a `cosine` run and an infinite one
    /// (`warmup_stable_decay` or `constant_with_warmup`, see `ConditionRoles.swift`).
    /// Rule: the final losses, Lup(T) and Ldown(T), of each infinite run are within
    /// max(noise, 0.5% of the cosine run's value) of the cosine run's. The spike (peak rise of
    /// Lup) is reported, not judged.
    static func infiniteSchedule(_ set: ConditionSet) -> FindingResult? {
        let axis = AxisKeys.scheduleShape
        let families = set.families(set.protocolRewarms(), axis: axis).filter { f in
            f.conditions.contains { $0.scheduler == "cosine" } && f.conditions.contains(where: \.isInfiniteSchedule)
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F10")
        b.note("infinite schedules: lr_scheduler_type warmup_stable_decay or constant_with_warmup, against cosine")
        for (family, tag) in zip(families, set.tags(families)) {
            b.note(Fmt.tag(tag) + set.heldFixed(family, axis: axis))
            let cosines = family.conditions.filter { $0.scheduler == "cosine" }
            let infinites = family.conditions.filter(\.isInfiniteSchedule)
            for c in cosines + infinites {
                b.point(c, values("peak rise Lup", c.measure { $0.peakRise(.upstream) }))
            }
            for metric in [LossMetric.upstream, .downstream] {
                let name = "\(metric.rawValue)(T)"
                let cos = rows(cosines, { $0.value(metric, at: .end) })
                let inf = rows(infinites, { $0.value(metric, at: .end) })
                for r in cos + inf { b.point(r.condition, values(name, r.value)) }
                var judged: [(String, Bool?)] = []
                for i in inf {
                    for c in cos {
                        let d = abs(i.value.median - c.value.median)
                        let floor = 0.005 * abs(c.value.median)
                        let noise = Judge.noise(i.value, c.value)
                        b.stat("\(Fmt.tag(tag))\(name) \(i.condition.scheduler) - cosine",
                               i.value.median - c.value.median)
                        judged.append(("\(i.condition.scheduler) \(Fmt.num(i.value.median)) "
                            + "vs cosine \(Fmt.num(c.value.median)): "
                            + "|diff| \(Fmt.num(d)) <= max(\(Fmt.noise(noise)), 0.5% = \(Fmt.num(floor)))",
                            Judge.withinTolerance(d, floor: floor, noise: noise)))
                    }
                }
                let j = judged.isEmpty ? nil : Judge.all(judged.map(\.1))
                b.check("\(Fmt.tag(tag))\(name) of the infinite schedule within max(noise, 0.5%) of cosine's: "
                    + (judged.isEmpty ? "no data" : judged.map(\.0).joined(separator: "; ")) + ": " + Fmt.outcome(j), j)
            }
        }
        return b.result()
    }

    /// F11. Conditions that differ only in the method (`finetuning_type` and the adapter keys)
    /// and `learning_rate`, with full training and LoRA (lora or qlora). Each method (full, or
    /// one LoRA adapter) is taken at its best LR: the one with the lowest Ldown(T).
    /// Rule: Ldown(full) < Ldown(LoRA r) and Lup(full) > Lup(LoRA r) for every adapter; Ldown of
    /// LoRA falls with the rank (rho(rank, Ldown(T)) = -1, needs >= 3 ranks); where both full
    /// training and a LoRA adapter were run at >= 2 LRs, best LR (LoRA) / best LR (full) >= 3.
    static func lora(_ set: ConditionSet) -> FindingResult? {
        let axis = AxisKeys.adapter.union(AxisKeys.learningRate)
        let members = set.conditions.filter { $0.isFullTraining || $0.isLoRA }
        let families = set.families(members, axis: axis).filter { f in
            f.conditions.contains(where: \.isFullTraining) && f.conditions.contains(where: \.isLoRA)
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F11")
        b.note("each method is taken at its best LR (lowest Ldown(T) of its LRs)")
        for (family, tag) in zip(families, set.tags(families)) {
            b.note(Fmt.tag(tag) + set.heldFixed(family, axis: axis))
            let methods = set.families(family.conditions, axis: AxisKeys.learningRate)
            var best: [(method: Family, lrs: Int, row: Reading, lup: Measured?)] = []
            for method in methods {
                let rows = rows(method.conditions, { $0.value(.downstream, at: .end) })
                for c in method.conditions {
                    b.point(c, ["learning_rate": c.learningRate, "lora_rank": c.loraRank.map(Double.init)]
                        .merging(values("Lup(T)", c.measure { $0.value(.upstream, at: .end) })) { a, _ in a })
                }
                for r in rows { b.point(r.condition, values("Ldown(T)", r.value)) }
                guard let top = rows.min(by: { $0.value.median < $1.value.median }) else { continue }
                let lrs = Set(method.conditions.compactMap(\.learningRate)).count
                best.append((method, lrs, top, top.condition.measure { $0.value(.upstream, at: .end) }))
            }
            let full = best.first { $0.row.condition.isFullTraining }
            let adapters = best.filter { $0.row.condition.isLoRA }
                .sorted { ($0.row.condition.loraRank ?? 0) < ($1.row.condition.loraRank ?? 0) }
            guard let full, !adapters.isEmpty else {
                b.check("\(Fmt.tag(tag))full training against LoRA: no data for full training or for any LoRA run", nil)
                continue
            }
            let name = { (r: Reading) in
                r.condition.isLoRA ? "\(r.condition.finetuningType) r=\(r.condition.loraRank ?? 0)" : "full"
            }
            let learns = adapters.map { a in
                ("\(name(a.row)) \(Fmt.num(a.row.value.median))", Optional(full.row.value.median < a.row.value.median))
            }
            let jl = summary(learns)
            b.check("\(Fmt.tag(tag))Ldown(T) full \(Fmt.num(full.row.value.median)) < every LoRA: "
                + learns.map(\.0).joined(separator: "; ") + ": " + Fmt.outcome(jl.judgment), jl.judgment)
            let forgets = adapters.map { a -> (String, Bool?) in
                guard let fl = full.lup, let al = a.lup else { return ("\(name(a.row)): no Lup", nil) }
                return ("\(name(a.row)) \(Fmt.num(al.median))", fl.median > al.median)
            }
            let jf = summary(forgets)
            b.check("\(Fmt.tag(tag))Lup(T) full \(Fmt.num(full.lup?.median)) > every LoRA: "
                + forgets.map(\.0).joined(separator: "; ") + ": " + Fmt.outcome(jf.judgment), jf.judgment)

            let ranks = adapters.map { Double($0.row.condition.loraRank ?? 0) }
            let rho = Statistics.spearman(ranks, adapters.map(\.row.value.median))
            let jr = Judge.rho(rho, equals: -1)
            b.stat("\(Fmt.tag(tag))rho(rank, Ldown(T))", rho)
            b.check("\(Fmt.tag(tag))rho(LoRA rank, Ldown(T)) = \(Fmt.rho(rho)) over \(Set(ranks).count) ranks (needs -1"
                + "\(Set(ranks).count < 3 ? "; rho needs >= 3" : "")): \(Fmt.outcome(jr))", jr)

            let gridded = adapters.filter { $0.lrs >= 2 }
            guard full.lrs >= 2, !gridded.isEmpty, let fullLR = full.row.condition.learningRate else {
                b.note(Fmt.tag(tag)
                    + "no LR grid for both full training and a LoRA adapter: the best-LR ratio is not checked")
                continue
            }
            let ratios = gridded.map { a -> (String, Bool?) in
                guard let lr = a.row.condition.learningRate else { return ("\(name(a.row)): no LR", nil) }
                b.stat("\(Fmt.tag(tag))best LR ratio \(name(a.row)) / full", lr / fullLR)
                return ("\(name(a.row)) \(Fmt.num(lr)) / full \(Fmt.num(fullLR)) = \(Fmt.num(lr / fullLR))",
                        lr / fullLR >= 3)
            }
            let jb = summary(ratios)
            b.check("\(Fmt.tag(tag))best LR of LoRA / best LR of full >= 3: " + ratios.map(\.0).joined(separator: "; ")
                + ": " + Fmt.outcome(jb.judgment), jb.judgment)
        }
        return b.result()
    }
}
