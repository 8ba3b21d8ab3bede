import Foundation
import RewarmEngine
import RewarmStore

/// Conditions that differ only in the keys of one axis: every other config key is equal.
struct Family: Sendable {
    let conditions: [Condition]
    /// The config without the axis keys, shared by every member.
    let fixed: [String: ConfigValue]
}

extension ConditionSet {
    /// `members` grouped by their config without the `axis` keys, in order of first appearance.
    func families(_ members: [Condition], axis: Set<String>) -> [Family] {
        var order: [String] = []
        var groups: [String: [Condition]] = [:]
        for c in members {
            let key = CanonicalJSON.text(c.config.filter { !axis.contains($0.key) })
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(c)
        }
        return order.map { key in
            let cs = groups[key]!
            return Family(conditions: cs, fixed: cs[0].config.filter { !axis.contains($0.key) })
        }
    }

    /// "held fixed: rewarm=true, learning_rate=0.003": the sweep's varying keys (other than the
    /// axis) with the family's values; every key that never varies in the sweep is fixed too.
    func heldFixed(_ family: Family, axis: Set<String>) -> String {
        let keys = varyingKeys.filter { !axis.contains($0) }
        let text = ConditionSet.describe(family.fixed, keys: keys)
        return "held fixed: " + (text.isEmpty ? "every other key" : text + " (and every key the sweep does not vary)")
    }

    /// One tag per family ("learning_rate=0.003"), naming the keys in which the families differ;
    /// "" for all when there is only one family.
    func tags(_ families: [Family]) -> [String] {
        guard families.count > 1 else { return families.map { _ in "" } }
        let keys = varyingKeys.filter { k in Set(families.map { $0.fixed[k] ?? .null }).count > 1 }
        // Unset keys stay: a family whose only difference is a null must still have a tag.
        return families.map { ConditionSet.describe($0.fixed, keys: keys, keepUnset: true) }
    }
}

/// Numbers as the check texts print them.
enum Fmt {
    /// Four significant digits: 3.071, 0.0123, 12.6.
    static func num(_ x: Double) -> String { String(format: "%.4g", x) }
    static func num(_ x: Double?) -> String { x.map(num) ?? "n/a" }
    static func percent(_ x: Double) -> String { String(format: "%.0f%%", 100 * x) }
    /// "[learning_rate=0.003] " or "".
    static func tag(_ t: String) -> String { t.isEmpty ? "" : "[\(t)] " }
}

/// Collects one finding's rules-v2 checks, compared rows, statistics and notes; `result()` takes
/// the verdict from `RulesV2.verdict` (docs/findings.md, "Rules v2"): fewer than 3 completed seeds
/// in a condition read -> INCONCLUSIVE; a counted check fails -> NOT REPRODUCED; every counted
/// check holds (and one counts) -> REPRODUCED; otherwise INCONCLUSIVE.
struct FindingBuilder {
    let id: String
    let title: String
    private(set) var checks: [RuleCheck] = []
    private(set) var points: [FindingPoint] = []
    private(set) var statistics: [String: Double] = [:]
    private(set) var notes: [String] = []
    private var involved: [Condition] = []

    init(id: String, title: String) {
        self.id = id
        self.title = title
    }

    mutating func check(_ check: RuleCheck) { checks.append(check) }

    /// A check that cannot be judged (a missing condition, no data), with its reason.
    mutating func unavailable(_ statement: String, claim: Claim, _ reason: String) {
        checks.append(RuleCheck(statement: statement, claim: claim, interval: nil,
                                outcome: .cannotJudge(reason: reason)))
    }

    mutating func note(_ text: String) { if !notes.contains(text) { notes.append(text) } }

    mutating func stat(_ name: String, _ value: Double?) { if let value, value.isFinite { statistics[name] = value } }

    /// The estimate of `check` (when it has an interval) as a named statistic.
    mutating func stat(_ name: String, _ check: RuleCheck) { stat(name, check.interval?.estimate) }

    /// Registers `c` as read by this finding (its seeds decide the verdict's seed rule, its
    /// missing seeds become notes) and adds `values` to its row (one row per condition).
    mutating func point(_ c: Condition, _ values: [String: Double?]) {
        use(c)
        let label = c.label
        let clean = values.compactMapValues { $0 }.filter { $0.value.isFinite }
        if let i = points.firstIndex(where: { $0.label == label }) {
            points[i].values.merge(clean) { _, new in new }
        } else {
            points.append(FindingPoint(label: label, seeds: c.seeds, values: clean))
        }
    }

    mutating func use(_ c: Condition) { if !involved.contains(where: { $0.key == c.key }) { involved.append(c) } }

    /// Which steps a time point was read at, from the first completed trial of `conditions`.
    mutating func noteSteps(_ points: [TimePoint], of conditions: [Condition]) {
        guard let trial = conditions.lazy.flatMap(\.completed).first else { return }
        for p in points { note(trial.describe(p)) }
    }

    func result() -> FindingResult {
        let fewest = involved.map(\.seeds).min() ?? 0
        let verdict = RulesV2.verdict(checks, fewestSeeds: fewest)
        var out = notes
        for c in involved {
            if c.seeds == 0 {
                out.append("\(c.label): no completed seed (\(c.leftOut ?? "none run")): dropped")
            } else if let missing = c.leftOut {
                out.append("\(c.label): \(missing): left out")
            }
        }
        if fewest >= RulesV2.minimumSeeds && fewest < RulesV2.recommendedSeeds {
            out.append("\(fewest) seeds in a condition: a verdict, but studies run >= \(RulesV2.recommendedSeeds)")
        }
        out.append("verdict: " + verdict.reason)
        return FindingResult(id: id, title: title, verdict: verdict.verdict, checks: checks.map(FindingCheck.init),
                             points: points, statistics: statistics,
                             hasEnoughSeeds: fewest >= RulesV2.minimumSeeds, notes: out)
    }
}
