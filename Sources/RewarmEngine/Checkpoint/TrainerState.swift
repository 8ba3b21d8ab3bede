/// Everything besides tensors that a checkpoint needs for an exact resume and for continual
/// pre-training from it (`trainer_state.json`, beside the safetensors files).
public struct TrainerState: Codable, Sendable, Equatable {
    /// Optimizer steps taken.
    public var step: Int
    public var tokens: Int
    public var wallSeconds: Double
    /// Sum and count of training losses since the last evaluation (for `train_loss`).
    public var trainLossSum: Double
    public var trainLossCount: Int
    /// Gradient norm of the last step (nil before the first step).
    public var lastGradNorm: Double?
    /// The schedule this run followed: a continual run without rewarming holds the lr where it ended.
    public var schedule: LearningRateSchedule
    public var model: ModelConfig
    /// The corpus the run trained on: the default `upstream` of a run continuing from here.
    public var dataset: String
    public var finetuningType: String
    /// `max_steps` of the run that wrote the checkpoint (a final checkpoint has step == maxSteps).
    public var maxSteps: Int
    /// The step of the last evaluation written to `metrics.jsonl` (a resume at this step keeps it).
    public var evaluatedStep: Int?
    /// AdamW's step counter t after the last update (PyTorch's `state["step"]`), the t of the bias
    /// corrections: `step`, plus the base's t when the run carried the base's optimizer state
    /// (`reset_optimizer: false`). nil in checkpoints written before it existed: read as `step`.
    public var optimizerStep: Int? = nil

    enum CodingKeys: String, CodingKey {
        case step, tokens, schedule, model, dataset
        case wallSeconds = "wall_s"
        case trainLossSum = "train_loss_sum"
        case trainLossCount = "train_loss_count"
        case lastGradNorm = "last_grad_norm"
        case finetuningType = "finetuning_type"
        case maxSteps = "max_steps"
        case evaluatedStep = "evaluated_step"
        case optimizerStep = "optimizer_step"
    }

    /// AdamW's step counter t after the last update: `optimizerStep`, or `step` where the
    /// checkpoint predates it (every run then started its optimizer from zero).
    public var adamStep: Int { optimizerStep ?? step }

    /// The learning rate the run had reached at this checkpoint (what `rewarm: false` holds).
    public var learningRateReached: Double { schedule.learningRate(atStep: step) }
}
