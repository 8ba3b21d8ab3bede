import Foundation
import RewarmEngine
import RewarmStore

/// What part a condition plays in the findings, read from its canonical config alone.
///
/// - Starting point (`init_from`): null = from scratch; `base@F` = the base's checkpoint at
///   fraction F of pre-training (F = 1 is the final one, F < 1 an early one); any other string
///   (a run or checkpoint folder) counts as a final checkpoint.
/// - Rewarmed: `rewarm` true (its default) and not from scratch. Constant LR: `rewarm` false,
///   or a fixed lr the run chooses (`lr_scheduler_type: constant` without warmup): a pre-trained
///   model (GGUF, Hugging Face folder) records no schedule whose end `rewarm: false` could hold,
///   so there G23's "no rewarm" baseline is a constant lr at a stated fraction of the peak.
/// - Same data (F6): `dataset` equal to `upstream` or to the base's `dataset`; otherwise shifted.
/// - Full training: `finetuning_type` full (or absent); LoRA: lora or qlora, rank `lora_rank`.
/// - Infinite schedule (F10): `lr_scheduler_type` infinite or constant_with_warmup, or `rewarm`
///   false with `anneal_ratio` > 0 (I24's continual phase); the reference is a rewarmed `cosine`.
///   Warmup-stable-decay runs are not: they rewarm and decay within T (F12 judges them).
///   Constant LR: `rewarm` false without an anneal.
extension Condition {
    func string(_ key: String) -> String? {
        if case .string(let s)? = config[key] { s } else { nil }
    }

    func number(_ key: String) -> Double? { config[key]?.number }

    public var isScratch: Bool { config["init_from"] == nil || config["init_from"] == .null }

    /// F of `base@F`; 1 for a path (taken as a final checkpoint); nil from scratch.
    public var checkpointFraction: Double? {
        guard let initFrom = string("init_from") else { return nil }
        return BaseReference.fraction(inInitFrom: initFrom) ?? 1.0
    }

    public var isFromFinalCheckpoint: Bool { checkpointFraction == 1.0 }

    /// `rewarm` (default true); a run from scratch is never "rewarmed" nor "constant".
    public var rewarm: Bool { config["rewarm"] != .bool(false) }

    public var isRewarmed: Bool { !isScratch && rewarm && !isFixedLR }

    /// A constant lr from the first step, chosen by the run: `lr_scheduler_type: constant` and
    /// no warmup (`rewarm` true, so `learning_rate` is the lr held).
    public var isFixedLR: Bool { rewarm && scheduler == "constant" && warmupFraction == 0 }

    /// The constant-LR continuation: holds the lr where the base's schedule ended (`rewarm`
    /// false, 0.1 x peak after a cosine), no anneal; or a fixed lr (`isFixedLR`).
    public var isConstantLR: Bool { !isScratch && ((!rewarm && annealRatio == 0) || isFixedLR) }

    /// `anneal_ratio`: the final fraction of steps annealed to 0 (0 when absent).
    public var annealRatio: Double { number("anneal_ratio") ?? 0 }

    /// `finetuning_type`; "staged" for a run in stages (`stages` or a `recipe`), whose own
    /// `finetuning_type` is not what trains: no finding takes it for full training or LoRA.
    public var finetuningType: String { isStaged ? "staged" : string("finetuning_type") ?? "full" }

    public var isStaged: Bool { config["stages"] != nil || (string("recipe") ?? "none") != "none" }

    public var isFullTraining: Bool { finetuningType == "full" }

    public var isLoRA: Bool { finetuningType == "lora" || finetuningType == "qlora" }

    public var loraRank: Int? { config["lora_rank"]?.integer }

    /// `modules_to_save` of a LoRA run ("embed_tokens,lm_head"), nil when it trains adapters only.
    public var modulesToSave: String? { string("modules_to_save") }

    /// A LoRA method's name in checks: "lora r=16", "lora r=16 + embed_tokens,lm_head".
    public var adapterName: String {
        "\(finetuningType) r=\(loraRank ?? 0)" + (modulesToSave.map { " + " + $0 } ?? "")
    }

    public var replayRatio: Double { number("replay_ratio") ?? 0 }

    public var learningRate: Double? { number("learning_rate") }

    public var maxSteps: Int? { config["max_steps"]?.integer }

    /// Warmup as a fraction of T (`RunConfig.warmupFraction(in:)`).
    public var warmupFraction: Double { RunConfig.warmupFraction(in: config) }

    public var scheduler: String { string("lr_scheduler_type") ?? "cosine" }

    /// An infinite schedule (I24 sec. 7): one of `infiniteSchedules`, or I24's continual phase,
    /// `rewarm: false` (the constant LR held across the switch) with an `anneal_ratio` > 0.
    public var isInfiniteSchedule: Bool {
        !isScratch && (rewarm ? Self.infiniteSchedules.contains(scheduler) : annealRatio > 0)
    }

    static let infiniteSchedules: Set<String> = ["infinite", "constant_with_warmup"]

    public var dataset: String? { string("dataset") }

    /// The corpus tracked for forgetting: `upstream`, else (null or "default") the base's dataset.
    func upstream(baseDataset: String?) -> String? {
        if let u = string("upstream"), u != "default", !u.isEmpty { return u }
        return baseDataset
    }

    /// Continues on upstream text (F6): `dataset` is `upstream` or the base's dataset, or another
    /// part of the same corpus (`fortunes-en[2/2]` after a base on `fortunes-en[1/2]`: text of
    /// the same distribution the base never saw).
    func isSameData(baseDataset: String?) -> Bool {
        guard let d = dataset.map(Self.corpusFamily) else { return false }
        return [upstream(baseDataset: baseDataset), baseDataset].contains { $0.map(Self.corpusFamily) == d }
    }

    /// A corpus spec without its `[k/N]` part suffix (the spec itself when it has none).
    static func corpusFamily(_ spec: String) -> String {
        (try? CorpusPart.parse(spec).corpus) ?? spec
    }

    /// The G23 protocol's continual run: rewarmed, from the final checkpoint, full training, no
    /// replay, on a shifted dataset. F1-F5 and F10 compare these.
    func isProtocolRewarm(baseDataset: String?) -> Bool {
        isRewarmed && isProtocolContinuation(baseDataset: baseDataset)
    }

    /// From the final checkpoint, full training, no replay, shifted data (any `rewarm`).
    func isProtocolContinuation(baseDataset: String?) -> Bool {
        isFromFinalCheckpoint && isFullTraining && replayRatio == 0 && !isSameData(baseDataset: baseDataset)
    }
}

extension ConditionSet {
    func protocolRewarms() -> [Condition] { conditions.filter { $0.isProtocolRewarm(baseDataset: baseDataset) } }

    func isSameData(_ c: Condition) -> Bool { c.isSameData(baseDataset: baseDataset) }
}

/// The config keys each finding varies (its axis); every other key is held fixed.
enum AxisKeys {
    static let warmup: Set<String> = ["warmup_ratio", "warmup_steps"]
    static let learningRate: Set<String> = ["learning_rate"]
    /// The schedule keys a constant-LR run holds at their defaults (`RunConfig.mootWithoutRewarm`).
    static let schedule: Set<String> = RunConfig.mootWithoutRewarm
    static let scheduleShape: Set<String> = [
        "lr_scheduler_type", "decay_ratio", "num_cycles", "power", "cooldown_ratio", "anneal_ratio",
    ]
    /// What trains and how: the method of F11 (LoRA keys are null for full training).
    static let adapter: Set<String> = [
        "finetuning_type", "lora_rank", "lora_alpha", "lora_dropout", "lora_target", "quantization_bit",
        "quantization_type", "freeze_trainable_layers", "trainable_modules", "modules_to_save", "stages", "recipe",
        "recipe_stages",
    ]
}

extension ConditionSet {
    /// The loss of guessing uniformly, in the set's unit: over a vocabulary of V tokens, ln V
    /// nats per token (V = `vocab_size`, 256 for a byte model); in bits per byte, over the 256
    /// byte values, 8 bits per byte, whatever the tokenizer (a byte model's ln 256 nats per token
    /// is exactly that). `text` says it as checks print it: "ln(256) = 5.545".
    func uniformLoss(_ c: Condition) -> (value: Double, text: String) {
        switch lossUnit {
        case .natsPerToken:
            let vocabulary = c.config["vocab_size"]?.integer ?? 256
            let value = log(Double(vocabulary))
            return (value, "ln(\(vocabulary)) = \(Fmt.num(value))")
        case .bitsPerByte:
            return (8, "8 bits per byte (uniform over bytes)")
        }
    }
}
