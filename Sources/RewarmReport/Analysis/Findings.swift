import Foundation

/// The verdicts of the findings of `../shared/findings.md` on one sweep.
///
/// Conventions every rule shares (each finding's file says which conditions it compares):
/// - A condition (config without the seed) is worth the median of its completed seeds; failed,
///   diverged, pending or running seeds are left out and noted; a condition with no completed
///   seed is dropped (noted) and every check that needs it cannot be judged.
/// - Values at 0.17T / 0.34T / T are linearly interpolated between the evaluations around
///   step f x max_steps (a note says which). Peak = the largest evaluation; peak rise =
///   peak - value at step 0; both computed per seed, then the median.
/// - Noise = 2 x the sample SD over the completed seeds (>= 3 seeds, else none). "a beyond noise
///   above b" compares the seed medians against max(noise of a, noise of b). A difference in the
///   claimed direction but within the noise, or one that needs a noise that is missing, cannot
///   be judged (INCONCLUSIVE); a difference in the wrong direction fails.
/// - Spearman rho uses average ranks for ties; it is undefined with fewer than 3 distinct x
///   or a constant y, and then its check cannot be judged. "rho = -1" allows 1e-9 of rounding.
/// - "Other keys fixed": a comparison along an axis only puts together conditions whose configs
///   are equal in every other key; a sweep with several such families gets one set of checks
///   per family, tagged with the keys in which the families differ.
public enum Findings {
    /// Every finding the sweep's trials can test, in F1...F11 order; untestable ones are absent.
    public static func evaluate(_ data: SweepData) -> [FindingResult] {
        let set = ConditionSet(data)
        let all: [FindingResult?] = [
            warmupLength(set), rewarmRise(set), maxLearningRate(set), constantLR(set), scratch(set),
            sameData(set), earlyCheckpoint(set), replay(set), shiftStrength(set), infiniteSchedule(set),
            lora(set),
        ]
        return all.compactMap { $0 }
    }

    /// The title of each finding, by id.
    public static let titles: [String: String] = [
        "F1": "Warmup length hardly matters",
        "F2": "Rewarming first raises both losses, then learns",
        "F3": "Max LR trades learning for forgetting",
        "F4": "No rewarm: least forgetting, early win, late loss",
        "F5": "Continual pre-training beats training from scratch",
        "F6": "Rewarming hurts even on the same data",
        "F7": "An earlier checkpoint does not adapt better",
        "F8": "A little replay removes most forgetting",
        "F9": "A stronger shift forgets more",
        "F10": "Infinite schedules",
        "F11": "LoRA learns less and forgets less",
    ]

    static func builder(_ id: String) -> FindingBuilder { FindingBuilder(id: id, title: titles[id] ?? id) }
}

/// A condition with its measured value of one statistic.
typealias Reading = (condition: Condition, value: Measured)

extension Findings {
    /// The conditions of `cs` that have a value of `statistic`, in the order given.
    static func rows(_ cs: [Condition], _ statistic: (TrialSeries) -> Double?) -> [Reading] {
        cs.compactMap { c in c.measure(statistic).map { (c, $0) } }
    }

    /// The values a point shows for a measured statistic: "`name`" and "noise `name`".
    static func values(_ name: String, _ m: Measured?) -> [String: Double?] {
        [name: m?.median, "noise " + name: m?.noise]
    }

    /// "-1.00 on seed medians, -0.95 pooled" style rho checks: the medians' rho must equal
    /// `target`, the pooled rho (every seed a point) must be at least `pooledBound` in the same
    /// direction. Returns the two rhos and the judgment.
    static func rhoJudgment(_ rows: [Reading], x: (Condition) -> Double, target: Double, pooledBound: Double)
        -> (medians: Double?, pooled: Double?, judgment: Bool?)
    {
        let medians = Statistics.spearman(rows.map { x($0.condition) }, rows.map(\.value.median))
        var px: [Double] = []
        var py: [Double] = []
        for r in rows {
            px += r.value.perSeed.map { _ in x(r.condition) }
            py += r.value.perSeed
        }
        let pooled = Statistics.spearman(px, py)
        let onPooled = pooled.map { target < 0 ? $0 <= pooledBound + 1e-9 : $0 >= pooledBound - 1e-9 }
        return (medians, pooled, Judge.all([Judge.rho(medians, equals: target), onPooled]))
    }

    /// A judgment over several conditions, as text: "holds in all 3" or "fails at a, b" or
    /// "cannot be judged at c".
    static func summary(_ judged: [(label: String, judgment: Bool?)]) -> (text: String, judgment: Bool?) {
        let judgment = Judge.all(judged.map(\.judgment))
        let failing = judged.filter { $0.judgment == false }.map(\.label)
        let unknown = judged.filter { $0.judgment == nil }.map(\.label)
        if judged.isEmpty { return ("no run to judge", nil) }
        if !failing.isEmpty { return ("fails at " + failing.joined(separator: "; "), judgment) }
        if !unknown.isEmpty { return ("cannot be judged at " + unknown.joined(separator: "; "), judgment) }
        return ("holds in all \(judged.count)", judgment)
    }
}
