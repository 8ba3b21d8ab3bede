import Foundation

extension Findings {
    /// F1 (G23 sec. 4.1; I24 sec. 6.1.1). Protocol rewarms (rewarmed, final checkpoint, full
    /// training, no replay, shifted data) that differ only in warmup (`warmup_ratio` /
    /// `warmup_steps`); testable when a family has >= 2 warmups, one of them 0. The reference is
    /// the longest warmup (G23's 2% of T in the protocol).
    /// Rule (v2): at 0.17T, Lup and Ldown of warmup 0 minus the longest warmup are equivalent
    /// within 1% of the longest warmup's seed mean (TOST, 90% interval); warmup 0 has the higher
    /// early peak of Lup (max over 0 < step <= 0.17T; a real difference, 95%). The shortest
    /// non-zero warmup must be >= 5 optimizer steps, else the warmups barely differ and the
    /// equivalence checks cannot be judged.
    static func warmupLength(_ set: ConditionSet) -> FindingResult? {
        let families = set.families(set.protocolRewarms(), axis: AxisKeys.warmup).filter { f in
            Set(f.conditions.map(\.warmupFraction)).count >= 2 && f.conditions.contains { $0.warmupFraction == 0 }
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F1")
        let early = TimePoint.fraction(0.17)
        for (family, tag) in zip(families, set.tags(families)) {
            let t = Fmt.tag(tag)
            let members = family.conditions.sorted { $0.warmupFraction < $1.warmupFraction }
            b.note(t + "warmups compared: " + members.map { Fmt.num($0.warmupFraction) }.joined(separator: ", ")
                + " of T; " + set.heldFixed(family, axis: AxisKeys.warmup))
            b.noteSteps([early], of: members)
            for c in members { b.point(c, ["warmup (fraction of T)": c.warmupFraction]) }
            let zero = members[0]
            let longest = members[members.count - 1]
            let versus = "warmup 0 - warmup \(Fmt.num(longest.warmupFraction))"
            let shortest = members.first { $0.warmupFraction > 0 } ?? longest
            let shortSteps = shortest.warmupFraction * Double(shortest.maxSteps ?? 0)
            for metric in [LossMetric.upstream, .downstream] {
                let name = "\(metric.rawValue)(0.17T)"
                for c in members { b.point(c, values(name, c.measure { $0.value(metric, at: early) })) }
                let a = zero.seedValues { $0.value(metric, at: early) }
                let ref = longest.seedValues { $0.value(metric, at: early) }
                guard let refMean = Statistics.mean(Array(ref.values)) else {
                    b.unavailable("\(t)\(name) \(versus)", claim: .within(margin: 0), "no data for the longest warmup")
                    continue
                }
                var check = RuleCheck.equivalence(
                    "\(t)\(name) \(versus)", a, minus: ref,
                    margin: .relative(RulesV2.defaultRelativeMargin, of: refMean, named: "\(name) at the longest warmup"))
                if shortSteps < 5 {
                    check = check.cannotBeJudged("the shortest non-zero warmup is \(Fmt.num(shortSteps)) optimizer "
                        + "steps, fewer than 5: the warmups barely differ")
                }
                b.stat("\(t)\(name) \(versus)", check)
                b.check(check)
            }
            for c in members { b.point(c, values("early peak Lup", c.measure { $0.peak(.upstream, through: early) })) }
            let peak = RuleCheck.difference(
                "\(t)early peak of Lup (0 < step <= 0.17T) \(versus)",
                zero.seedValues { $0.peak(.upstream, through: early) },
                minus: longest.seedValues { $0.peak(.upstream, through: early) }, claim: .above(0))
            b.stat("\(t)early peak Lup \(versus)", peak)
            b.check(peak)
        }
        return b.result()
    }

    /// F2 (G23 abstract, sec. 4.2; I24 sec. 7.1). Every protocol rewarm, per run.
    /// Rule (v2): max(Lup after step 0) - Lup(0) > 0 and Lup(T) - Lup(0) > 0 (real: the 95%
    /// one-sample interval of the per-seed changes lies above 0); Ldown(T) - Ldown(0) < 0 (real),
    /// trivially true when every seed's Ldown(0) is above the loss of uniform guessing
    /// (`ConditionSet.uniformLoss`: a model worse than that cannot fail to fall); where the
    /// seed mean of Ldown(0) is below it, the peak of Ldown over (0, 0.05T] minus Ldown(0) > 0
    /// (real), else that early rise is a note.
    static func rewarmRise(_ set: ConditionSet) -> FindingResult? {
        let runs = set.protocolRewarms()
        guard !runs.isEmpty else { return nil }
        var b = builder("F2")
        b.note("rewarmed runs: from the final checkpoint, full training, no replay, on a shifted dataset")
        for c in runs {
            let at = " at \(c.label)"
            let uniform = set.uniformLoss(c)
            b.point(c, [
                "Lup(0)": c.measure { $0.value(.upstream, at: .start) }?.mean,
                "peak Lup": c.measure { $0.peak(.upstream) }?.mean,
                "Lup(T)": c.measure { $0.value(.upstream, at: .end) }?.mean,
                "Ldown(0)": c.measure { $0.value(.downstream, at: .start) }?.mean,
                "Ldown(T)": c.measure { $0.value(.downstream, at: .end) }?.mean,
            ])
            let rise = RuleCheck.change("max(Lup) - Lup(0)" + at, perSeed: c.seedValues { $0.peakRise(.upstream) },
                                        claim: .above(0))
            b.stat("peak rise Lup" + at, rise)
            b.check(rise)
            b.check(.change("Lup(T) - Lup(0)" + at, perSeed: c.seedValues { $0.netChange(.upstream) }, claim: .above(0)))
            let start = c.seedValues { $0.value(.downstream, at: .start) }
            var learn = RuleCheck.change("Ldown(T) - Ldown(0)" + at, perSeed: c.seedValues { $0.netChange(.downstream) },
                                         claim: .below(0))
            if !start.isEmpty, start.values.allSatisfy({ $0 > uniform.value }) {
                learn = learn.triviallyTrue("Ldown(0) > \(uniform.text) in every seed")
            }
            b.check(learn)
            let early = RuleCheck.change("max(Ldown over (0, 0.05T]) - Ldown(0)" + at,
                                         perSeed: c.seedValues { $0.peakRise(.downstream, through: .fraction(0.05)) },
                                         claim: .above(0))
            if let mean = Statistics.mean(Array(start.values)), mean < uniform.value {
                b.check(early)
            } else {
                b.note("reported, not judged (Ldown(0) >= \(uniform.text)): " + early.line)
            }
        }
        return b.result()
    }
}
