/// One line of a run's `metrics.jsonl`: an evaluation of the model after `step` optimizer steps.
/// Losses are mean next-byte cross-entropy in nats on the fixed validation blocks.
public struct MetricsRecord: Codable, Sendable, Equatable {
    public var step: Int
    /// Training tokens consumed so far (step x batch x context x accumulation).
    public var tokens: Int
    /// The learning rate of the next optimizer step (the one that will run at `step`).
    public var learningRate: Double
    /// Mean training loss over the steps since the previous evaluation (nil at step 0).
    public var trainLoss: Double?
    /// Validation loss on the upstream corpus (forgetting); nil when the run has no upstream.
    public var upstreamLoss: Double?
    /// Validation loss on the run's own dataset (learning).
    public var downstreamLoss: Double
    /// Global L2 norm of the gradient of the last step before this evaluation, before clipping.
    public var gradNorm: Double?
    /// Seconds of training and evaluation so far, summed over resumed segments.
    public var wallSeconds: Double

    enum CodingKeys: String, CodingKey {
        case step, tokens
        case learningRate = "learning_rate"
        case trainLoss = "train_loss"
        case upstreamLoss = "upstream_loss"
        case downstreamLoss = "downstream_loss"
        case gradNorm = "grad_norm"
        case wallSeconds = "wall_s"
    }

    public init(step: Int, tokens: Int, learningRate: Double, trainLoss: Double?, upstreamLoss: Double?,
                downstreamLoss: Double, gradNorm: Double?, wallSeconds: Double) {
        self.step = step
        self.tokens = tokens
        self.learningRate = learningRate
        self.trainLoss = trainLoss
        self.upstreamLoss = upstreamLoss
        self.downstreamLoss = downstreamLoss
        self.gradNorm = gradNorm
        self.wallSeconds = wallSeconds
    }

    /// Writes nulls explicitly (`"upstream_loss": null`) so every line has every key.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(step, forKey: .step)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encode(trainLoss, forKey: .trainLoss)
        try c.encode(upstreamLoss, forKey: .upstreamLoss)
        try c.encode(downstreamLoss, forKey: .downstreamLoss)
        try c.encode(gradNorm, forKey: .gradNorm)
        try c.encode(wallSeconds, forKey: .wallSeconds)
    }
}

/// What a run is about to do, sent once at the start.
public struct RunSummary: Sendable, Equatable {
    public var runDirectory: String
    public var parameters: Int
    public var trainableParameters: Int
    public var tokensPerStep: Int
    public var maxSteps: Int
    /// Step the run starts from: 0, or the checkpoint step when resuming.
    public var startStep: Int
    public var dataset: String
    public var upstream: String?
    public var initFrom: String?
    public var blasCore: String
}

/// Progress of one optimizer step (sent after every step; `logged` marks the `logging_steps` ones).
public struct StepRecord: Sendable, Equatable {
    public var step: Int
    public var tokens: Int
    public var learningRate: Double
    public var trainLoss: Double
    public var gradNorm: Double
    public var secondsPerStep: Double
    /// True every `logging_steps` steps and at the last step: the steps a console shows.
    public var logged: Bool
}

/// The training loop's progress, reported to a callback (the library never prints).
public enum TrainingEvent: Sendable {
    case started(RunSummary)
    case step(StepRecord)
    case evaluation(MetricsRecord)
    case checkpointSaved(step: Int, path: String)
    case diverged(step: Int, loss: Double, gradNorm: Double)
    case finished(step: Int)
}

/// The callback's answer: go on, or stop cleanly (a checkpoint is saved so `--resume` continues).
public enum TrainingControl: Sendable { case proceed, stop }

/// How a run ended.
public enum TrainingOutcome: Sendable, Equatable {
    case completed(step: Int)
    case stopped(step: Int)
    /// The loss or the gradient norm became NaN / infinite, or the loss exploded, at `step`.
    case diverged(step: Int, loss: Double, gradNorm: Double)
}
