import Foundation

/// The direction an ordering claims along its axis (levels given in axis order).
public enum OrderDirection: String, Sendable, Codable {
    /// Each level's value is above the previous one's (e.g. Lup(T) rising with max LR).
    case increasing
    /// Each level's value is below the previous one's (e.g. Ldown(T) falling with max LR).
    case decreasing
}

/// Which pairs of an ordering must be real differences (rules v2: every adjacent pair, "or the
/// rule says which pair suffices").
public enum OrderRequirement: String, Sendable, Codable {
    /// Every adjacent pair differs by a real difference in the claimed direction (the default).
    case everyAdjacentPair
    /// At least one adjacent pair does (F3).
    case someAdjacentPair
    /// The last level against the first does (F7: final checkpoint vs earliest).
    case extremes
}

/// One level of an ordering: its label ("0.5x", "lr=0.003") and its per-seed values by seed.
public struct OrderLevel: Sendable, Equatable {
    public var label: String
    public var values: [Int: Double]

    public init(_ label: String, _ values: [Int: Double]) {
        self.label = label
        self.values = values
    }
}

extension RuleCheck {
    /// An ordering (a "rho = +/-1" rule): `levels`, in axis order, have values that rise or fall
    /// along the axis. Holds when the seed medians are strictly ordered in `direction` AND the
    /// pairs `requirement` names differ by a real difference (95% interval, `difference`) the
    /// same way. Fails when some pair shown differs by a real difference the wrong way (its
    /// interval on the wrong side). Otherwise straddles, or cannot be judged when a pair it needs
    /// has no interval. The parts are every adjacent pair (later minus earlier), and for
    /// `.extremes` also last minus first.
    public static func ordering(
        _ statement: String, levels: [OrderLevel], direction: OrderDirection,
        requirement: OrderRequirement = .everyAdjacentPair, pairing: Pairing = .pairedWhenSameSeeds,
        confidence: Double = RulesV2.differenceConfidence
    ) -> RuleCheck {
        let claim: Claim = direction == .increasing ? .above(0) : .below(0)
        let medians = levels.map { Statistics.median(Array($0.values.values)) }
        guard levels.count >= 2, medians.allSatisfy({ $0 != nil }) else {
            let why = levels.count < 2 ? "fewer than 2 levels" : "a level has no value"
            return RuleCheck(statement: statement, claim: claim, interval: nil, outcome: .cannotJudge(reason: why))
        }
        let m = medians.map { $0! }
        let inOrder = zip(m, m.dropFirst()).allSatisfy { direction == .increasing ? $1 > $0 : $1 < $0 }
        let sign = direction == .increasing ? " < " : " > "
        let detail = "medians " + zip(levels, m).map { "\($0.label) \(Fmt.num($1))" }.joined(separator: sign)
            + (inOrder ? ", in order" : ", out of order")
        let pair = { (later: OrderLevel, earlier: OrderLevel) in
            RuleCheck.difference("\(later.label) - \(earlier.label)", later.values, minus: earlier.values,
                                 claim: claim, pairing: pairing, confidence: confidence)
        }
        let adjacent = zip(levels, levels.dropFirst()).map { pair($1, $0) }
        let extremes = requirement == .extremes && levels.count > 2 ? [pair(levels.last!, levels.first!)] : []
        let parts = adjacent + extremes
        let needed: [RuleCheck] = switch requirement {
        case .everyAdjacentPair, .someAdjacentPair: adjacent
        case .extremes: extremes.isEmpty ? adjacent : extremes
        }
        let met = requirement == .someAdjacentPair
            ? needed.contains { $0.outcome == .holds }
            : needed.allSatisfy { $0.outcome == .holds }
        let outcome: CheckOutcome
        if parts.contains(where: { $0.outcome == .fails }) {
            outcome = .fails
        } else if inOrder && met {
            outcome = .holds
        } else if let blocked = needed.first(where: { if case .cannotJudge = $0.outcome { true } else { false } }) {
            outcome = blocked.outcome
        } else {
            outcome = .straddles
        }
        return RuleCheck(statement: statement, claim: claim, interval: nil, outcome: outcome, detail: detail,
                         parts: parts)
    }
}
