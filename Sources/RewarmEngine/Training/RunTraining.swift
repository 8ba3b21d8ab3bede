import Foundation

/// One run to train: a `Trainer`, or a `StagedTrainer` for a config with `stages` or a `recipe`.
public protocol RunTraining: AnyObject {
    /// A training loss above this counts as exploded (4 ln V nats).
    var divergenceLoss: Double { get }
    /// Trains until the end, a divergence, or until `onEvent` answers `.stop`.
    func train(_ onEvent: (TrainingEvent) -> TrainingControl) throws(TrainingError) -> TrainingOutcome
}

extension Trainer: RunTraining {}
extension StagedTrainer: RunTraining {}

extension RunConfig {
    /// The training of this config: a `StagedTrainer` when it has stages, else a `Trainer` of
    /// its resolution (`ResolvedRun`); `resume` continues a started run folder.
    public func training(
        resume: Bool, workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        tokenCache: TokenCache? = .standard, onTokenization: ((TokenizationEvent) -> Void)? = nil
    ) throws(TrainingError) -> any RunTraining {
        if isStaged {
            return try StagedTrainer(self, resume: resume, workingDirectory: workingDirectory, tokenCache: tokenCache,
                                     onTokenization: onTokenization)
        }
        return try Trainer(ResolvedRun(self, workingDirectory: workingDirectory), resume: resume,
                           tokenCache: tokenCache, onTokenization: onTokenization)
    }
}
