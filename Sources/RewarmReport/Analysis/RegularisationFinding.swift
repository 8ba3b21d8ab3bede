import Foundation

extension Findings {
    /// F18, beyond the papers (a seed question: which mitigation buys the most Lup per unit of
    /// Ldown given up?). Full-training continuations on shifted data that differ only in the
    /// mitigation keys and the LR: regularised runs (`l2_to_base` > 0, L2-SP; `ewc_lambda` > 0,
    /// EWC) against replay runs (`replay_ratio` > 0), the runs without a mitigation (an LR sweep)
    /// drawn as the reference front. Every condition is a point (Lup(T), Ldown(T)).
    /// Rule (v2, the hypothesis from I24's results): no regularised point dominates every replay
    /// point. For each regularised point R: holds when some replay point P beats R on one loss
    /// by a real difference (R - P > 0 on Lup(T) or on Ldown(T), 95%); fails when R is lower than
    /// every replay point on both losses by real differences; straddles otherwise.
    static func regularisationVersusReplay(_ set: ConditionSet) -> FindingResult? {
        let axis: Set<String> = ["l2_to_base", "ewc_lambda", "ewc_batches", "replay_ratio", "learning_rate"]
        let members = set.conditions.filter { !$0.isScratch && !set.isSameData($0) && $0.isFullTraining }
        let families = set.families(members, axis: axis).filter { f in
            f.conditions.contains(where: \.isRegularised) && f.conditions.contains { $0.replayRatio > 0 && !$0.isRegularised }
        }
        guard !families.isEmpty else { return nil }
        var b = builder("F18")
        b.note("a point is a condition's seed means of (Lup(T), Ldown(T)); runs without a mitigation are the reference front")
        let lup = { (s: TrialSeries) in s.value(.upstream, at: .end) }
        let ldown = { (s: TrialSeries) in s.value(.downstream, at: .end) }
        for (family, tag) in zip(families, set.tags(families)) {
            let t = Fmt.tag(tag)
            b.note(t + set.heldFixed(family, axis: axis))
            for c in family.conditions {
                b.point(c, values("Lup(T)", c.measure(lup)).merging(values("Ldown(T)", c.measure(ldown))) { a, _ in a }
                    .merging(["l2_to_base": c.l2ToBase, "ewc_lambda": c.ewcLambda, "replay_ratio": c.replayRatio]) { a, _ in a })
            }
            let replay = family.conditions.filter { $0.replayRatio > 0 && !$0.isRegularised }
            for r in family.conditions.filter(\.isRegularised) {
                var parts: [RuleCheck] = []
                for p in replay {
                    let pair = "\(r.label) - \(p.label)"
                    parts.append(.difference("Lup(T) " + pair, r.seedValues(lup), minus: p.seedValues(lup), claim: .below(0)))
                    parts.append(.difference("Ldown(T) " + pair, r.seedValues(ldown), minus: p.seedValues(ldown),
                                             claim: .below(0)))
                }
                b.check(dominance("\(t)\(r.label) does not dominate every replay run", parts))
            }
        }
        return b.result()
    }

    /// The verdict of "R does not dominate every replay point" from its pairs (R - P on Lup(T),
    /// then on Ldown(T), claimed below 0 = R better): holds when a pair fails (P better on that
    /// loss, real), fails when every pair holds (R better on both losses against every P), else
    /// straddles; any pair that cannot be judged makes it cannot-be-judged unless another holds it.
    static func dominance(_ statement: String, _ parts: [RuleCheck]) -> RuleCheck {
        let outcome: CheckOutcome
        if parts.contains(where: { $0.outcome == .fails }) {
            outcome = .holds
        } else if let unjudged = parts.first(where: { if case .cannotJudge = $0.outcome { true } else { false } }) {
            outcome = unjudged.outcome
        } else if !parts.isEmpty && parts.allSatisfy({ $0.outcome == .holds }) {
            outcome = .fails
        } else {
            outcome = parts.isEmpty ? .cannotJudge(reason: "no replay run") : .straddles
        }
        return RuleCheck(statement: statement, claim: .notAbove(0), interval: nil, outcome: outcome,
                         detail: "a replay run better on Lup(T) or Ldown(T) by a real difference", parts: parts)
    }
}

extension Condition {
    /// `l2_to_base` (0 when off).
    var l2ToBase: Double { number("l2_to_base") ?? 0 }
    /// `ewc_lambda` (0 when off).
    var ewcLambda: Double { number("ewc_lambda") ?? 0 }
    /// Regularised toward the base: L2-SP or EWC on.
    var isRegularised: Bool { l2ToBase > 0 || ewcLambda > 0 }
}
