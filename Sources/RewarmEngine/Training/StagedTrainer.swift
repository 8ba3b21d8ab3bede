import Foundation

/// Trains a staged run (`stages`, `recipe`; `StageRules.swift`): stage k is an ordinary run
/// (`Trainer`) in `<run folder>/stage-k`, started from stage k-1's final checkpoint, so each
/// stage resumes exactly as any run does. The run folder holds the run's `config.yaml` and one
/// `metrics.jsonl` over all stages: steps, tokens and wall seconds count on across stages (two
/// stages of 10 steps end at step 20), and a later stage's step-0 evaluation is left out: the
/// previous stage's last one again (for a `qlora` stage after a float one, the same weights
/// quantized: that jump shows only in the stage folder's own `metrics.jsonl`).
public final class StagedTrainer {
    public let config: RunConfig
    public let runDirectory: URL
    private let workingDirectory: URL
    private let tokenCache: TokenCache?
    private let onTokenization: ((TokenizationEvent) -> Void)?
    /// The stage that trains next, its resolution and trainer (built before anything is written).
    private var stage: Int
    private var current: ResolvedRun
    private var trainer: Trainer?

    /// Resolves the stages up to the first unfinished one and builds its trainer (bad input
    /// fails here, before anything is written), then writes the run's `config.yaml`.
    public init(
        _ config: RunConfig, resume: Bool,
        workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        tokenCache: TokenCache? = .standard, onTokenization: ((TokenizationEvent) -> Void)? = nil
    ) throws(TrainingError) {
        precondition(config.isStaged, "StagedTrainer trains a config with stages or a recipe")
        self.config = config
        self.workingDirectory = workingDirectory
        self.tokenCache = tokenCache
        self.onTokenization = onTokenization
        let dir = config.outputDir.hasPrefix("/") ? URL(fileURLWithPath: config.outputDir)
            : workingDirectory.appendingPathComponent(config.outputDir)
        runDirectory = dir.standardizedFileURL
        let configFile = runDirectory.appendingPathComponent("config.yaml")
        let yaml = config.yaml()
        if RunFolderConfig.hasStarted(runDirectory) && !resume {
            throw .runFolder(path: runDirectory.path, reason: "already holds a run; pass --resume to continue "
                + "it, or choose another output_dir")
        }
        if resume { try RunFolderConfig.checkUnchanged(configFile, yaml: yaml) }
        stage = 0
        current = try ResolvedRun(config.stageConfigs[0], workingDirectory: workingDirectory)
        while stage + 1 < config.stageConfigs.count && Self.isDone(current) {
            stage += 1
            current = try ResolvedRun(config.stageConfigs[stage], workingDirectory: workingDirectory, after: current)
        }
        trainer = try makeTrainer()
        try RunFolderConfig.write(yaml, in: runDirectory)
        try writeMetrics()
    }

    /// The trainer of `current`, resuming it when its folder holds a started run (nil when the
    /// stage is done).
    private func makeTrainer() throws(TrainingError) -> Trainer? {
        if Self.isDone(current) { return nil }
        return try Trainer(current, resume: RunFolderConfig.hasStarted(current.runDirectory),
                           tokenCache: tokenCache, onTokenization: onTokenization)
    }

    /// Whether a stage is done: its final checkpoint saved and its final evaluation written. A
    /// stage stopped or killed between the two (the trainer saves at `max_steps`, then
    /// evaluates) resumes, and its trainer only evaluates.
    static func isDone(_ stage: ResolvedRun) -> Bool {
        guard Trainer.isFinished(stage.runDirectory) else { return false }
        return (try? records(in: stage.runDirectory).last?.step) == stage.config.maxSteps
    }

    /// A training loss above this counts as exploded (`Trainer.divergenceLoss` of the stage training now).
    public var divergenceLoss: Double {
        Trainer.divergenceLoss(vocabularySize: current.config.model.vocabSize)
    }

    /// Trains the remaining stages until the last ends, a divergence, or `onEvent` answers
    /// `.stop`; events carry the run's step counts (`stepOffset`).
    public func train(_ onEvent: (TrainingEvent) -> TrainingControl) throws(TrainingError) -> TrainingOutcome {
        while true {
            if let trainer {
                let offset = try self.offset(before: stage)
                var writeError: TrainingError?
                let outcome = try trainer.train { event in
                    if case .evaluation = event {
                        do throws(TrainingError) { try writeMetrics() } catch { writeError = error; return .stop }
                    }
                    guard let shifted = offset.shift(event, totalSteps: config.maxSteps,
                                                     stage: (stage, config.stageConfigs.count))
                    else { return .proceed }
                    return onEvent(shifted)
                }
                if let writeError { throw writeError }
                switch outcome {
                case .completed: break
                case .stopped(let step): return .stopped(step: step + offset.step)
                case let .diverged(step, loss, norm): return .diverged(step: step + offset.step, loss: loss, gradNorm: norm)
                }
            }
            if stage + 1 == config.stageConfigs.count { return .completed(step: config.maxSteps) }
            stage += 1
            current = try ResolvedRun(config.stageConfigs[stage], workingDirectory: workingDirectory, after: current)
            trainer = try makeTrainer()
            try writeMetrics()
        }
    }

    // MARK: The run's timeline

    /// The stage folders' runs, in order.
    private func stageDirectory(_ k: Int) -> URL {
        runDirectory.appendingPathComponent("stage-\(k + 1)")
    }

    /// Steps, tokens and wall seconds of the stages before `k` (each finished: its last record).
    private func offset(before k: Int) throws(TrainingError) -> StageOffset {
        var offset = StageOffset()
        for j in 0..<k {
            let records = try Self.records(in: stageDirectory(j))
            guard let last = records.last, last.step == config.stageConfigs[j].maxSteps else {
                throw .io(path: stageDirectory(j).appendingPathComponent("metrics.jsonl").path,
                          reason: "a finished stage without its final evaluation")
            }
            offset.step += last.step
            offset.tokens += last.tokens
            offset.wallSeconds += last.wallSeconds
        }
        return offset
    }

    /// Rewrites the run's `metrics.jsonl` from the stages' (atomically; stages resumed after a
    /// stop have dropped their evaluations past their checkpoint).
    private func writeMetrics() throws(TrainingError) {
        var lines = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for k in 0...stage {
            let offset = try self.offset(before: k)
            for record in try Self.records(in: stageDirectory(k)) where k == 0 || record.step > 0 {
                guard let data = try? encoder.encode(offset.shift(record)) else { continue }
                lines += String(decoding: data, as: UTF8.self) + "\n"
            }
        }
        let file = runDirectory.appendingPathComponent("metrics.jsonl")
        do { try Data(lines.utf8).write(to: file, options: .atomic) } catch {
            throw .io(path: file.path, reason: "cannot write metrics: \(error.localizedDescription)")
        }
    }

    /// The metric records of the run in `directory` (none when it has not started). A line that
    /// does not decode (torn by a kill while it was written) is left out, as the trainer leaves
    /// it out when it resumes.
    static func records(in directory: URL) throws(TrainingError) -> [MetricsRecord] {
        let file = directory.appendingPathComponent("metrics.jsonl")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            try? JSONDecoder().decode(MetricsRecord.self, from: Data(line.utf8))
        }
    }

    // MARK: Staged run folders

    /// The run folder of a staged run's last stage, when `directory` holds a staged run's
    /// `config.yaml` (`ResolvedRun.checkpoint` reads a finished staged run from it).
    public static func lastStageDirectory(of directory: URL) -> URL? {
        stageDirectories(of: directory)?.last
    }

    /// The stage folders of the staged run in `directory` (whether or not they exist yet); nil
    /// when `directory` holds no staged run's `config.yaml`.
    public static func stageDirectories(of directory: URL) -> [URL]? {
        let file = directory.appendingPathComponent("config.yaml")
        guard FileManager.default.fileExists(atPath: file.path),
              let config = try? RunConfig.load(yamlFile: file), config.isStaged
        else { return nil }
        return (1...config.stageConfigs.count).map { directory.appendingPathComponent("stage-\($0)") }
    }
}

extension Trainer {
    /// Whether `directory` holds a finished run: its newest checkpoint is at its `max_steps`
    /// (a staged run's: its last stage's).
    public static func isFinished(_ directory: URL) -> Bool {
        guard let last = Checkpoint.list(in: directory).last else {
            return StagedTrainer.lastStageDirectory(of: directory).map(isFinished) ?? false
        }
        guard let c = try? Checkpoint(directory: last.url) else { return false }
        return c.state.step == c.state.maxSteps
    }
}

/// Where a stage starts on the run's timeline: the steps, tokens and wall seconds before it.
struct StageOffset {
    var step = 0
    var tokens = 0
    var wallSeconds = 0.0

    func shift(_ record: MetricsRecord) -> MetricsRecord {
        var r = record
        r.step += step
        r.tokens += tokens
        r.wallSeconds += wallSeconds
        return r
    }

    /// A stage's event on the run's timeline; nil for events the run does not report (a later
    /// stage's step-0 evaluation, an earlier stage's end).
    func shift(_ event: TrainingEvent, totalSteps: Int, stage: (index: Int, count: Int)) -> TrainingEvent? {
        let isLastStage = stage.index + 1 == stage.count, isLaterStage = stage.index > 0
        switch event {
        case .started(var summary):
            summary.startStep += step
            summary.optimizerStep += step
            summary.maxSteps = totalSteps
            (summary.stage, summary.stageCount, summary.stageFirstStep) = (stage.index + 1, stage.count, step)
            return .started(summary)
        case .step(var record):
            record.step += step
            record.tokens += tokens
            return .step(record)
        case .evaluation(let record):
            return isLaterStage && record.step == 0 ? nil : .evaluation(shift(record))
        case let .checkpointSaved(s, path):
            return .checkpointSaved(step: s + step, path: path)
        case let .diverged(s, loss, norm):
            return .diverged(step: s + step, loss: loss, gradNorm: norm)
        case .finished(let s):
            return isLastStage ? .finished(step: s + step) : nil
        }
    }
}
