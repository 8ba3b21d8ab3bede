/// The resolved config of one training run: every key of `RunConfig.keys`, with its default.
///
/// Names follow Hugging Face `TrainingArguments`, LLaMA-Factory and PEFT (coding keys are the
/// snake_case names of `RunConfig.keys`). Build one with `load(yamlFile:overrides:)`,
/// `load(yaml:source:overrides:)` or `init(values:source:)`; all of them validate, so a
/// `RunConfig` that exists is a valid one. `yaml()` writes it back.
public struct RunConfig: Sendable, Equatable {
    // MARK: Model shape (`LlamaConfig` names)

    /// `model`: the preset the shape starts from (`ModelConfig.presetNames`).
    public internal(set) var modelPreset = "small"
    /// `hidden_size`: C, width of the residual stream; nil = the preset's.
    public internal(set) var hiddenSize: Int? = nil
    /// `num_hidden_layers`: L, decoder layers; nil = the preset's.
    public internal(set) var numHiddenLayers: Int? = nil
    /// `num_attention_heads`: NH, heads per layer (must divide C); nil = the preset's.
    public internal(set) var numAttentionHeads: Int? = nil
    /// `num_key_value_heads`: NKV, key/value heads (grouped-query attention; must divide NH);
    /// nil = the preset's, or NH when `num_attention_heads` is set.
    public internal(set) var numKeyValueHeads: Int? = nil
    /// `intermediate_size`: F, SwiGLU width; nil = the preset's, or about 8/3 C when `hidden_size` is set.
    public internal(set) var intermediateSize: Int? = nil
    /// `rope_theta`: base of the rotary frequencies, theta_i = rope_theta^(-2i/hs).
    public internal(set) var ropeTheta = 10_000.0
    /// `rms_norm_eps`: epsilon of RMSNorm, x / sqrt(mean(x^2) + eps).
    public internal(set) var rmsNormEps = 1e-5
    /// `tie_word_embeddings`: whether the output head is the embedding table; nil = the preset's
    /// (false but for `smollm2-135m`).
    public internal(set) var tieWordEmbeddings: Bool? = nil
    /// `vocab_size`: V; nil = the preset's (256 bytes but for `smollm2-135m`). The corpora are
    /// read as bytes, so V >= 256.
    public internal(set) var vocabSize: Int? = nil

    // MARK: Data

    /// `dataset`: the corpus the run trains on (`fortunes-en`, `fortunes-zh`, `fortunes-de`, `licenses`,
    /// `synthetic:NAME`, a path). Required.
    public internal(set) var dataset = ""
    /// `upstream`: the corpus tracked for forgetting; nil (or "default") = the `init_from` checkpoint's
    /// dataset (none from scratch), which the trainer resolves.
    public internal(set) var upstream: String? = nil
    /// `val_size`: fraction of documents held out for validation, in (0, 0.5].
    public internal(set) var valSize = 0.05
    /// `cutoff_len`: T, tokens per training sequence; nil = the model's context.
    public internal(set) var cutoffLen: Int? = nil
    /// `eval_tokens`: validation tokens per corpus per evaluation.
    public internal(set) var evalTokens = 16_384
    /// `replay_ratio`: fraction of each batch's sequences drawn from the upstream corpus, in [0, 1).
    public internal(set) var replayRatio = 0.0
    /// Fraction of `dataset`'s training documents kept (`Corpus.keepingTrainingFraction`).
    public internal(set) var trainFraction = 1.0

    // MARK: Init and output

    /// `init_from`: checkpoint to start from; nil (or "scratch") = random initialisation.
    public internal(set) var initFrom: String? = nil
    /// `output_dir`: the run folder; defaults to `results/runs/<run_name>`.
    public internal(set) var outputDir = ""
    /// `run_name`: defaults to the dataset's name and a hash of the other keys (`fortunes-zh-1a2b3c4d`).
    public internal(set) var runName = ""

    // MARK: Optimisation (`TrainingArguments` names)

    /// `learning_rate`: peak learning rate of AdamW.
    public internal(set) var learningRate = 1e-3
    /// `lr_scheduler_type`: shape of the learning rate over steps.
    public internal(set) var lrSchedulerType = SchedulerType.cosine
    /// `warmup_ratio`: warmup length as a fraction of `max_steps`.
    public internal(set) var warmupRatio = 0.0
    /// `warmup_steps`: warmup length in steps; overrides `warmup_ratio` when > 0.
    public internal(set) var warmupSteps = 0
    /// `min_lr_ratio`: the floor of decaying schedules, as a fraction of `learning_rate`.
    public internal(set) var minLrRatio = 0.1
    /// `num_cycles`: restarts of `cosine_with_restarts`.
    public internal(set) var numCycles = 1
    /// `power`: exponent of `polynomial` decay.
    public internal(set) var power = 1.0
    /// `decay_ratio`: the final fraction of steps in which `warmup_stable_decay` decays.
    public internal(set) var decayRatio = 0.1
    /// `cooldown_ratio`: the fraction of `max_steps` in [0, 1] in which `infinite` cools down (a
    /// cosine) from `learning_rate` to its constant, `min_lr_ratio` x `learning_rate`, after
    /// warmup (Ibrahim et al. 2024, arXiv 2403.08763, sec. 7). Only with `infinite`.
    public internal(set) var cooldownRatio = LearningRateSchedule.defaultCooldownRatio
    /// `anneal_ratio`: the final fraction of `max_steps` in [0, 1) in which the lr anneals
    /// linearly to 0: from `infinite`'s constant, or, with `rewarm: false`, from the lr held from
    /// the checkpoint (I24's continual phase). 0 = no anneal.
    public internal(set) var annealRatio = LearningRateSchedule.defaultAnnealRatio
    /// `rewarm`: whether a run from a checkpoint follows its own schedule again (warmup to
    /// `learning_rate`, then decay); false holds the lr where the checkpoint's schedule ended, constant.
    public internal(set) var rewarm = true
    /// `reset_optimizer`: whether a run from a checkpoint starts AdamW from zero moments and t = 0;
    /// false carries the `init_from` checkpoint's moments and step counter (`ResolvedRun`).
    public internal(set) var resetOptimizer = true
    /// `weight_decay`: AdamW decoupled weight decay, on matrices only.
    public internal(set) var weightDecay = 0.1
    /// L2-SP strength toward the `init_from` weights (`L2ToBase`); 0 = off.
    public internal(set) var l2ToBase = 0.0
    /// EWC strength toward the `init_from` weights, weighted by the Fisher diagonal; 0 = off.
    public internal(set) var ewcLambda = 0.0
    /// Batches of the upstream corpus the Fisher diagonal is estimated on.
    public internal(set) var ewcBatches = 16
    /// `adam_beta1`: first-moment decay of AdamW.
    public internal(set) var adamBeta1 = 0.9
    /// `adam_beta2`: second-moment decay of AdamW.
    public internal(set) var adamBeta2 = 0.95
    /// `adam_epsilon`: AdamW denominator epsilon, m / (sqrt(v) + eps).
    public internal(set) var adamEpsilon = 1e-8
    /// `max_grad_norm`: global gradient-norm clip; 0 = no clipping.
    public internal(set) var maxGradNorm = 1.0
    /// `per_device_train_batch_size`: B, sequences per micro-batch.
    public internal(set) var perDeviceTrainBatchSize = 16
    /// `gradient_accumulation_steps`: micro-batches per optimizer step.
    public internal(set) var gradientAccumulationSteps = 1
    /// `max_steps`: optimizer steps of the run.
    public internal(set) var maxSteps = 1000
    /// `eval_steps`: evaluate every N optimizer steps.
    public internal(set) var evalSteps = 100
    /// `eval_at`: extra evaluations at these fractions of `max_steps` in (0, 1] (rounded to a step,
    /// at least 1), beside every `eval_steps`: dense early evaluation where warmup effects live.
    public internal(set) var evalAt: [Double] = []
    /// `logging_steps`: log the training loss every N optimizer steps.
    public internal(set) var loggingSteps = 10
    /// `save_steps`: 0 = save only at the end; else save every N steps, keeping the latest for resume.
    public internal(set) var saveSteps = 0
    /// `save_at`: fractions of `max_steps` in (0, 1] whose checkpoints are kept; sorted, no repeats.
    public internal(set) var saveAt: [Double] = []
    /// `seed`: seeds initialisation, data order and dropout.
    public internal(set) var seed = 42
    /// `threads`: BLAS threads.
    public internal(set) var threads = 1

    // MARK: Fine-tuning (LLaMA-Factory and PEFT names)

    /// `finetuning_type`: which weights train.
    public internal(set) var finetuningType = FinetuningType.full
    /// `freeze_trainable_layers`: with `freeze`, how many of the last layers train (0 when only
    /// `trainable_modules` train: its default then).
    public internal(set) var freezeTrainableLayers = 2
    /// `trainable_modules` (alias `freeze_extra_modules`): with `freeze`, whole modules that train
    /// too; canonical comma list of `wholeModules`, "" for none (null).
    public internal(set) var trainableModules = ""
    /// `lora_rank`: r, rank of the adapters.
    public internal(set) var loraRank = 8
    /// `lora_alpha`: adapter scale is alpha / r.
    public internal(set) var loraAlpha = 16.0
    /// `lora_dropout`: dropout on the adapter input.
    public internal(set) var loraDropout = 0.0
    /// `lora_target`: "all" or the canonical comma list of adapted modules (see `loraTargets`).
    public internal(set) var loraTarget = "all"
    /// `modules_to_save` (alias `additional_target`): with `lora` / `qlora`, whole modules that
    /// train fully beside the adapters (PEFT); canonical comma list of `wholeModules`, "" for none.
    public internal(set) var modulesToSave = ""
    /// `quantization_bit`: 4 for `qlora` (its default), nil otherwise.
    public internal(set) var quantizationBit: Int? = nil
    /// `quantization_type`: 4-bit code of the `qlora` base.
    public internal(set) var quantizationType = QuantizationType.nf4

    // MARK: Vocabulary extension (Cui et al. 2023, arXiv 2304.08177, sec. 2.2)

    /// `extend_vocabulary_train_on` (`extend_vocabulary: {train_on: ...}`): the corpus whose
    /// training documents the new BPE tokens are learned on (`BPEVocabularyExtension`).
    public internal(set) var extendVocabularyTrainOn: String? = nil
    /// `extend_vocabulary_new_tokens`: how many tokens to learn and add; 0 = no extension.
    public internal(set) var extendVocabularyNewTokens = 0
    /// `extend_vocabulary_tokenizer`: an extended `tokenizer.json` (or a folder holding one) to
    /// use instead of learning the tokens.
    public internal(set) var extendVocabularyTokenizer: String? = nil
    /// `extend_vocabulary_init`: how the new rows start (the mean of all rows, or of the rows of
    /// the tokens each new token replaces).
    public internal(set) var extendVocabularyInit = NewRowInit.mean

    // MARK: Stages (`StageRules.swift`)

    /// `stages`: for each stage, the keys it sets over the run's (canonical values); empty: one stage.
    public internal(set) var stages: [[String: ConfigValue]] = []
    /// `recipe`: named stages instead of `stages`.
    public internal(set) var recipe = StageRecipe.none
    /// `recipe_stages`: the stages of `gradual_unfreeze`.
    public internal(set) var recipeStages = 2
    /// The config of each stage, built and checked with this one (empty for a run of one stage).
    public internal(set) var stageConfigs: [RunConfig] = []
    /// Of a staged run: the keys of some fine-tuning types only that were given (`shownValue`).
    var stageTypeKeysGiven: Set<String> = []

    /// Every key at its default, `dataset` empty: the source of `ConfigKey.defaultValue`.
    static let defaults = RunConfig()

    /// Every key at its default (`dataset` empty); loading starts from this.
    init() {}
}

// MARK: - Derived values

extension RunConfig {
    /// The modules `lora_target` may name, in the order of a decoder layer.
    public static let loraModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

    /// The model shape: the preset, with the shape keys that are set, and a context that
    /// covers `cutoff_len` (maxPositionEmbeddings = max(preset's, cutoff_len)).
    public var model: ModelConfig {
        guard let preset = ModelConfig.preset(modelPreset) else {
            preconditionFailure("model preset '\(modelPreset)' was validated when the config was built")
        }
        let hidden = hiddenSize ?? preset.hiddenSize
        let intermediate = intermediateSize
            ?? (hiddenSize == nil ? preset.intermediateSize : ModelConfig.defaultIntermediateSize(hiddenSize: hidden))
        let heads = numAttentionHeads ?? preset.numAttentionHeads
        return ModelConfig(
            vocabSize: vocabSize ?? preset.vocabSize, hiddenSize: hidden,
            numHiddenLayers: numHiddenLayers ?? preset.numHiddenLayers, numAttentionHeads: heads,
            numKeyValueHeads: numKeyValueHeads ?? (numAttentionHeads == nil ? preset.numKeyValueHeads : heads),
            intermediateSize: intermediate,
            maxPositionEmbeddings: max(preset.maxPositionEmbeddings, cutoffLen ?? 0),
            rmsNormEps: rmsNormEps, ropeTheta: ropeTheta,
            tieWordEmbeddings: tieWordEmbeddings ?? preset.tieWordEmbeddings)
    }

    /// T: tokens per training sequence, `cutoff_len` or the model's context.
    public var contextLength: Int { cutoffLen ?? model.maxPositionEmbeddings }

    /// The adapted modules, in `loraModules` order ("all" lists all seven).
    public var loraTargets: [String] {
        loraTarget == "all" ? Self.loraModules : loraTarget.split(separator: ",").map(String.init)
    }

    /// The whole modules `modules_to_save` and `trainable_modules` may name.
    public static let wholeModules = WeightNames.wholeModules

    /// What trains: the fine-tuning type with its layers, adapters and whole modules.
    public var fineTuning: FineTuning {
        let lora = LoRASettings(rank: loraRank, alpha: loraAlpha, dropout: loraDropout, targets: loraTargets,
                                modulesToSave: Self.moduleNames(modulesToSave))
        return switch finetuningType {
        case .full: .full
        case .freeze: .freeze(trainableLayers: freezeTrainableLayers, modules: Self.moduleNames(trainableModules))
        case .lora: .lora(lora)
        case .qlora: .qlora(lora, quantizationType)
        }
    }

    /// The names of a canonical comma list ("" is none).
    static func moduleNames(_ list: String) -> [String] {
        list.split(separator: ",").map(String.init)
    }
}
