/// The rules between keys of a run config, in one place: which keys are moot, which keys need
/// others, and how the warmup resolves. Sweeps, the trainer and the analysis call these; none
/// of them states a rule again.
extension RunConfig {
    // MARK: Moot keys

    /// Keys that do not affect a run that starts from a checkpoint with `rewarm: false`: it holds
    /// the learning rate where the checkpoint's schedule ended, constant (`ResolvedRun`).
    public static let mootWithoutRewarm: Set<String> = [
        "learning_rate", "lr_scheduler_type", "warmup_ratio", "warmup_steps", "min_lr_ratio",
        "num_cycles", "power", "decay_ratio", "cooldown_ratio",
    ]

    /// Whether `key` is moot in a config given as values (key name -> value, as stored): `rewarm`
    /// is false, `init_from` names a checkpoint, `key` is in `mootWithoutRewarm`, and the run has
    /// one stage (a staged run's later stages follow their schedule).
    public static func isMoot(_ key: String, in values: [String: ConfigValue]) -> Bool {
        let staged = (values["stages"] ?? .null) != .null || (values["recipe"] ?? "none") != "none"
        return values["rewarm"] == .bool(false) && (values["init_from"] ?? .null) != .null
            && mootWithoutRewarm.contains(key) && !staged
    }

    /// This config with its moot keys at their defaults, so two configs that run the same way
    /// are equal (a sweep merges them into one trial).
    public func withMootKeysAtDefaults() -> RunConfig {
        // a staged run's `rewarm` is its first stage's; later stages follow their schedule
        guard !rewarm, initFrom != nil, !isStaged else { return self }
        var config = self
        for key in Self.keys where Self.mootWithoutRewarm.contains(key.name) {
            key.write(&config, key.read(RunConfig.defaults))
        }
        return config
    }

    // MARK: Keys added later

    /// Shape keys added after runs and sweeps existed (other vocabularies, grouped-query
    /// attention, tied embeddings): while null they are left out of `orderedValues`, hence of the
    /// resolved YAML, the run-name hash and a sweep's trial and base hashes, so a config that does
    /// not use them resolves, is named and resumes exactly as before they existed.
    public static let keysOmittedWhenNull: Set<String> = [
        "num_key_value_heads", "tie_word_embeddings", "vocab_size", "trainable_modules", "modules_to_save",
        "extend_vocabulary_train_on", "extend_vocabulary_tokenizer", "stages",
    ]

    /// Keys added later whose default is a value, not null: left out of `orderedValues` while at
    /// their default, so existing runs keep their names. The infinite schedule's
    /// (`cooldown_ratio`, `anneal_ratio`) are listed always when `lr_scheduler_type` is `infinite`
    /// (an `infinite` run, new with them); `reset_optimizer` is listed only when false,
    /// `train_fraction` only below 1, `l2_to_base` and `ewc_lambda` only above 0, `ewc_batches`
    /// only when not 16, `extend_vocabulary_new_tokens` only above 0, `extend_vocabulary_init` only when
    /// not mean.
    public static let keysOmittedAtDefault: Set<String> = [
        "cooldown_ratio", "anneal_ratio", "reset_optimizer", "train_fraction", "l2_to_base", "ewc_lambda",
        "ewc_batches", "extend_vocabulary_new_tokens", "extend_vocabulary_init", "recipe", "recipe_stages",
    ]

    /// Whether `orderedValues` leaves `key` (with `value`, as stored) out: see
    /// `keysOmittedWhenNull` and `keysOmittedAtDefault`.
    func omits(_ key: ConfigKey, value: ConfigValue) -> Bool {
        if Self.keysOmittedWhenNull.contains(key.name) { return value == .null }
        guard Self.keysOmittedAtDefault.contains(key.name), value == key.defaultValue else { return false }
        let isInfiniteKey = key.name == "cooldown_ratio" || key.name == "anneal_ratio"
        return !isInfiniteKey || lrSchedulerType != .infinite
    }

    // MARK: Keys that need other keys

    /// `rewarm: false` needs a checkpoint to hold the learning rate of; `reset_optimizer: false`
    /// needs one to carry AdamW's state from, and full fine-tuning; `replay_ratio` > 0 needs a
    /// corpus to replay (`upstream`, or the dataset of the `init_from` checkpoint); `warmup_steps`
    /// fits in `max_steps` (as `LearningRateSchedule.validate()` requires of a saved schedule);
    /// the `infinite` schedule's keys apply where they do and its phases fit in `max_steps`
    /// (`checkInfiniteScheduleRules`).
    func checkCrossKeyRules(settings: [String: Setting], source: String) throws(ConfigError) {
        if warmupSteps > maxSteps {
            throw .outOfRange(source: settings["warmup_steps"]?.source ?? source, key: "warmup_steps",
                              requirement: "<= max_steps (\(maxSteps))", got: String(warmupSteps))
        }
        try checkInfiniteScheduleRules(settings: settings, source: source)
        if !rewarm && initFrom == nil {
            throw .conflict(
                source: settings["rewarm"]?.source ?? source, key: "rewarm",
                problem: "false needs init_from (it holds the learning rate where the checkpoint's schedule ended)",
                otherKey: "init_from", otherState: "starts from scratch")
        }
        try checkResetOptimizer(settings: settings, source: source)
        try checkAnchorPenalties(settings: settings, source: source)
        try checkVocabularyExtension(settings: settings, source: source)
        if replayRatio > 0 && upstream == nil && initFrom == nil {
            throw .conflict(
                source: settings["replay_ratio"]?.source ?? source, key: "replay_ratio",
                problem: "\(ConfigValue.compact(replayRatio)) needs an upstream corpus to replay "
                    + "(set upstream or init_from)",
                otherKey: nil, otherState: nil)
        }
    }

    /// `reset_optimizer: false` carries the base's AdamW state for every weight: it needs a
    /// checkpoint, and full fine-tuning (the base's moments are for its weights, not for new
    /// adapters or a subset of layers). What the checkpoint holds is checked by `ResolvedRun`.
    private func checkResetOptimizer(settings: [String: Setting], source: String) throws(ConfigError) {
        guard !resetOptimizer else { return }
        let keySource = settings["reset_optimizer"]?.source ?? source
        if initFrom == nil {
            throw .conflict(source: keySource, key: "reset_optimizer",
                            problem: "false needs init_from (it carries the checkpoint's AdamW moments)",
                            otherKey: "init_from", otherState: "starts from scratch")
        }
        let why: String? = switch finetuningType {
        case .full: nil
        case .freeze: "freeze trains only the last layers, a different set of parameters from the base's"
        case .lora, .qlora: "\(finetuningType.rawValue) trains new adapters, for which the base has no moments"
        }
        if let why {
            throw .conflict(source: keySource, key: "reset_optimizer",
                            problem: "false needs finetuning_type full (the carried moments are the base's, "
                                + "for every weight; \(why))",
                            otherKey: "finetuning_type", otherState: "is \(finetuningType.rawValue)")
        }
    }

    /// `l2_to_base` and `ewc_lambda` > 0 pull the trained weights toward the starting point's:
    /// they need one, and weights of the base to train (full or freeze; LoRA trains new adapters,
    /// not base weights); `ewc_batches` applies only with `ewc_lambda`.
    private func checkAnchorPenalties(settings: [String: Setting], source: String) throws(ConfigError) {
        if settings["ewc_batches"] != nil && ewcLambda == 0 {
            throw .conflict(source: settings["ewc_batches"]?.source ?? source, key: "ewc_batches",
                            problem: "applies only with ewc_lambda > 0", otherKey: "ewc_lambda", otherState: "is 0")
        }
        for (key, lambda) in [("l2_to_base", l2ToBase), ("ewc_lambda", ewcLambda)] where lambda > 0 {
            let keySource = settings[key]?.source ?? source
            if initFrom == nil {
                throw .conflict(source: keySource, key: key,
                                problem: "\(ConfigValue.compact(lambda)) needs init_from (the weights to stay near)",
                                otherKey: "init_from", otherState: "starts from scratch")
            }
            if finetuningType == .lora || finetuningType == .qlora {
                throw .conflict(source: keySource, key: key,
                                problem: "\(ConfigValue.compact(lambda)) needs finetuning_type full or freeze "
                                    + "(\(finetuningType.rawValue) trains new adapters, not the base's weights)",
                                otherKey: "finetuning_type", otherState: "is \(finetuningType.rawValue)")
            }
        }
    }

    // MARK: Warmup

    /// The warmup in optimizer steps: `warmup_steps` when > 0, else ceil(warmup_ratio x max_steps)
    /// (`LearningRateSchedule.warmupSteps(ratio:totalSteps:)`, as HF's `get_warmup_steps`).
    public var resolvedWarmupSteps: Int {
        warmupSteps > 0 ? warmupSteps : LearningRateSchedule.warmupSteps(ratio: warmupRatio, totalSteps: maxSteps)
    }

    /// The warmup as a fraction of `max_steps` in a config given as values: `warmup_steps` /
    /// `max_steps` when `warmup_steps` > 0 (it overrides the ratio), else `warmup_ratio` (0 when
    /// absent). What reports call a run's warmup.
    public static func warmupFraction(in values: [String: ConfigValue]) -> Double {
        if let steps = values["warmup_steps"]?.number, steps > 0, let total = values["max_steps"]?.number, total > 0 {
            return steps / total
        }
        return values["warmup_ratio"]?.number ?? 0
    }

    // MARK: Run placement

    /// This config placed for one run: `init_from`, `output_dir` and `run_name` set, nothing else
    /// changed or checked again (the config was checked when it was built).
    public func placed(initFrom: String?, outputDir: String, runName: String) -> RunConfig {
        var config = self
        config.initFrom = initFrom
        config.outputDir = outputDir
        config.runName = runName
        config.stageConfigs = stageConfigs.enumerated().map { k, stage in
            stage.placed(initFrom: initFrom, outputDir: RunConfig.stageFolder(k, in: outputDir),
                         runName: "\(runName)-stage-\(k + 1)")
        }
        return config
    }
}
