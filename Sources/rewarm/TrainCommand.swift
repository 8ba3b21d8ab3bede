import ArgumentParser
import Foundation
import RewarmEngine

/// `rewarm train`: one run, no sweep.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one run: pre-training from scratch, or continual pre-training from init_from.",
        discussion: """
            The config is a flat YAML map of config keys (rewarm keys, docs/config-keys.md, or --print-config \
            for every key with its value). The run folder (output_dir) receives config.yaml, \
            metrics.jsonl and checkpoint-N/ folders. Ctrl-C stops after the current step with a \
            checkpoint; --resume continues from it with the same losses.
            """)

    @Option(name: .long, help: "YAML file of config keys.") var config: String
    @Option(name: .customLong("set"), help: "Override a key: --set learning_rate=3e-3 (repeatable).")
    var overrides: [String] = []
    @Flag(help: "Continue the run in output_dir from its newest checkpoint.") var resume = false
    @Flag(name: .customLong("print-config"),
          help: "Print the resolved config (every key) and exit; a staged run's own keys (each stage resolves when it starts).")
    var printConfig = false
    @Flag(help: "Print evaluations only, not the training steps.") var quiet = false

    func run() throws {
        let given: RunConfig
        let resolved: ResolvedRun?  // nil for a staged run: each stage resolves when it starts
        do {
            given = try RunConfig.load(yamlFile: URL(fileURLWithPath: config), overrides: overrides)
            resolved = given.isStaged ? nil : try ResolvedRun(given)
        } catch let e as ConfigError {
            Console.error(e.description)
            throw ExitCode(2)
        } catch let e as TrainingError {
            Console.error(e.description)
            throw ExitCode(2)
        }
        if printConfig {
            print((resolved?.config ?? given).yaml(), terminator: "")
            return
        }
        let trainer: any RunTraining
        do {
            if let resolved {
                trainer = try Trainer(resolved, resume: resume, onTokenization: TrainCommand.show)
            } else {
                trainer = try given.training(resume: resume, onTokenization: TrainCommand.show)
            }
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        let stop = StopSignal()
        let maxSteps = given.maxSteps
        let outcome: TrainingOutcome
        do {
            outcome = try trainer.train { event in
                TrainCommand.show(event, maxSteps: maxSteps, quiet: quiet)
                return stop.isRequested ? .stop : .proceed
            }
        } catch {
            Console.error(error.description)
            throw ExitCode(1)
        }
        switch outcome {
        case .completed:
            Swift.print("done: \(resolved?.runDirectory.path ?? given.outputDir)")
        case .stopped(let step):
            Swift.print("stopped at step \(step); continue with: rewarm train --config \(config) --resume")
            throw ExitCode(130)
        case .diverged(let step, let loss, let norm):
            Console.error("diverged at step \(step): loss \(loss), grad_norm \(norm)")
            throw ExitCode(3)
        }
    }

    /// A line per tokenization event (progress of a long BPE tokenization, cache use).
    static func show(_ event: TokenizationEvent) {
        switch event {
        case let .cacheHit(corpus, path): Swift.print("tokens of \(corpus): cached in \(path)")
        case let .cacheRejected(error): Console.error("token cache rejected, tokenizing again: \(error)")
        case let .progress(corpus, done, total):
            Swift.print(String(format: "tokenizing %@: %.1f of %.1f MB", corpus,
                               Double(done) / 1e6, Double(total) / 1e6))
        case let .cached(corpus, path): Swift.print("tokens of \(corpus): written to \(path)")
        case let .cacheUnwritable(error): Console.error("token cache not written: \(error)")
        }
        Console.flush()
    }

    static func show(_ event: TrainingEvent, maxSteps: Int, quiet: Bool) {
        switch event {
        case .started(let s):
            var line = "run \(s.runDirectory) | params \(Console.count(s.parameters)) "
                + "(trainable \(Console.count(s.trainableParameters)))"
            line += " | \(Console.count(s.tokensPerStep)) tokens/step | BLAS \(s.blasCore)"
            Swift.print(line)
            var data = "data: \(s.dataset)"
            if let u = s.upstream { data += " | upstream \(u)" }
            if let i = s.initFrom { data += " | from \(i)" }
            if let k = s.stage, let n = s.stageCount { data += " | stage \(k) of \(n) from step \(s.stageFirstStep)" }
            if s.startStep > s.stageFirstStep { data += " | resuming at step \(s.startStep)" }
            if s.optimizerStep != s.startStep {
                data += " | AdamW state carried (t = \(s.optimizerStep - s.stageFirstStep))"
            }
            Swift.print(data)
        case .step(let r) where r.logged && !quiet:
            Swift.print(String(
                format: "step %6d/%d | tokens %@ | lr %.3e | loss %.4f | grad_norm %.3f | %.0f ms/step",
                r.step, maxSteps, Console.count(r.tokens), r.stepLR, r.trainLoss, r.gradNorm, r.secondsPerStep * 1000))
        case .step:
            break
        case .evaluation(let m):
            var line = "eval step \(m.step) | downstream \(Console.loss(m.downstreamLoss))"
            if let b = m.downstreamBPB { line += " (\(Console.loss(b)) bpb)" }
            if let u = m.upstreamLoss { line += " | upstream \(Console.loss(u))" }
            if let b = m.upstreamBPB { line += " (\(Console.loss(b)) bpb)" }
            if let t = m.trainLoss { line += " | train \(Console.loss(t))" }
            line += " | \(Console.duration(m.wallSeconds))"
            Swift.print(line)
        case .checkpointSaved(let step, let path):
            if !quiet { Swift.print("checkpoint step \(step): \(path)") }
        case .diverged(let step, let loss, let norm):
            Swift.print("diverged at step \(step): loss \(loss), grad_norm \(norm)")
        case .finished:
            break
        }
        Console.flush()
    }
}
