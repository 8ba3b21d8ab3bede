/// One line of a run's `metrics.jsonl`: an evaluation of the model after `step` optimizer steps.
/// Losses are mean next-token cross-entropy in nats on the fixed validation blocks; bits per
/// byte are the same losses per byte of text the predicted tokens stand for,
/// bpb = (sum of token losses in nats) / (bytes of text) / ln 2 (docs/findings.md, "Vocabulary";
/// `ValidationSet.targetByteCount`, `TokenByteLengths`), comparable across tokenizers.
///
/// `Field` declares its columns once: the JSON keys of the file, the columns of the store's
/// `metric` table and of `rewarm status --csv` are all `Field.allCases`.
public struct MetricsRecord: Codable, Sendable, Equatable {
    public var step: Int
    /// Training tokens consumed so far (step x batch x context x accumulation).
    public var tokens: Int
    /// The learning rate of the optimizer step that runs at `step` (the schedule's value there;
    /// not the configured peak `learning_rate`).
    public var stepLR: Double
    /// Mean training loss over the steps since the previous evaluation (nil at step 0).
    public var trainLoss: Double?
    /// Validation loss on the upstream corpus (forgetting); nil when the run has no upstream.
    public var upstreamLoss: Double?
    /// Validation loss on the run's own dataset (learning).
    public var downstreamLoss: Double
    /// `upstreamLoss` in bits per byte; nil without upstream, or in a line written before bpb.
    public var upstreamBPB: Double?
    /// `downstreamLoss` in bits per byte; nil in a line written before bpb.
    public var downstreamBPB: Double?
    /// Global L2 norm of the gradient of the last step before this evaluation, before clipping.
    public var gradNorm: Double?
    /// Seconds of training and evaluation so far, summed over resumed segments.
    public var wallSeconds: Double
    /// `TextTokenizer.identity` of the run's tokenizer ("bytes", "bpe-<fingerprint>"); nil in a
    /// line written before it was recorded (those runs read bytes). Not a `Field`: it is text,
    /// and the store keeps it once per run (`trial.tokenizer`, `base.tokenizer`).
    public var tokenizer: String?

    /// The columns of a metrics record, in file and table order, with their snake_case names.
    public enum Field: String, CodingKey, CaseIterable, Sendable {
        case step, tokens
        case stepLR = "step_lr"
        case trainLoss = "train_loss"
        case upstreamLoss = "upstream_loss"
        case downstreamLoss = "downstream_loss"
        case upstreamBPB = "upstream_bpb"
        case downstreamBPB = "downstream_bpb"
        case gradNorm = "grad_norm"
        case wallSeconds = "wall_s"

        /// What the column holds, for schema documentation.
        public var meaning: String {
            switch self {
            case .step: "optimizer steps done (0 = before training)"
            case .tokens: "training tokens consumed so far"
            case .stepLR: "learning rate of the optimizer step at this step (not the configured peak)"
            case .trainLoss: "mean training loss since the previous evaluation (null at step 0)"
            case .upstreamLoss: "validation loss on the upstream corpus (forgetting); null without upstream"
            case .downstreamLoss: "validation loss on the run's own dataset (learning)"
            case .upstreamBPB: "upstream_loss in bits per byte of text; null without upstream or before v3"
            case .downstreamBPB: "downstream_loss in bits per byte of text; null before v3"
            case .gradNorm: "global L2 gradient norm of the last step, before clipping"
            case .wallSeconds: "seconds of training and evaluation so far"
            }
        }

        /// The column's value in `record` (integers as Double).
        public func value(in record: MetricsRecord) -> Double? {
            switch self {
            case .step: Double(record.step)
            case .tokens: Double(record.tokens)
            case .stepLR: record.stepLR
            case .trainLoss: record.trainLoss
            case .upstreamLoss: record.upstreamLoss
            case .downstreamLoss: record.downstreamLoss
            case .upstreamBPB: record.upstreamBPB
            case .downstreamBPB: record.downstreamBPB
            case .gradNorm: record.gradNorm
            case .wallSeconds: record.wallSeconds
            }
        }
    }

    /// The key metrics files written before `step_lr` had its name used for the same column.
    static let legacyStepLRKey = "learning_rate"

    /// The key of `tokenizer` in a metrics line.
    static let tokenizerKey = "tokenizer"

    public init(step: Int, tokens: Int, stepLR: Double, trainLoss: Double?, upstreamLoss: Double?,
                downstreamLoss: Double, upstreamBPB: Double? = nil, downstreamBPB: Double? = nil,
                gradNorm: Double?, wallSeconds: Double, tokenizer: String? = nil) {
        self.step = step
        self.tokens = tokens
        self.stepLR = stepLR
        self.trainLoss = trainLoss
        self.upstreamLoss = upstreamLoss
        self.downstreamLoss = downstreamLoss
        self.upstreamBPB = upstreamBPB
        self.downstreamBPB = downstreamBPB
        self.gradNorm = gradNorm
        self.wallSeconds = wallSeconds
        self.tokenizer = tokenizer
    }

    /// Reads `step_lr`, or `learning_rate` in files written before the rename; lines without
    /// the bits-per-byte keys or `tokenizer` (written before them) read them as nil.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Field.self)
        step = try c.decode(Int.self, forKey: .step)
        tokens = try c.decode(Int.self, forKey: .tokens)
        if let lr = try c.decodeIfPresent(Double.self, forKey: .stepLR) {
            stepLR = lr
        } else {
            let legacy = try decoder.container(keyedBy: LegacyKey.self)
            stepLR = try legacy.decode(Double.self, forKey: LegacyKey(stringValue: Self.legacyStepLRKey))
        }
        trainLoss = try c.decodeIfPresent(Double.self, forKey: .trainLoss)
        upstreamLoss = try c.decodeIfPresent(Double.self, forKey: .upstreamLoss)
        downstreamLoss = try c.decode(Double.self, forKey: .downstreamLoss)
        upstreamBPB = try c.decodeIfPresent(Double.self, forKey: .upstreamBPB)
        downstreamBPB = try c.decodeIfPresent(Double.self, forKey: .downstreamBPB)
        gradNorm = try c.decodeIfPresent(Double.self, forKey: .gradNorm)
        wallSeconds = try c.decode(Double.self, forKey: .wallSeconds)
        tokenizer = try decoder.container(keyedBy: LegacyKey.self)
            .decodeIfPresent(String.self, forKey: LegacyKey(stringValue: Self.tokenizerKey))
    }

    /// Writes nulls explicitly (`"upstream_loss": null`) so every line has every key.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Field.self)
        try c.encode(step, forKey: .step)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(stepLR, forKey: .stepLR)
        try c.encode(trainLoss, forKey: .trainLoss)
        try c.encode(upstreamLoss, forKey: .upstreamLoss)
        try c.encode(downstreamLoss, forKey: .downstreamLoss)
        try c.encode(upstreamBPB, forKey: .upstreamBPB)
        try c.encode(downstreamBPB, forKey: .downstreamBPB)
        try c.encode(gradNorm, forKey: .gradNorm)
        try c.encode(wallSeconds, forKey: .wallSeconds)
        if let tokenizer {
            var extra = encoder.container(keyedBy: LegacyKey.self)
            try extra.encode(tokenizer, forKey: LegacyKey(stringValue: Self.tokenizerKey))
        }
    }

    /// A key outside `Field`: the pre-rename `learning_rate`, and `tokenizer`.
    private struct LegacyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
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
    /// AdamW's step counter t at the start: `startStep`, plus the base's t when the run carries
    /// the base's optimizer state (`reset_optimizer: false`).
    public var optimizerStep: Int
    public var dataset: String
    public var upstream: String?
    public var initFrom: String?
    public var blasCore: String
    /// Of a staged run (`StagedTrainer`): the stage (1-based), the number of stages, and the
    /// run's step where the stage starts (`startStep`, `maxSteps` and `optimizerStep` count on
    /// the run's steps: the stage's AdamW t is `optimizerStep - stageFirstStep`).
    public var stage: Int? = nil
    public var stageCount: Int? = nil
    public var stageFirstStep = 0
}

/// Progress of one optimizer step (sent after every step; `logged` marks the `logging_steps` ones).
public struct StepRecord: Sendable, Equatable {
    public var step: Int
    public var tokens: Int
    /// The learning rate this optimizer step used.
    public var stepLR: Double
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
