/// The registry of run-config keys: one line per key (name, stored property, range, doc); the
/// default is the stored property's initial value in `RunConfig`. Order here is the order of
/// `yaml()` and of `docs/config-keys.md` (`keysMarkdown()`).
extension RunConfig {
    public static let keys: [ConfigKey] = [
        // Model shape
        .text("model", \.modelPreset, choices: ModelConfig.presetNames,
            "Model shape preset; the shape keys below override it (rope_theta and rms_norm_eps are keys of "
                + "their own: set rope_theta: 100000 for smollm2-135m's)."),
        .optionalInt("hidden_size", \.hiddenSize, .atLeast(1), "Width of the residual stream (null = the preset's)."),
        .optionalInt("num_hidden_layers", \.numHiddenLayers, .atLeast(1), "Decoder layers (null = the preset's)."),
        .optionalInt("num_attention_heads", \.numAttentionHeads, .atLeast(1),
            "Attention heads; must divide hidden_size (null = the preset's)."),
        .optionalInt("num_key_value_heads", \.numKeyValueHeads, .atLeast(1),
            "Key/value heads (grouped-query attention); must divide num_attention_heads "
                + "(null = the preset's, or num_attention_heads when that is set)."),
        .optionalInt("intermediate_size", \.intermediateSize, .atLeast(1),
            "SwiGLU width (null = the preset's, or about 8/3 hidden_size when that is set)."),
        .double("rope_theta", \.ropeTheta, .greaterThan(0), "Base of the rotary position frequencies."),
        .double("rms_norm_eps", \.rmsNormEps, .greaterThan(0), "Epsilon of RMSNorm."),
        .optionalBool("tie_word_embeddings", \.tieWordEmbeddings,
            "Output head = the embedding table, no lm_head (null = the preset's: false but for smollm2-135m)."),
        .optionalInt("vocab_size", \.vocabSize, .atLeast(256),
            "Vocabulary size; the corpora are read as byte ids 0-255 (null = the preset's: 256 but for smollm2-135m)."),
        // Data
        .text("dataset", \.dataset, required: true,
            "Corpus to train on: fortunes-en, fortunes-zh, fortunes-de, licenses, synthetic:NAME, or a path "
                + "(.txt, folder, .jsonl); "
                + "a [k/N] suffix keeps part k of N disjoint parts."),
        .optionalText("upstream", \.upstream,
            "Corpus tracked for forgetting (null or default = the init_from checkpoint's dataset; none from scratch)."),
        .double("val_size", \.valSize, .openClosed(0, 0.5), "Fraction of documents held out for validation."),
        .optionalInt("cutoff_len", \.cutoffLen, .atLeast(2),
            "Tokens per training sequence (null = the model's context)."),
        .int("eval_tokens", \.evalTokens, .atLeast(1), "Validation tokens per corpus per evaluation."),
        .double("replay_ratio", \.replayRatio, .closedOpen(0, 1),
            "Fraction of each batch replayed from the upstream corpus."),
        .double("train_fraction", \.trainFraction, .openClosed(0, 1),
            "Fraction of dataset's training documents kept, evenly spaced (validation unchanged): the same "
                + "tokens as more epochs over less text (the stability gap, F14)."),
        // Init and output
        .optionalText("init_from", \.initFrom, "Checkpoint to start from (null or scratch = random initialisation)."),
        .optionalText("extend_vocabulary_train_on", \.extendVocabularyTrainOn,
            "Corpus whose training documents new BPE tokens are learned on, over the init_from model's tokenizer "
                + "(also written extend_vocabulary: {train_on: C, new_tokens: N})."),
        .int("extend_vocabulary_new_tokens", \.extendVocabularyNewTokens, .atLeast(0),
            "Tokens to add to the init_from model's vocabulary (ids after its own; embedding and head rows "
                + "resized, new rows the mean of the old); 0 = no extension."),
        .optionalText("extend_vocabulary_tokenizer", \.extendVocabularyTokenizer,
            "An extended tokenizer.json (or a folder holding one) to use instead of learning the tokens "
                + "(also written extend_vocabulary: {tokenizer: PATH})."),
        .choice("extend_vocabulary_init", \.extendVocabularyInit,
            "How new rows start: mean (of the model's rows) or subtokens (the mean of the rows of the tokens "
                + "the model's tokenizer splits the new token into)."),
        .derivedText("output_dir", \.outputDir, "Run folder (null = results/runs/<run_name>)."),
        .derivedText("run_name", \.runName, "Run name (null = the dataset's name and a hash of the other keys)."),
        // Optimisation
        .double("learning_rate", \.learningRate, .greaterThan(0), "Peak learning rate of AdamW."),
        .choice("lr_scheduler_type", \.lrSchedulerType, "Learning-rate schedule."),
        .double("warmup_ratio", \.warmupRatio, .closed(0, 1), "Warmup as a fraction of max_steps."),
        .int("warmup_steps", \.warmupSteps, .atLeast(0), "Warmup in steps; overrides warmup_ratio when > 0."),
        .double("min_lr_ratio", \.minLrRatio, .closed(0, 1),
            "Floor of decaying schedules (the constant of infinite), as a fraction of learning_rate."),
        .int("num_cycles", \.numCycles, .atLeast(1), "Restarts of cosine_with_restarts."),
        .double("power", \.power, .greaterThan(0), "Exponent of polynomial decay."),
        .double("decay_ratio", \.decayRatio, .openClosed(0, 1),
            "Final fraction of steps in which warmup_stable_decay decays."),
        .double("cooldown_ratio", \.cooldownRatio, .closed(0, 1),
            "Fraction of max_steps in which infinite cools down (cosine) from learning_rate to its constant, "
                + "min_lr_ratio x learning_rate, after warmup; only with lr_scheduler_type infinite."),
        .double("anneal_ratio", \.annealRatio, .closedOpen(0, 1),
            "Final fraction of max_steps in which the lr anneals linearly to 0: from infinite's constant, or "
                + "with rewarm false from the held lr (0 = no anneal); only with infinite or rewarm false."),
        .bool("rewarm", \.rewarm,
            "true: warm up to learning_rate and follow lr_scheduler_type again; "
                + "false: hold the lr where the init_from checkpoint's schedule ended, constant "
                + "(annealed to 0 over the last anneal_ratio of steps when that is > 0)."),
        .bool("reset_optimizer", \.resetOptimizer,
            "true: AdamW starts from zero moments; false: carry the init_from checkpoint's moments and step "
                + "counter (full fine-tuning from a Rewarm checkpoint)."),
        .double("weight_decay", \.weightDecay, .atLeast(0), "AdamW decoupled weight decay (matrices only)."),
        .double("l2_to_base", \.l2ToBase, .atLeast(0),
            "L2-SP: adds l2_to_base / 2 x ||theta - theta_base||^2 over the trainable weights to the loss, "
                + "theta_base the init_from checkpoint's weights (0 = off); needs init_from and full or freeze."),
        .double("ewc_lambda", \.ewcLambda, .atLeast(0),
            "EWC: adds ewc_lambda / 2 x sum F_i (theta_i - theta_base_i)^2, F the diagonal Fisher of the trainable "
                + "weights on the upstream corpus at theta_base (0 = off); needs init_from and full or freeze."),
        .int("ewc_batches", \.ewcBatches, .atLeast(1),
            "Upstream batches (of per_device_train_batch_size sequences, one backward each) the Fisher is "
                + "estimated on; cached per base, corpus and shape; only with ewc_lambda > 0."),
        .double("adam_beta1", \.adamBeta1, .closedOpen(0, 1), "AdamW first-moment decay."),
        .double("adam_beta2", \.adamBeta2, .closedOpen(0, 1), "AdamW second-moment decay."),
        .double("adam_epsilon", \.adamEpsilon, .greaterThan(0), "AdamW denominator epsilon."),
        .double("max_grad_norm", \.maxGradNorm, .atLeast(0), "Global gradient-norm clip (0 = no clipping)."),
        .int("per_device_train_batch_size", \.perDeviceTrainBatchSize, .atLeast(1), "Sequences per micro-batch."),
        .int("gradient_accumulation_steps", \.gradientAccumulationSteps, .atLeast(1),
            "Micro-batches per optimizer step."),
        .int("max_steps", \.maxSteps, .atLeast(1), "Optimizer steps of the run."),
        .int("eval_steps", \.evalSteps, .atLeast(1), "Evaluate every N steps."),
        .numberList("eval_at", \.evalAt, .openClosed(0, 1),
            "Extra evaluations at these fractions of max_steps (e.g. dense at the start)."),
        .int("logging_steps", \.loggingSteps, .atLeast(1), "Log the training loss every N steps."),
        .int("save_steps", \.saveSteps, .atLeast(0),
            "Save every N steps, keeping the latest for resume (0 = only at the end)."),
        .numberList("save_at", \.saveAt, .openClosed(0, 1), "Fractions of max_steps whose checkpoints are kept."),
        .int("seed", \.seed, .atLeast(0), "Seed of initialisation, data order and dropout."),
        .int("threads", \.threads, .atLeast(1),
            "Worker threads: each batch is split across them, one OpenBLAS thread each."),
        // Fine-tuning
        .choice("finetuning_type", \.finetuningType, "Which weights train: full, freeze (last layers), lora, qlora."),
        .int("freeze_trainable_layers", \.freezeTrainableLayers, .atLeast(0), appliesTo: [.freeze],
            "Trainable last layers with freeze (default 2, or 0 when trainable_modules is given)."),
        .moduleSet("trainable_modules", \.trainableModules, RunConfig.wholeModules, appliesTo: [.freeze],
            "Whole modules that train with freeze, e.g. [embed_tokens, lm_head] (alias freeze_extra_modules)."),
        .int("lora_rank", \.loraRank, .atLeast(1), appliesTo: [.lora, .qlora], "Rank r of the LoRA adapters."),
        .double("lora_alpha", \.loraAlpha, .greaterThan(0), appliesTo: [.lora, .qlora],
            "LoRA scale numerator (scale = alpha / r)."),
        .double("lora_dropout", \.loraDropout, .closedOpen(0, 1), appliesTo: [.lora, .qlora],
            "Dropout on the LoRA adapter input."),
        .modules("lora_target", \.loraTarget, RunConfig.loraModules, appliesTo: [.lora, .qlora],
            "Adapted modules: all, or a comma list."),
        .moduleSet("modules_to_save", \.modulesToSave, RunConfig.wholeModules, appliesTo: [.lora, .qlora],
            "Whole modules that train fully beside the adapters, e.g. [embed_tokens, lm_head] (PEFT; alias additional_target)."),
        .optionalInt("quantization_bit", \.quantizationBit, .oneOf([4]), appliesTo: [.qlora],
            "Bits of the frozen qlora base (4, its default)."),
        .choice("quantization_type", \.quantizationType, appliesTo: [.qlora], "4-bit code of the qlora base."),
        // Stages
        .stageList("stages", \.stages, RunConfig.stageKeys,
            "Staged training in one run: a list of maps, each the keys its stage sets over the others' "
                + "(max_steps required in each); stage k trains in <output_dir>/stage-k from stage k-1's end, "
                + "steps counted on across stages."),
        .choice("recipe", \.recipe,
            "Named stages: two_stage (embed_tokens and lm_head only, then LoRA + modules_to_save of both; "
                + "Chinese-LLaMA), gradual_unfreeze (freeze, top layer first, one more per stage); max_steps "
                + "split evenly."),
        .int("recipe_stages", \.recipeStages, .atLeast(2), "Stages of recipe gradual_unfreeze."),
    ]

    /// The key named `name`, if there is one.
    public static func key(named name: String) -> ConfigKey? {
        keyIndex[name].map { keys[$0] }
    }

    private static let keyIndex: [String: Int] = Dictionary(
        uniqueKeysWithValues: keys.enumerated().map { ($1.name, $0) })
}

/// Builders of registry lines: each ties a name to a stored property and says how the value is
/// boxed into a `ConfigValue` and back.
extension ConfigKey {
    typealias Path<V> = WritableKeyPath<RunConfig, V> & Sendable

    private static func make<V>(
        _ name: String, _ type: ConfigType, _ path: Path<V>, optional: Bool = false, required: Bool = false,
        range: ValueRange? = nil, appliesTo: [FinetuningType]? = nil, _ doc: String,
        box: @escaping @Sendable (V) -> ConfigValue, unbox: @escaping @Sendable (ConfigValue) -> V?
    ) -> ConfigKey {
        ConfigKey(
            name: name, type: type, acceptsNull: optional || appliesTo != nil, isRequired: required,
            range: range, appliesTo: appliesTo?.map(\.rawValue), doc: doc,
            read: { box($0[keyPath: path]) },
            write: { config, value in
                if let v = unbox(value) { config[keyPath: path] = v }
            })
    }

    static func int(
        _ name: String, _ path: Path<Int>, _ range: ValueRange, appliesTo: [FinetuningType]? = nil, _ doc: String
    ) -> ConfigKey {
        make(name, .int, path, range: range, appliesTo: appliesTo, doc,
             box: { .int($0) }, unbox: { if case .int(let i) = $0 { i } else { nil } })
    }

    static func optionalInt(
        _ name: String, _ path: Path<Int?>, _ range: ValueRange, appliesTo: [FinetuningType]? = nil, _ doc: String
    ) -> ConfigKey {
        make(name, .int, path, optional: true, range: range, appliesTo: appliesTo, doc,
             box: { $0.map { .int($0) } ?? .null },
             unbox: { value -> Int?? in
                 switch value {
                 case .int(let i): .some(i)
                 case .null: .some(nil)
                 default: nil
                 }
             })
    }

    static func double(
        _ name: String, _ path: Path<Double>, _ range: ValueRange, appliesTo: [FinetuningType]? = nil, _ doc: String
    ) -> ConfigKey {
        make(name, .double, path, range: range, appliesTo: appliesTo, doc,
             box: { .double($0) }, unbox: { $0.number })
    }

    static func bool(_ name: String, _ path: Path<Bool>, _ doc: String) -> ConfigKey {
        make(name, .bool, path, doc, box: { .bool($0) }, unbox: { if case .bool(let b) = $0 { b } else { nil } })
    }

    /// A true/false key where null is a value of its own ("the preset's").
    static func optionalBool(_ name: String, _ path: Path<Bool?>, _ doc: String) -> ConfigKey {
        make(name, .bool, path, optional: true, doc,
             box: { $0.map { .bool($0) } ?? .null },
             unbox: { value -> Bool?? in
                 switch value {
                 case .bool(let b): .some(b)
                 case .null: .some(nil)
                 default: nil
                 }
             })
    }

    /// A string key, optionally limited to `choices`.
    static func text(
        _ name: String, _ path: Path<String>, choices: [String]? = nil, required: Bool = false, _ doc: String
    ) -> ConfigKey {
        make(name, choices.map { .choice($0) } ?? .string, path, required: required, doc,
             box: { .string($0) }, unbox: { if case .string(let s) = $0 { s } else { nil } })
    }

    /// A string key where null is a value of its own.
    static func optionalText(_ name: String, _ path: Path<String?>, _ doc: String) -> ConfigKey {
        make(name, .string, path, optional: true, doc,
             box: { $0.map { .string($0) } ?? .null },
             unbox: { value -> String?? in
                 switch value {
                 case .string(let s): .some(s)
                 case .null: .some(nil)
                 default: nil
                 }
             })
    }

    /// A string key whose null means "derive it when the config is built" (stored as "" until then).
    static func derivedText(_ name: String, _ path: Path<String>, _ doc: String) -> ConfigKey {
        make(name, .string, path, optional: true, doc, box: boxEmptyAsNull, unbox: unboxNullAsEmpty)
    }

    /// "" is stored for null: the box and unbox of `derivedText` and `moduleSet`.
    private static let boxEmptyAsNull: @Sendable (String) -> ConfigValue = { $0.isEmpty ? .null : .string($0) }
    private static let unboxNullAsEmpty: @Sendable (ConfigValue) -> String? = { value in
        switch value {
        case .string(let s): s
        case .null: ""
        default: nil
        }
    }

    /// A key whose values are the raw values of an enum.
    static func choice<E: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ path: Path<E>, appliesTo: [FinetuningType]? = nil, _ doc: String
    ) -> ConfigKey where E.RawValue == String {
        make(name, .choice(E.allCases.map(\.rawValue)), path, appliesTo: appliesTo, doc,
             box: { .string($0.rawValue) },
             unbox: { if case .string(let s) = $0 { E(rawValue: s) } else { nil } })
    }

    static func numberList(_ name: String, _ path: Path<[Double]>, _ range: ValueRange, _ doc: String) -> ConfigKey {
        make(name, .numberList, path, range: range, doc,
             box: { .list($0.map { .double($0) }) },
             unbox: { value in
                 guard case .list(let items) = value else { return nil }
                 return Array(Set(items.compactMap(\.number))).sorted()
             })
    }

    /// A list of stage maps (`ConfigType.stageList`); null for none.
    static func stageList(
        _ name: String, _ path: Path<[[String: ConfigValue]]>, _ allowed: [String], _ doc: String
    ) -> ConfigKey {
        make(name, .stageList(allowed), path, optional: true, doc,
             box: { $0.isEmpty ? .null : .list($0.map { .map($0) }) },
             unbox: { value in
                 switch value {
                 case .null: return []
                 case .list(let items): return items.compactMap { if case .map(let m) = $0 { m } else { nil } }
                 default: return nil
                 }
             })
    }

    /// Some of `modules` as a canonical comma list, "" (null) for none (see `ConfigType.moduleSet`).
    static func moduleSet(
        _ name: String, _ path: Path<String>, _ modules: [String], appliesTo: [FinetuningType]? = nil, _ doc: String
    ) -> ConfigKey {
        make(name, .moduleSet(modules), path, optional: true, appliesTo: appliesTo, doc,
             box: boxEmptyAsNull, unbox: unboxNullAsEmpty)
    }

    /// "all" or a canonical comma list of `modules` (see `ConfigType.moduleList`).
    static func modules(
        _ name: String, _ path: Path<String>, _ modules: [String], appliesTo: [FinetuningType]? = nil, _ doc: String
    ) -> ConfigKey {
        make(name, .moduleList(modules), path, appliesTo: appliesTo, doc,
             box: { .string($0) }, unbox: { if case .string(let s) = $0 { s } else { nil } })
    }
}
