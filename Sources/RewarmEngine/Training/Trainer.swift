import Foundation

/// Trains one run: from scratch, or continual pre-training from a checkpoint, evaluated on the
/// run's dataset (downstream) and on the upstream corpus. Leaves in the run folder the resolved
/// `config.yaml`, `metrics.jsonl` (one `MetricsRecord` per evaluation, step 0 included) and
/// `checkpoint-N/` folders; `resume` continues from the newest checkpoint with the same losses
/// as an uninterrupted run (data order and dropout are functions of (seed, step), and the
/// optimizer state is saved).
public final class Trainer {
    public let run: ResolvedRun
    public var config: RunConfig { run.config }
    public let model: LlamaModel
    let optimizer: OptimizerState
    let sampler: BatchSampler
    let downstreamValidation: ValidationSet
    let upstreamValidation: ValidationSet?
    let downstream: TokenizedCorpus
    let upstream: TokenizedCorpus?
    private var state: TrainerState
    /// The penalties toward the `init_from` weights: L2-SP (`l2_to_base`) and EWC (`ewc_lambda`).
    private var anchorPenalties: [AnchorPenalty] = []
    /// Where EWC's Fisher diagonals are cached: beside the token cache (nil without one).
    private let fisherCache: FisherCache?
    private let metricsFile: URL
    private let configYAML: String
    /// Steps of the extra `eval_at` evaluations: fractions of `max_steps`, rounded, at least 1.
    let extraEvaluationSteps: Set<Int>

    /// A training loss above 4 x ln V nats (4 x uniform guessing over the model's V ids; 22.2
    /// for the byte models' V = 256, 43.3 for 49,152) counts as exploded.
    public static func divergenceLoss(vocabularySize: Int) -> Double { 4 * log(Double(vocabularySize)) }
    /// `divergenceLoss` of this run's model.
    public var divergenceLoss: Double { Trainer.divergenceLoss(vocabularySize: config.model.vocabSize) }
    /// First key of the LoRA dropout stream (distinct from the batch sampler's).
    static let dropoutTag: UInt64 = 0x4452_4F50_4F55_5400

    /// Loads and tokenizes the corpora with `run.tokenizer` (a BPE's ids are read from or written
    /// to `tokenCache`, nil for none; `onTokenization` hears its progress), builds the model and
    /// prepares the run folder.
    public init(
        _ run: ResolvedRun, resume: Bool, tokenCache: TokenCache? = .standard,
        onTokenization: ((TokenizationEvent) -> Void)? = nil
    ) throws(TrainingError) {
        self.run = run
        let config = run.config
        let tokenizer = run.tokenizer
        guard tokenizer.vocabularySize <= config.model.vocabSize else {
            throw .invalid(key: "vocab_size", reason: "the model's vocabulary of \(config.model.vocabSize) ids cannot "
                + "hold the tokenizer's \(tokenizer.vocabularySize) (\(tokenizer.identity))")
        }
        let dir = run.runDirectory
        fisherCache = tokenCache.map { FisherCache(directory: $0.directory.deletingLastPathComponent()
            .appendingPathComponent("fisher")) }
        metricsFile = dir.appendingPathComponent("metrics.jsonl")
        configYAML = config.yaml()
        extraEvaluationSteps = Set(config.evalAt.map { max(1, Int(($0 * Double(config.maxSteps)).rounded())) })
        // Data first: a bad corpus fails before anything is written.
        do {
            func load(_ spec: String, trainFraction: Double = 1) throws(CorpusError) -> TokenizedCorpus {
                try TokenizedCorpus.load(spec, valSize: config.valSize, trainFraction: trainFraction,
                                         tokenizer: tokenizer, cache: tokenCache, onEvent: onTokenization)
            }
            downstream = try load(config.dataset, trainFraction: config.trainFraction)
            upstream = try config.upstream.map { s throws(CorpusError) in try load(s) }
            let T = config.contextLength
            let lengths = TokenByteLengths(tokenizer)
            sampler = try BatchSampler(
                corpus: downstream, replay: upstream, replayRatio: config.replayRatio, contextLength: T,
                batchSize: config.perDeviceTrainBatchSize, seed: UInt64(bitPattern: Int64(config.seed)))
            downstreamValidation = try ValidationSet(
                corpus: downstream, byteLengths: lengths, contextLength: T, maxTokens: config.evalTokens)
            upstreamValidation = try upstream.map { c throws(CorpusError) in
                try ValidationSet(corpus: c, byteLengths: lengths, contextLength: T, maxTokens: config.evalTokens)
            }
        } catch {
            throw .corpus(error)
        }
        model = LlamaModel(config: config.model, fineTuning: config.fineTuning)
        optimizer = OptimizerState(for: model)
        state = TrainerState(
            step: 0, tokens: 0, wallSeconds: 0, trainLossSum: 0, trainLossCount: 0, lastGradNorm: nil,
            schedule: run.schedule, model: config.model, dataset: downstream.name,
            finetuningType: config.finetuningType.rawValue, maxSteps: config.maxSteps, evaluatedStep: nil,
            optimizerStep: 0)
        try prepareRunFolder(resume: resume)
    }

    private func prepareRunFolder(resume: Bool) throws(TrainingError) {
        let dir = run.runDirectory
        let fm = FileManager.default
        let configFile = dir.appendingPathComponent("config.yaml")
        let existing = Checkpoint.list(in: dir)
        let hasResults = !existing.isEmpty || fm.fileExists(atPath: metricsFile.path)
        if hasResults && !resume {
            throw .runFolder(path: dir.path,
                             reason: "already holds a run; pass --resume to continue it, or choose another output_dir")
        }
        if resume { try RunFolderConfig.checkUnchanged(configFile, yaml: configYAML) }
        if resume, let last = existing.last {
            // a QLoRA base is quantized again from its source, as at the start (bit for bit)
            if model.quantizedBase != nil { try initializeWeights() }
            do {
                let checkpoint = try Checkpoint(directory: last.url)
                try checkpoint.restore(model: model, optimizer: optimizer)
                state = checkpoint.state
            } catch {
                throw .checkpoint(error)
            }
        } else {
            try initializeWeights()
            try carryOptimizerState()
        }
        anchorPenalties = try makeAnchorPenalties()
        // Only now that the weights loaded is anything written: bad input leaves no run folder.
        try RunFolderConfig.write(configYAML, in: dir)
        // A BPE model's tokenizer goes with the run (and is copied into every checkpoint).
        do {
            try Checkpoint.writeTokenizerFiles(run.tokenizer, modelMaxLength: config.model.maxPositionEmbeddings,
                                               to: dir)
        } catch {
            throw .checkpoint(error)
        }
        // Evaluations after the checkpoint are recomputed; one at its step is kept if it was written.
        try truncateMetrics(through: state.evaluatedStep == state.step ? state.step : state.step - 1)
    }

    private func initializeWeights() throws(TrainingError) {
        let seed = UInt64(bitPattern: Int64(config.seed))
        if let checkpoint = run.initCheckpoint {
            let target = model.quantizedBase == nil
                ? model.weights : ParameterSlab(WeightNames.baseTensors(model.config))
            do { try checkpoint.loadMergedWeights(into: target, vocabularySize: model.config.vocabSize,
                                                 newRowSources: run.newRowSources) } catch {
                throw .checkpoint(error)
            }
            if let base = model.quantizedBase {
                if base.type == .gguf, let gguf = checkpoint.ggufModel {
                    do { try model.loadBase(from: target, keepingBlocksOf: gguf) } catch { throw .checkpoint(error) }
                } else {
                    model.loadBase(from: target)
                }
            }
        } else {
            model.initializeWeights(seed: seed)
        }
        model.initializeAdapters(seed: seed)
    }

    /// The anchor penalties (`l2_to_base`, `ewc_lambda` > 0): the anchor checkpoint's weights
    /// (`ResolvedRun.anchorCheckpoint`: `init_from`'s, or a staged run's first stage's),
    /// read again from it (a resumed run's own weights have moved), and for EWC the Fisher
    /// diagonal at them on the upstream corpus (`FisherCache`, else estimated and cached). Config
    /// rules guarantee a checkpoint and full or freeze fine-tuning.
    private func makeAnchorPenalties() throws(TrainingError) -> [AnchorPenalty] {
        guard config.l2ToBase > 0 || config.ewcLambda > 0, let checkpoint = run.anchorCheckpoint else { return [] }
        let base = ParameterSlab(WeightNames.baseTensors(model.config))
        do {
            try checkpoint.loadMergedWeights(into: base, vocabularySize: model.config.vocabSize,
                                             newRowSources: run.anchorRowSources)
        } catch {
            throw .checkpoint(error)
        }
        let anchor: AnchorPenalty
        do {
            anchor = try AnchorPenalty(lambda: config.l2ToBase, tensors: model.trainableTensors, base: base)
        } catch {
            throw .invalid(key: config.l2ToBase > 0 ? "l2_to_base" : "ewc_lambda", reason: "cannot anchor: \(error)")
        }
        var penalties = config.l2ToBase > 0 ? [anchor] : []
        if config.ewcLambda > 0 {
            penalties.append(anchor.weighted(by: try fisherDiagonal(at: anchor), lambda: config.ewcLambda))
        }
        return penalties
    }

    /// The Fisher diagonal at the anchor's weights on the upstream corpus, from the cache or
    /// estimated (the anchor swapped in for the estimate, the run's weights put back after).
    private func fisherDiagonal(at anchor: AnchorPenalty) throws(TrainingError) -> [Float] {
        guard let upstream else {
            throw .invalid(key: "ewc_lambda", reason: "needs an upstream corpus for the Fisher (upstream is none)")
        }
        let B = config.perDeviceTrainBatchSize, T = config.contextLength
        let key = FisherCache.key(anchor: anchor.anchor, corpusFingerprint: upstream.corpusFingerprint,
                                  tokenizer: upstream.tokenizerIdentity, batches: config.ewcBatches,
                                  batchSize: B, contextLength: T)
        if let cached = fisherCache?.read(key: key, count: model.trainableParameterCount) { return cached }
        BLAS.setThreads(config.threads)
        let tensors = model.trainableTensors
        let held = anchor.swapInAnchor(tensors)
        defer { AnchorPenalty.restore(held, into: tensors) }
        let fisher: [Float]
        do {
            fisher = try FisherDiagonal.estimate(model: model, corpus: upstream, batches: config.ewcBatches,
                                                 batchSize: B, contextLength: T)
        } catch {
            throw .corpus(error)
        }
        try? fisherCache?.write(key: key, fisher)
        return fisher
    }

    /// With `reset_optimizer: false`, starts AdamW from the `init_from` checkpoint's moments and
    /// step counter (validated by `ResolvedRun`); a resumed run takes both from its own
    /// checkpoint instead.
    private func carryOptimizerState() throws(TrainingError) {
        guard !config.resetOptimizer, let checkpoint = run.initCheckpoint else { return }
        do { try checkpoint.loadOptimizerState(into: optimizer) } catch { throw .checkpoint(error) }
        state.optimizerStep = checkpoint.state.adamStep
    }

    /// Keeps the metric lines of evaluations up to `step` (those after it are recomputed).
    private func truncateMetrics(through step: Int) throws(TrainingError) {
        guard let text = try? String(contentsOf: metricsFile, encoding: .utf8) else {
            _ = FileManager.default.createFile(atPath: metricsFile.path, contents: nil)
            return
        }
        let kept = text.split(separator: "\n").filter { line in
            guard let r = try? JSONDecoder().decode(MetricsRecord.self, from: Data(line.utf8)) else { return false }
            return r.step <= step
        }
        let body = kept.map { $0 + "\n" }.joined()
        do { try Data(body.utf8).write(to: metricsFile, options: .atomic) } catch {
            throw .io(path: metricsFile.path, reason: error.localizedDescription)
        }
    }

    // MARK: The loop

    public var summary: RunSummary {
        RunSummary(
            runDirectory: run.runDirectory.path, parameters: model.parameterCount,
            trainableParameters: model.trainableParameterCount, tokensPerStep: tokensPerStep, maxSteps: config.maxSteps,
            startStep: state.step, optimizerStep: state.adamStep, dataset: downstream.name, upstream: upstream?.name,
            initFrom: config.initFrom, blasCore: BLAS.coreName)
    }

    var tokensPerStep: Int { config.perDeviceTrainBatchSize * config.contextLength * config.gradientAccumulationSteps }

    /// Trains until `max_steps`, a divergence, or until `onEvent` answers `.stop`, with
    /// subnormal floats flushed to zero (`SubnormalFlush`).
    public func train(_ onEvent: (TrainingEvent) -> TrainingControl) throws(TrainingError) -> TrainingOutcome {
        try SubnormalFlush.run(ProcessInfo.processInfo.environment["REWARM_KEEP_SUBNORMALS"] != "1") {
            () throws(TrainingError) -> TrainingOutcome in try trainSteps(onEvent)
        }
    }

    private func trainSteps(_ onEvent: (TrainingEvent) -> TrainingControl) throws(TrainingError) -> TrainingOutcome {
        BLAS.setThreads(config.threads)
        let B = config.perDeviceTrainBatchSize, T = config.contextLength, accum = config.gradientAccumulationSteps
        var inputs = [Int32](repeating: 0, count: B * T)
        var targets = [Int32](repeating: 0, count: B * T)
        let segmentStart = DispatchTime.now().uptimeNanoseconds
        let wallBefore = state.wallSeconds
        func wall() -> Double { wallBefore + Double(DispatchTime.now().uptimeNanoseconds - segmentStart) / 1e9 }
        var lastSaved = Checkpoint.list(in: run.runDirectory).last?.step
        var stop = onEvent(.started(summary)) == .stop
        while !stop && state.step < config.maxSteps {
            let step = state.step
            if shouldEvaluate(step: step) && state.evaluatedStep != step {
                stop = try evaluate(wall: wall(), onEvent) == .stop
                if stop { break }
            }
            let stepStart = DispatchTime.now().uptimeNanoseconds
            let lr = run.schedule.learningRate(atStep: step)
            model.zeroGradients()
            var loss = 0.0
            for micro in 0..<accum {
                _ = sampler.fill(inputs: &inputs, targets: &targets, step: step, micro: micro)
                let key = CounterRNG(Trainer.dropoutTag, UInt64(bitPattern: Int64(config.seed)), UInt64(step),
                                     UInt64(micro)).value(at: 0)
                inputs.withUnsafeBufferPointer { i in
                    targets.withUnsafeBufferPointer { t in
                        loss += model.forwardBackward(
                            inputs: i.baseAddress!, targets: t.baseAddress!, B: B, T: T,
                            lossScale: 1 / Float(B * T * accum), dropoutKey: key)
                    }
                }
            }
            loss /= Double(accum)
            for penalty in anchorPenalties { penalty.accumulateGradient(model.trainableTensors) }
            let norm = clipGradients([(model.gradients.base, model.gradients.count)], maxNorm: config.maxGradNorm)
            if !loss.isFinite || !norm.isFinite || loss > divergenceLoss {
                _ = onEvent(.diverged(step: step, loss: loss, gradNorm: norm))
                return .diverged(step: step, loss: loss, gradNorm: norm)
            }
            let t = state.adamStep + 1  // AdamW's step counter (the base's t added when carried)
            optimizer.update(model, step: t, learningRate: lr, beta1: config.adamBeta1, beta2: config.adamBeta2,
                             eps: config.adamEpsilon, weightDecay: config.weightDecay)
            state.step = step + 1
            state.optimizerStep = t
            state.tokens += tokensPerStep
            state.trainLossSum += loss
            state.trainLossCount += 1
            state.lastGradNorm = norm
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - stepStart) / 1e9
            let record = StepRecord(step: state.step, tokens: state.tokens, stepLR: lr, trainLoss: loss,
                                    gradNorm: norm, secondsPerStep: seconds,
                                    logged: state.step % config.loggingSteps == 0 || state.step == config.maxSteps)
            stop = onEvent(.step(record)) == .stop
            if shouldSave(step: state.step) {
                try save(wall: wall(), onEvent)
                lastSaved = state.step
            }
        }
        if stop {
            // Wherever the stop came (after a step, an evaluation or the start), the newest
            // checkpoint is where it stopped, so a resume continues from exactly there.
            if lastSaved != state.step && state.step > 0 { try save(wall: wall(), onEvent) }
            return .stopped(step: state.step)
        }
        if state.evaluatedStep != state.step {
            _ = try evaluate(wall: wall(), onEvent)
        }
        if lastSaved != state.step {
            try save(wall: wall(), onEvent)
        }
        _ = onEvent(.finished(step: state.step))
        return .completed(step: state.step)
    }

    /// Evaluates both validation sets, appends a line to `metrics.jsonl`, resets the train-loss mean.
    private func evaluate(
        wall: Double, _ onEvent: (TrainingEvent) -> TrainingControl
    ) throws(TrainingError) -> TrainingControl {
        let B = config.perDeviceTrainBatchSize
        let down = model.validationMetrics(on: downstreamValidation, batchSize: B)
        let up = upstreamValidation.map { model.validationMetrics(on: $0, batchSize: B) }
        let record = MetricsRecord(
            step: state.step, tokens: state.tokens, stepLR: run.schedule.learningRate(atStep: state.step),
            trainLoss: state.trainLossCount > 0 ? state.trainLossSum / Double(state.trainLossCount) : nil,
            upstreamLoss: up?.loss, downstreamLoss: down.loss, upstreamBPB: up?.bitsPerByte,
            downstreamBPB: down.bitsPerByte, gradNorm: state.lastGradNorm, wallSeconds: wall,
            tokenizer: run.tokenizer.identity)
        state.trainLossSum = 0
        state.trainLossCount = 0
        state.evaluatedStep = state.step
        try append(record)
        return onEvent(.evaluation(record))
    }

    private func append(_ record: MetricsRecord) throws(TrainingError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            var line = try encoder.encode(record)
            line.append(0x0A)
            let handle = try FileHandle(forWritingTo: metricsFile)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
            try handle.synchronize()
        } catch {
            throw .io(path: metricsFile.path, reason: "cannot append metrics: \(error.localizedDescription)")
        }
    }

    /// Evaluate before the step `step` (after `step` optimizer steps): every `eval_steps`, and at
    /// the `eval_at` steps. The end of the run is always evaluated.
    func shouldEvaluate(step: Int) -> Bool {
        step % config.evalSteps == 0 || extraEvaluationSteps.contains(step)
    }

    // MARK: Checkpoints

    /// Steps whose checkpoints are kept for good: `save_at` fractions of `max_steps`, and the end.
    var keptSteps: Set<Int> {
        Set(config.saveAt.map { Int(($0 * Double(config.maxSteps)).rounded()) } + [config.maxSteps])
    }

    func shouldSave(step: Int) -> Bool {
        keptSteps.contains(step) || (config.saveSteps > 0 && step % config.saveSteps == 0)
    }

    private func save(wall: Double, _ onEvent: (TrainingEvent) -> TrainingControl) throws(TrainingError) {
        state.wallSeconds = wall
        let url: URL
        do {
            url = try Checkpoint.save(model: model, optimizer: optimizer, state: state, configYAML: configYAML,
                                      lora: model.fineTuning.lora, initFrom: config.initFrom, in: run.runDirectory)
        } catch {
            throw .checkpoint(error)
        }
        // Keep the newest checkpoint (for resume) and the kept ones; drop older periodic ones.
        let kept = keptSteps
        for old in Checkpoint.list(in: run.runDirectory) where old.step != state.step && !kept.contains(old.step) {
            try? FileManager.default.removeItem(at: old.url)
        }
        _ = onEvent(.checkpointSaved(step: state.step, path: url.path))
    }
}
