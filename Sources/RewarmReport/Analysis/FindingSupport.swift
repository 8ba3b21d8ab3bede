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
        return families.map { ConditionSet.describe($0.fixed, keys: keys) }
    }
}

/// The three-valued judgments of the verdict rules: true (holds), false (fails clearly), nil
/// (cannot be judged: no noise estimate, or a difference in the claimed direction but within it).
///
/// "Beyond noise" between two conditions: the difference of their seed medians is larger than
/// max(noise of each), each noise 2 x SD over that condition's completed seeds; with fewer than 3
/// seeds in either there is no noise and the judgment is nil unless the sign alone decides it.
enum Judge {
    /// Claim "a > b beyond noise": false when a <= b; true when a - b > noise; nil when the
    /// noise is unknown or a - b is within it.
    static func exceeds(_ a: Double, _ b: Double, noise: Double?) -> Bool? {
        let d = a - b
        if d <= 0 { return false }
        guard let noise else { return nil }
        return d > noise ? true : nil
    }

    /// Claim "a <= b + noise": true when a <= b or a - b <= noise; false when a - b > noise;
    /// nil when a > b and the noise is unknown.
    static func atMost(_ a: Double, _ b: Double, noise: Double?) -> Bool? {
        let d = a - b
        if d <= 0 { return true }
        guard let noise else { return nil }
        return d <= noise
    }

    /// Claim "x <= max(noise, floor)": true when x <= floor or x <= noise; false when the noise
    /// is known and x exceeds both; nil when x > floor and the noise is unknown.
    static func withinTolerance(_ x: Double, floor: Double, noise: Double?) -> Bool? {
        if x <= floor { return true }
        guard let noise else { return nil }
        return x <= noise
    }

    /// max(noise of a, noise of b); nil when either is unknown.
    static func noise(_ a: Measured, _ b: Measured) -> Double? {
        guard let na = a.noise, let nb = b.noise else { return nil }
        return max(na, nb)
    }

    /// max of all noises; nil when any is unknown or there are none.
    static func noise(_ all: [Measured]) -> Double? {
        let noises = all.compactMap(\.noise)
        guard !all.isEmpty, noises.count == all.count else { return nil }
        return noises.max()
    }

    /// Every judgment holds: false if any is false, else nil if any is nil, else true (nil when empty).
    static func all(_ judgments: [Bool?]) -> Bool? {
        if judgments.contains(false) { return false }
        if judgments.isEmpty || judgments.contains(where: { $0 == nil }) { return nil }
        return true
    }

    /// At least one holds: true if any is true, else nil if any is nil (or none), else false.
    static func any(_ judgments: [Bool?]) -> Bool? {
        if judgments.contains(true) { return true }
        if judgments.isEmpty || judgments.contains(where: { $0 == nil }) { return nil }
        return false
    }

    /// "rho = -1" judged on a computed rho: nil when undefined.
    static func rho(_ rho: Double?, equals target: Double) -> Bool? {
        rho.map { Statistics.isExactly($0, target) }
    }
}

/// Numbers as the check texts print them.
enum Fmt {
    /// Four significant digits: 3.071, 0.0123, 12.6.
    static func num(_ x: Double) -> String { String(format: "%.4g", x) }
    static func num(_ x: Double?) -> String { x.map(num) ?? "n/a" }
    /// Two decimals, signed: "+1.00", "-0.80".
    static func rho(_ x: Double?) -> String { x.map { String(format: "%+.2f", $0) } ?? "undefined" }
    static func percent(_ x: Double) -> String { String(format: "%.0f%%", 100 * x) }
    static func noise(_ x: Double?) -> String { x.map { "noise " + num($0) } ?? "no noise estimate" }
    /// "holds" / "fails" / "cannot be judged", at the end of a check text.
    static func outcome(_ j: Bool?) -> String {
        switch j {
        case true?: "holds"
        case false?: "fails"
        case nil: "cannot be judged"
        }
    }
    /// "[learning_rate=0.003] " or "".
    static func tag(_ t: String) -> String { t.isEmpty ? "" : "[\(t)] " }
}

/// Collects one finding's checks, compared rows, statistics and notes; `result()` computes the
/// verdict: every check holds -> REPRODUCED; any fails -> NOT REPRODUCED; otherwise (some could
/// not be judged) -> INCONCLUSIVE.
struct FindingBuilder {
    let id: String
    let title: String
    private(set) var checks: [FindingCheck] = []
    private(set) var points: [FindingPoint] = []
    private(set) var statistics: [String: Double] = [:]
    private(set) var notes: [String] = []
    private var involved: [Condition] = []

    init(id: String, title: String) {
        self.id = id
        self.title = title
    }

    mutating func check(_ text: String, _ passed: Bool?) { checks.append(FindingCheck(text, passed: passed)) }

    mutating func note(_ text: String) { if !notes.contains(text) { notes.append(text) } }

    mutating func stat(_ name: String, _ value: Double?) { if let value, value.isFinite { statistics[name] = value } }

    /// Registers `c` as read by this finding (its seeds decide `hasNoiseEstimate`, its missing
    /// seeds become notes) and adds `values` to its row (one row per condition).
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
        let verdict: Verdict
        if checks.contains(where: { $0.passed == false }) {
            verdict = .notReproduced
        } else if checks.isEmpty || checks.contains(where: { $0.passed == nil }) {
            verdict = .inconclusive
        } else {
            verdict = .reproduced
        }
        var out = notes
        for c in involved {
            if c.seeds == 0 {
                out.append("\(c.label): no completed seed (\(c.leftOut ?? "none run")): dropped")
            } else if let missing = c.leftOut {
                out.append("\(c.label): \(missing): left out")
            }
        }
        let hasNoise = !involved.isEmpty && involved.allSatisfy { $0.seeds >= Statistics.minimumSeedsForNoise }
        if !hasNoise { out.append("no noise estimate (fewer than 3 seeds)") }
        return FindingResult(id: id, title: title, verdict: verdict, checks: checks, points: points,
                             statistics: statistics, hasNoiseEstimate: hasNoise, notes: out)
    }
}
