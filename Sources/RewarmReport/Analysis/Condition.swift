import Foundation
import RewarmEngine
import RewarmStore

/// One condition of a sweep: the trials whose configs are equal but for the seed. Its value of a
/// metric is the median over its completed seeds (see `measure`).
public struct Condition: Sendable {
    /// `TrialSeries.conditionKey` of its trials (canonical JSON of the config without the seed).
    public let key: String
    /// The config without `seed`.
    public let config: [String: ConfigValue]
    /// The extra trial's name (`scratch`, `from-7pct`), nil for grid points.
    public let name: String?
    /// Every seed's trial, whatever its state, in sweep order.
    public let trials: [TrialSeries]
    /// Short name for tables and notes: the extra trial's name, else the keys that vary in the sweep.
    public let label: String

    /// The trials that reached `max_steps`: the only ones a verdict reads.
    public var completed: [TrialSeries] { trials.filter { $0.state == .completed } }

    /// How many completed seeds.
    public var seeds: Int { completed.count }

    /// The trials left out, as "seed 2 failed, seed 3 pending"; nil when every seed completed.
    public var leftOut: String? {
        let missing = trials.filter { $0.state != .completed }
        guard !missing.isEmpty else { return nil }
        return missing.map { "seed \($0.seed) \($0.state.rawValue)" }.joined(separator: ", ")
    }

    /// The per-seed values of `statistic` over the completed seeds (seeds giving nil left out),
    /// their mean, SD and median; nil with no value.
    func measure(_ statistic: (TrialSeries) -> Double?) -> Measured? {
        let values = seedValues(statistic)
        guard !values.isEmpty else { return nil }
        return Measured(bySeed: values)
    }

    /// The per-seed values of `statistic` over the completed seeds, keyed by seed (seeds giving
    /// nil left out): what the checks of rules v2 take, so that paired intervals can match seeds.
    func seedValues(_ statistic: (TrialSeries) -> Double?) -> [Int: Double] {
        var out: [Int: Double] = [:]
        for trial in completed { if let v = statistic(trial) { out[trial.seed] = v } }
        return out
    }
}

/// A condition's per-seed values of one statistic with their seed mean (what rules v2 compare),
/// sample SD (nil with one seed) and median.
struct Measured: Sendable, Equatable {
    let bySeed: [Int: Double]

    var perSeed: [Double] { bySeed.keys.sorted().map { bySeed[$0]! } }
    var seeds: Int { bySeed.count }
    var mean: Double { Statistics.mean(perSeed) ?? .nan }
    var sd: Double? { Statistics.standardDeviation(perSeed) }
    var median: Double { Statistics.median(perSeed) ?? .nan }

    /// The rules' default equivalence margin with this as the reference: 1% of its seed mean.
    func defaultMargin(named name: String) -> Margin {
        .relative(RulesV2.defaultRelativeMargin, of: mean, named: name)
    }
}

/// The conditions of a sweep, in the order their first trial appears, with the facts the roles
/// of `ConditionRoles.swift` need.
public struct ConditionSet: Sendable {
    public let conditions: [Condition]
    /// The config keys whose value differs between conditions (the sweep's axes and extras).
    public let varyingKeys: [String]
    /// The base's `dataset` (D0), when the sweep recorded a base.
    public let baseDataset: String?
    /// The base's final loss on D0 (`SweepData.baseUpstreamLoss`): the reference for forgetting.
    public let baseUpstreamLoss: Double?
    /// The base's `max_steps` (checkpoint steps of F7 are fractions of it).
    public let baseMaxSteps: Int?
    /// What the losses of the conditions' trials are in (`SweepData.lossUnit`).
    public let lossUnit: LossUnit

    public init(_ data: SweepData) {
        var order: [String] = []
        var byKey: [String: [TrialSeries]] = [:]
        for trial in data.trials {
            let key = trial.conditionKey
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(trial)
        }
        let configs = order.map { byKey[$0]![0].condition }
        let allKeys = Set(configs.flatMap(\.keys))
        let varying = allKeys.filter { k in Set(configs.map { $0[k] ?? .null }).count > 1 }
        varyingKeys = ConditionSet.ordered(varying)
        baseDataset = data.baseConfig["dataset"].flatMap { if case .string(let s) = $0 { s } else { nil } }
        baseUpstreamLoss = data.baseUpstreamLoss
        baseMaxSteps = data.baseConfig["max_steps"]?.integer
        lossUnit = data.lossUnit
        conditions = order.map { key in
            let trials = byKey[key]!
            let config = trials[0].condition
            let name = trials.compactMap(\.name).first
            return Condition(key: key, config: config, name: name, trials: trials,
                             label: ConditionSet.label(config: config, name: name, keys: ConditionSet.ordered(varying)))
        }
    }

    /// A key left null that says nothing here (`lora_rank` of a full-training run,
    /// `modules_to_save` of a run without it): left out of labels. `init_from: null` stays (it
    /// means from scratch).
    static func isUnset(_ key: String, in config: [String: ConfigValue]) -> Bool {
        key != "init_from" && (config[key] ?? .null) == .null
    }

    /// The `keys` with values of `config`, moot schedule keys of a constant-LR run and unset keys
    /// (`isUnset`, unless `keepUnset`) left out:
    /// "learning_rate=0.003, warmup_ratio=0".
    static func describe(_ config: [String: ConfigValue], keys: [String], keepUnset: Bool = false) -> String {
        keys.filter { !RunConfig.isMoot($0, in: config) && (keepUnset || !isUnset($0, in: config)) }
            .map { "\($0)=\(config[$0]?.description.replacingOccurrences(of: "\"", with: "") ?? "null")" }
            .joined(separator: ", ")
    }

    static func label(config: [String: ConfigValue], name: String?, keys: [String]) -> String {
        let text = describe(config, keys: keys)
        guard let name else { return text.isEmpty ? "all trials" : text }
        return name
    }

    /// Axis-like keys first, in the order a reader expects, then the rest alphabetically.
    static func ordered(_ keys: Set<String>) -> [String] {
        let preferred = ["init_from", "dataset", "rewarm", "learning_rate", "warmup_ratio", "warmup_steps",
                         "lr_scheduler_type", "replay_ratio", "finetuning_type", "lora_rank"]
        return preferred.filter(keys.contains) + keys.subtracting(preferred).sorted()
    }
}
