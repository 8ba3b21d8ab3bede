import Foundation
import RewarmEngine
import RewarmStore

/// Runs the training of one prepared run folder (its `config.yaml` written by a sweep) inside
/// the current process: resumes from the newest checkpoint if there is one, and always leaves a
/// `status.json`. This is what `rewarm run-trial DIR` does on a local core or a cluster node.
public enum TrialProcess {
    /// A progress line for the parent process (one JSON object per line on stdout).
    public struct Progress: Codable, Sendable {
        public var kind: String            // "start", "step", "eval", "end"
        public var step: Int
        public var maxSteps: Int
        public var trainLoss: Double?
        public var upstreamLoss: Double?
        public var downstreamLoss: Double?
        public var secondsPerStep: Double?

        enum CodingKeys: String, CodingKey {
            case kind, step
            case maxSteps = "max_steps"
            case trainLoss = "train_loss"
            case upstreamLoss = "upstream_loss"
            case downstreamLoss = "downstream_loss"
            case secondsPerStep = "s_per_step"
        }
    }

    /// Trains the run in `directory`; `report` receives progress, `shouldStop` is polled every step.
    public static func run(
        directory: URL, report: (Progress) -> Void, shouldStop: () -> Bool
    ) -> TrialStatus {
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        let configFile = directory.appendingPathComponent("config.yaml")
        let status: TrialStatus
        do {
            let config = try RunConfig.load(yamlFile: configFile)
            let trainer = try config.training(resume: RunFolderConfig.hasStarted(directory)) { event in
                switch event {
                case .progress: break
                case let .cacheHit(corpus, path): appendLog("tokens of \(corpus) read from \(path)", in: directory)
                case let .cached(corpus, path): appendLog("tokens of \(corpus) written to \(path)", in: directory)
                case let .cacheRejected(e): appendLog("token cache rejected, tokenized again: \(e)", in: directory)
                case let .cacheUnwritable(e): appendLog("token cache not written: \(e)", in: directory)
                }
            }
            let maxSteps = config.maxSteps
            // Wall seconds of training so far: the last evaluation's, plus the steps since (a run
            // that diverges or stops between evaluations has trained past its last one).
            var lastWall = 0.0
            var started = false  // a staged run starts once per stage; the attempt starts once
            let outcome = try trainer.train { event in
                switch event {
                case .started(let s) where started:
                    appendLog("stage \(s.stage ?? 0) of \(s.stageCount ?? 0) starts at step \(s.startStep)", in: directory)
                case .started(let s):
                    started = true
                    let stage = s.stage.map { " (stage \($0) of \(s.stageCount ?? 0))" } ?? ""
                    appendLog("start at step \(s.startStep) of \(maxSteps)\(stage) on \(host) pid \(pid)", in: directory)
                    report(Progress(kind: "start", step: s.startStep, maxSteps: maxSteps))
                case .step(let r):
                    lastWall += r.secondsPerStep
                    if r.logged {
                        report(Progress(kind: "step", step: r.step, maxSteps: maxSteps, trainLoss: r.trainLoss,
                                        secondsPerStep: r.secondsPerStep))
                    }
                case .evaluation(let m):
                    lastWall = m.wallSeconds
                    report(Progress(kind: "eval", step: m.step, maxSteps: maxSteps, trainLoss: m.trainLoss,
                                    upstreamLoss: m.upstreamLoss, downstreamLoss: m.downstreamLoss))
                default:
                    break
                }
                return shouldStop() ? .stop : .proceed
            }
            switch outcome {
            case .completed(let step):
                status = TrialStatus(state: .completed, step: step, wallSeconds: lastWall, host: host)
            case .stopped(let step):
                status = TrialStatus(state: .stopped, step: step, wallSeconds: lastWall, host: host)
            case .diverged(let step, let loss, let norm):
                let why = "loss \(loss), grad_norm \(norm) at step \(step) "
                    + "(NaN, infinite, or a loss above 4 ln V = \(Int(trainer.divergenceLoss)) nats)"
                status = TrialStatus(state: .diverged, error: why, step: step,
                                     divergedStep: step, wallSeconds: lastWall, host: host)
            }
        } catch let e as ConfigError {
            status = TrialStatus(state: .failed, error: e.description, step: 0, host: host)
        } catch let e as TrainingError {
            status = TrialStatus(state: .failed, error: e.description, step: 0, host: host)
        } catch {
            status = TrialStatus(state: .failed, error: "\(error)", step: 0, host: host)
        }
        try? status.write(in: directory)
        appendLog("\(status.state.rawValue) at step \(status.step)" + (status.error.map { ": \($0)" } ?? ""),
                  in: directory)
        report(Progress(kind: "end", step: status.step, maxSteps: 0))
        return status
    }

    /// Appends a dated line to the run folder's `trial.log`: the audit trail of every attempt.
    static func appendLog(_ line: String, in directory: URL) {
        let stamp = ISO8601DateFormatter().string(from: Date())
        ChildRun.append("[\(stamp)] \(line)\n", to: directory.appendingPathComponent("trial.log"))
    }
}
