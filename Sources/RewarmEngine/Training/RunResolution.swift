import Foundation

/// Resolves what a config leaves to the run: the checkpoint behind `init_from`, the model shape
/// it implies, the default `upstream`, the run folder, and the learning-rate schedule.
public struct ResolvedRun: Sendable {
    /// The config with every run-dependent default filled in (what `config.yaml` holds).
    public var config: RunConfig
    /// The checkpoint the run starts from (nil: from scratch).
    public var initCheckpoint: Checkpoint?
    public var schedule: LearningRateSchedule
    public var runDirectory: URL
    /// The tokenizer the run encodes its corpora with: the `init_from` model's own
    /// (`Checkpoint.tokenizer()`: GGUF metadata or `tokenizer.json`), else `.bytes`; `Trainer`
    /// checks that its ids fit the model's vocabulary.
    public var tokenizer: TextTokenizer = .bytes
    /// With `extend_vocabulary_init: subtokens`: for each new row of the embedding table and
    /// head, the ids the model's own tokenizer splits that token's bytes into (empty otherwise).
    public var newRowSources: [Int: [Int32]] = [:]
    /// The weights `l2_to_base` and `ewc_lambda` pull toward: the `init_from` checkpoint's, or for
    /// a later stage of a staged run the first stage's (`StagedTrainer`), with its new-row sources.
    public var anchorCheckpoint: Checkpoint?
    public var anchorRowSources: [Int: [Int32]] = [:]

    /// `config` as given; relative paths resolve against `workingDirectory`. With `previous` (the
    /// stage before, finished), `init_from` is that stage's run folder, and the upstream corpus and
    /// the anchor are the previous stage's, not the defaults of a run from its checkpoint.
    public init(
        _ given: RunConfig, workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        after previous: ResolvedRun? = nil
    ) throws(TrainingError) {
        var config = given
        if let previous {
            config = config.placed(initFrom: previous.runDirectory.path, outputDir: config.outputDir,
                                   runName: config.runName)
            config.upstream = previous.config.upstream
        }
        if let spec = config.initFrom {
            let checkpoint = try ResolvedRun.checkpoint(spec, workingDirectory: workingDirectory)
            initCheckpoint = checkpoint
            config.initFrom = checkpoint.location.standardizedFileURL.path
            let m = checkpoint.state.model
            config.hiddenSize = m.hiddenSize
            config.numHiddenLayers = m.numHiddenLayers
            config.numAttentionHeads = m.numAttentionHeads
            config.intermediateSize = m.intermediateSize
            config.ropeTheta = m.ropeTheta
            config.rmsNormEps = m.rmsNormEps
            // the later shape keys are set only where null would not give the checkpoint's value,
            // so a byte model's run resolves as before they existed (`keysOmittedWhenNull`)
            (config.numKeyValueHeads, config.tieWordEmbeddings, config.vocabSize) = (nil, nil, nil)
            let implied = config.model
            if m.numKeyValueHeads != implied.numKeyValueHeads { config.numKeyValueHeads = m.numKeyValueHeads }
            if m.tieWordEmbeddings != implied.tieWordEmbeddings { config.tieWordEmbeddings = m.tieWordEmbeddings }
            if m.vocabSize != implied.vocabSize { config.vocabSize = m.vocabSize }
            if config.cutoffLen == nil { config.cutoffLen = m.maxPositionEmbeddings }
            if config.upstream == nil && !checkpoint.isPretrainedModel && previous == nil {
                config.upstream = checkpoint.state.dataset
            }
            if checkpoint.isPretrainedModel && !config.rewarm {
                throw .invalid(
                    key: "rewarm",
                    reason: "false needs a Rewarm checkpoint as init_from (a Hugging Face folder or GGUF file "
                        + "has no schedule)")
            }
            if checkpoint.isPretrainedModel && config.replayRatio > 0 && config.upstream == nil {
                throw .invalid(key: "replay_ratio",
                               reason: "\(config.replayRatio) needs an upstream corpus to replay, and "
                                   + "a Hugging Face folder or GGUF file records no dataset (set upstream)")
            }
            try ResolvedRun.checkCarriedOptimizerState(config, from: checkpoint)
            do { tokenizer = try checkpoint.tokenizer() } catch { throw .checkpoint(error) }
            if config.extendsVocabulary {
                let own = tokenizer
                try ResolvedRun.extendVocabulary(&config, &tokenizer, model: m, workingDirectory: workingDirectory)
                if config.extendVocabularyInit == .subtokens, case .bpe(let base) = own, case .bpe(let extended) = tokenizer {
                    newRowSources = VocabularyExtension.subtokenSources(
                        of: extended, in: base, rows: m.vocabSize..<config.model.vocabSize)
                }
            }
        } else {
            initCheckpoint = nil
        }
        (anchorCheckpoint, anchorRowSources) = previous.map { ($0.anchorCheckpoint, $0.anchorRowSources) }
            ?? (initCheckpoint, newRowSources)
        if config.finetuningType == .qlora, config.quantizationType == .gguf {
            guard let gguf = initCheckpoint?.ggufModel else {
                throw .invalid(key: "quantization_type",
                               reason: "gguf keeps a GGUF file's own 4-bit blocks and needs init_from a GGUF file")
            }
            do { try gguf.checkFourBitLinearWeights() } catch { throw .checkpoint(error) }
        }
        if config.contextLength > config.model.maxPositionEmbeddings {
            throw .invalid(
                key: "cutoff_len",
                reason: "\(config.contextLength) exceeds the model's context \(config.model.maxPositionEmbeddings)")
        }
        if let checkpoint = initCheckpoint, !config.rewarm {
            // the lr the checkpoint's own schedule gives at its step (an `infinite` base without
            // an anneal: its constant), held, then annealed over the last anneal_ratio of steps
            schedule = .held(
                checkpoint.state.learningRateReached, totalSteps: config.maxSteps, annealRatio: config.annealRatio)
        } else {
            schedule = LearningRateSchedule(
                type: config.lrSchedulerType, peak: config.learningRate,
                totalSteps: config.maxSteps, warmupSteps: config.resolvedWarmupSteps, minLRRatio: config.minLrRatio,
                numCycles: config.numCycles, power: config.power, decayRatio: config.decayRatio,
                cooldownRatio: config.cooldownRatio, annealRatio: config.annealRatio)
        }
        let dir = config.outputDir.hasPrefix("/") ? URL(fileURLWithPath: config.outputDir)
            : workingDirectory.appendingPathComponent(config.outputDir)
        runDirectory = dir.standardizedFileURL
        self.config = config
    }

    /// `extend_vocabulary`: the extended tokenizer (`VocabularyExtension`) and the vocabulary
    /// that holds it, max(the model's V, the tokenizer's ids); a given tokenizer's path made
    /// absolute (so a resume elsewhere finds it); an untied head must train too.
    private static func extendVocabulary(
        _ config: inout RunConfig, _ tokenizer: inout TextTokenizer, model m: ModelConfig, workingDirectory: URL
    ) throws(TrainingError) {
        let extended = try VocabularyExtension.tokenizer(
            extending: tokenizer, config: config, workingDirectory: workingDirectory)
        tokenizer = .bpe(extended)
        if let given = config.extendVocabularyTokenizer, !given.hasPrefix("/") {
            config.extendVocabularyTokenizer = workingDirectory.appendingPathComponent(given).standardizedFileURL.path
        }
        config.vocabSize = max(m.vocabSize, extended.vocabularySize)
        if !m.tieWordEmbeddings, let key = config.keyMissingTrainableHead {
            throw .invalid(key: key, reason: "the model's head is not tied to its embeddings, so extend_vocabulary "
                + "needs lm_head to train too: add lm_head to \(key)")
        }
    }

    /// The checkpoint `spec` names: a checkpoint folder, a run folder (its final checkpoint; a
    /// staged run's: its last stage's), a
    /// Hugging Face Llama folder (`HuggingFaceFolder`; its `adapter/`, if any, is merged), or a
    /// Llama GGUF file (`GGUFModel`, a path ending in `.gguf`).
    public static func checkpoint(_ spec: String, workingDirectory: URL) throws(TrainingError) -> Checkpoint {
        let url = spec.hasPrefix("/") ? URL(fileURLWithPath: spec) : workingDirectory.appendingPathComponent(spec)
        if Checkpoint.isGGUFFile(url) {
            do { return try Checkpoint(ggufFile: url) } catch { throw .checkpoint(error) }
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
            throw .initFrom(path: spec, reason: FileManager.default.fileExists(atPath: url.path)
                ? "not a folder or a GGUF file (*.gguf)"
                : "no such folder or file (give a run folder, a checkpoint-N folder, a Hugging Face folder "
                    + "or a .gguf file)")
        }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent(Checkpoint.stateFile).path) {
            do { return try Checkpoint(directory: url) } catch { throw .checkpoint(error) }
        }
        if HuggingFaceFolder.isModelFolder(url) {
            do { return try Checkpoint(huggingFaceFolder: url) } catch { throw .checkpoint(error) }
        }
        let all = Checkpoint.list(in: url)
        if all.isEmpty, let lastStage = StagedTrainer.lastStageDirectory(of: url) {
            // a staged run: its last stage's final checkpoint
            guard FileManager.default.fileExists(atPath: lastStage.path) else {
                throw .initFrom(path: spec, reason: "the staged run has not reached its last stage "
                    + "(\(lastStage.lastPathComponent)); name a stage's checkpoint-N folder to start from it")
            }
            return try checkpoint(lastStage.path, workingDirectory: workingDirectory)
        }
        guard let last = all.last else {
            throw .initFrom(path: spec,
                            reason: "holds no checkpoint (no checkpoint-N folder with \(Checkpoint.stateFile))")
        }
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint(directory: last.url) } catch { throw .checkpoint(error) }
        guard checkpoint.state.step == checkpoint.state.maxSteps else {
            throw .initFrom(path: spec, reason: "the run has not finished (last checkpoint at step "
                + "\(checkpoint.state.step) of \(checkpoint.state.maxSteps)); "
                + "name a checkpoint-N folder to start from it")
        }
        return checkpoint
    }
}
