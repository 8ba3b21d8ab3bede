/// Staged training in one run (`stages`, `recipe`): which keys a stage may set, the named
/// recipes, and how each stage's config is built from the run's and checked with it.
///
/// Chinese-LLaMA (Cui et al. 2023, arXiv 2304.08177, sec. 3.2) pre-trains in two stages: the
/// embeddings (and head) alone first, so the new tokens' rows settle while the transformer is
/// frozen, then LoRA with the embeddings and head trainable. Gradual unfreezing (Howard and
/// Ruder 2018, ULMFiT, arXiv 1801.06146, sec. 3.2) trains the top layer first and unfreezes one
/// more layer per stage.
extension RunConfig {
    /// The keys a stage's map may set; every other key holds for all stages.
    public static let stageKeys = [
        "max_steps", "finetuning_type", "trainable_modules", "freeze_trainable_layers", "modules_to_save",
        "learning_rate", "lr_scheduler_type", "warmup_ratio", "warmup_steps", "min_lr_ratio", "lora_rank",
        "lora_alpha", "lora_dropout", "lora_target", "weight_decay", "l2_to_base", "ewc_lambda",
    ]

    /// Keys of the run as a whole, which no stage config carries.
    static let runLevelKeys: Set<String> = ["stages", "recipe", "recipe_stages", "run_name", "output_dir"]

    /// Keys about how the run starts from `init_from`, which only the first stage takes: the
    /// vocabulary extension (later stages start from a checkpoint that already has it), and
    /// `rewarm` / `reset_optimizer` (later stages follow their own schedule from fresh moments).
    static let firstStageKeys: Set<String> = [
        "extend_vocabulary_train_on", "extend_vocabulary_new_tokens", "extend_vocabulary_tokenizer",
        "extend_vocabulary_init", "rewarm", "reset_optimizer",
    ]

    /// The folder of stage `index` (0-based) of the run in `outputDir`: `<outputDir>/stage-<index + 1>`.
    public static func stageFolder(_ index: Int, in outputDir: String) -> String {
        (outputDir.hasSuffix("/") ? outputDir : outputDir + "/") + "stage-\(index + 1)"
    }

    /// Whether the run trains in stages (`stages` or a `recipe`).
    public var isStaged: Bool { !stages.isEmpty || recipe != .none }

    /// The value `orderedValues` shows for `key`: of a staged run, a key of some fine-tuning
    /// types only (`lora_rank`, `freeze_trainable_layers`) as given, null when not given (its
    /// default is each stage's to resolve: `freeze_trainable_layers` is 0 in a stage with
    /// `trainable_modules`); of other runs, null when it does not apply to the fine-tuning type.
    func shownValue(_ key: ConfigKey) -> ConfigValue {
        guard let types = key.appliesTo else { return key.read(self) }
        if isStaged { return stageTypeKeysGiven.contains(key.name) ? key.read(self) : .null }
        return types.contains(finetuningType.rawValue) ? key.read(self) : .null
    }

    /// Builds and checks `stageConfigs` from `stages` or `recipe`: each stage is the run's
    /// settings (less the keys of other fine-tuning types, and for later stages `firstStageKeys`)
    /// with the stage's map over them. `max_steps` becomes the stages' sum.
    mutating func buildStages(settings: [String: Setting], source: String) throws(ConfigError) {
        if !stages.isEmpty && recipe != .none {
            throw .conflict(source: settings["recipe"]?.source ?? source, key: "recipe",
                            problem: "and stages both give the stages: give one", otherKey: nil, otherState: nil)
        }
        if let given = settings["recipe_stages"], recipe != .gradualUnfreeze {
            throw .conflict(source: given.source, key: "recipe_stages",
                            problem: "applies only with recipe gradual_unfreeze", otherKey: "recipe",
                            otherState: "is \(recipe.rawValue)")
        }
        let plan = try recipe == .none ? stages : recipeStagesPlan(settings: settings, source: source)
        var configs: [RunConfig] = []
        for (i, stage) in plan.enumerated() {
            let at = recipe == .none ? "\(source): stages[\(i)]" : "\(source): recipe \(recipe.rawValue) stage \(i + 1)"
            guard stage["max_steps"] != nil else { throw .missingKey(source: at, key: "max_steps") }
            var merged = settings.filter { name, _ in
                !Self.runLevelKeys.contains(name) && (i == 0 || !Self.firstStageKeys.contains(name))
            }
            let type = stage["finetuning_type"].flatMap { if case .string(let s) = $0 { s } else { nil } }
                ?? finetuningType.rawValue
            merged = merged.filter { name, setting in
                Self.key(named: name)?.appliesTo.map { $0.contains(type) || setting.value == .null } ?? true
            }
            for (name, value) in stage { merged[name] = Setting(value: value, source: at) }
            let config = try RunConfig(settings: merged, source: source)
            if i > 0, config.finetuningType == .qlora, config.quantizationType == .gguf {
                throw .conflict(source: at, key: "quantization_type",
                                problem: "gguf keeps a GGUF file's 4-bit blocks, but stage \(i + 1) starts from "
                                    + "stage \(i)'s checkpoint (use nf4 or fp4)", otherKey: nil, otherState: nil)
            }
            configs.append(config)
        }
        let types = Set(configs.map(\.finetuningType.rawValue))
        for key in Self.keys {
            guard let applies = key.appliesTo, let setting = settings[key.name], setting.value != .null,
                  !applies.contains(where: types.contains)
            else { continue }
            throw .notApplicable(source: setting.source, key: key.name, appliesTo: applies,
                                 finetuningType: types.sorted().joined(separator: " and ") + " in every stage")
        }
        let total = configs.reduce(0) { $0 + $1.maxSteps }
        if recipe == .none, let given = settings["max_steps"], maxSteps != total {
            throw .conflict(source: given.source, key: "max_steps",
                            problem: "\(maxSteps) differs from the stages' sum (\(total)): give max_steps in each stage only",
                            otherKey: nil, otherState: nil)
        }
        maxSteps = total
        stageConfigs = configs
        stageTypeKeysGiven = Set(settings.filter { name, setting in
            setting.value != .null && Self.key(named: name)?.appliesTo != nil
        }.keys)
    }

    /// The stage maps of `recipe`, `max_steps` split evenly (earlier stages shorter by a step
    /// when it does not divide).
    private func recipeStagesPlan(settings: [String: Setting], source: String) throws(ConfigError)
        -> [[String: ConfigValue]]
    {
        let count = recipe == .twoStage ? 2 : recipeStages
        guard maxSteps >= count else {
            throw .outOfRange(source: settings["max_steps"]?.source ?? source, key: "max_steps",
                              requirement: ">= \(count) (a step per stage of recipe \(recipe.rawValue))",
                              got: String(maxSteps))
        }
        let steps = (0..<count).map { k in maxSteps * (k + 1) / count - maxSteps * k / count }
        let embeddingsAndHead: ConfigValue = .string(WeightNames.wholeModules.joined(separator: ","))
        switch recipe {
        case .none:
            return stages
        case .twoStage:
            let adapters = finetuningType == .qlora ? "qlora" : "lora"
            return [
                ["max_steps": .int(steps[0]), "finetuning_type": "freeze", "trainable_modules": embeddingsAndHead,
                 "freeze_trainable_layers": 0],
                ["max_steps": .int(steps[1]), "finetuning_type": .string(adapters), "modules_to_save": embeddingsAndHead],
            ]
        case .gradualUnfreeze:
            return steps.enumerated().map { k, n in
                ["max_steps": .int(n), "finetuning_type": "freeze", "freeze_trainable_layers": .int(k + 1)]
            }
        }
    }
}

/// `recipe`: named stages.
public enum StageRecipe: String, CaseIterable, Sendable, Codable {
    /// One stage: the run's own keys (or `stages`).
    case none
    /// Embeddings and head alone, then LoRA (`qlora` when the run's type is) with both as
    /// `modules_to_save` (Chinese-LLaMA's two stages).
    case twoStage = "two_stage"
    /// `freeze` with the top layer first and one more per stage (`recipe_stages` stages).
    case gradualUnfreeze = "gradual_unfreeze"
}
