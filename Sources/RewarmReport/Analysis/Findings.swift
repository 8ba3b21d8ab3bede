import Foundation

/// The verdicts of the findings of `docs/findings.md` on one sweep.
///
/// Conventions every rule shares (each finding's file says which conditions it compares), by
/// rules v2 (docs/findings.md, "Rules v2"; `Statistics/` holds the intervals and the verdict):
/// - A condition (config without the seed) is read over its completed seeds; failed, diverged,
///   pending or running seeds are left out and noted; a condition with no completed seed is
///   dropped (noted) and every check that needs it cannot be judged.
/// - Values at 0.17T / 0.34T / T are linearly interpolated between the evaluations around
///   step f x max_steps (a note says which). Peak rise = the largest evaluation after step 0
///   minus the value at step 0 (so it can be negative); both per seed.
/// - A real difference: the 95% t interval of the difference of seed means (paired when the two
///   conditions have the same seeds, else Welch) lies on the claimed side; equivalence: the 90%
///   interval inside +/- the margin (TOST); orderings and bootstrap intervals as the rules say.
/// - "Other keys fixed": a comparison along an axis only puts together conditions whose configs
///   are equal in every other key; a sweep with several such families gets one set of checks
///   per family, tagged with the keys in which the families differ.
public enum Findings {
    /// Every finding the sweep's trials can test, in F1...F18 order;
    /// untestable ones are absent.
    /// Each result carries the rules version (`RulesV2.rulesVersion`).
    public static func evaluate(_ data: SweepData) -> [FindingResult] {
        let set = ConditionSet(data)
        let all: [FindingResult?] = [
            warmupLength(set), rewarmRise(set), maxLearningRate(set), constantLR(set), scratch(set),
            sameData(set), earlyCheckpoint(set), replay(set), shiftStrength(set), infiniteSchedule(set),
            lora(set), shortCooldown(set), forgettingVersusLearning(set), stabilityGap(set), loraRewarmSlope(set),
            optimizerReset(set), vocabularyExtension(set), regularisationVersusReplay(set),
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
        "F12": "A short cooldown matches cosine",
        "F13": "Forgetting is linear in learning",
        "F14": "The stability gap",
        "F15": "Rewarming and LoRA rank (open question)",
        "F16": "Optimizer state at the switch",
        "F17": "Extending the vocabulary pays on a new script",
        "F18": "Regularising toward the base vs replay",
    ]

    /// Findings from later work or open questions (F12 on), which a report labels apart from
    /// the three papers' F1-F11.
    public static func isBeyondThePapers(_ id: String) -> Bool { (Int(id.dropFirst()) ?? 0) >= 12 }

    static func builder(_ id: String) -> FindingBuilder { FindingBuilder(id: id, title: titles[id] ?? id) }
}

/// A condition with its measured value of one statistic.
typealias Reading = (condition: Condition, value: Measured)

extension Findings {
    /// The conditions of `cs` that have a value of `statistic`, in the order given.
    static func rows(_ cs: [Condition], _ statistic: (TrialSeries) -> Double?) -> [Reading] {
        cs.compactMap { c in c.measure(statistic).map { (c, $0) } }
    }

    /// The values a point shows for a measured statistic: its seed mean "`name`" and "sd `name`".
    static func values(_ name: String, _ m: Measured?) -> [String: Double?] {
        [name: m?.mean, "sd " + name: m?.sd]
    }

    /// The member of `rows` with the lowest (or highest) seed mean.
    static func extreme(_ rows: [Reading], highest: Bool) -> Reading? {
        highest ? rows.max { $0.value.mean < $1.value.mean } : rows.min { $0.value.mean < $1.value.mean }
    }
}
