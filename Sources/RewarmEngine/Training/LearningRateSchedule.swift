import Foundation

/// The learning-rate schedules Rewarm knows, named as Hugging Face `transformers.SchedulerType`
/// (`lr_scheduler_type` in `TrainingArguments` and LLaMA-Factory).
public enum SchedulerType: String, CaseIterable, Sendable, Codable {
    case constant
    case constantWithWarmup = "constant_with_warmup"
    case linear
    case cosine
    case cosineWithRestarts = "cosine_with_restarts"
    case polynomial
    case inverseSqrt = "inverse_sqrt"
    case warmupStableDecay = "warmup_stable_decay"
    /// Ibrahim et al. 2024's infinite schedule (arXiv 2403.08763, sec. 7); not a Hugging Face
    /// type. See `LearningRateSchedule` and `InfiniteSchedule.swift`.
    case infinite
}

/// A learning-rate schedule: a pure function of the optimizer step.
///
/// The lr of optimizer step `s` (0-based, `s` in `0..<totalSteps`) is `peak x lambda(s)`, where
/// `lambda` follows `transformers.get_scheduler` (`transformers/optimization.py`):
///
/// - Warmup (every type but `constant`): for `s < W`, `lambda = s / W`, so step 0 has lr 0.
/// - `constant`: 1. `constant_with_warmup`: 1 after warmup.
/// - `linear`: `m + (1 - m) x max(0, (S - s) / (S - W))`.
/// - `cosine`: `m + (1 - m) x 0.5 x (1 + cos(pi x p))`, `p = (s - W) / (S - W)` (one half-wave;
///   this is HF's `cosine_with_min_lr` with `min_lr_rate = m`).
/// - `cosine_with_restarts`: `m + (1 - m) x 0.5 x (1 + cos(pi x ((numCycles x p) mod 1)))`, and
///   `m` once `p >= 1` (HF's hard restarts).
/// - `polynomial`: `m + (1 - m) x (1 - p)^power`, i.e. HF with `lr_end = m x peak`.
/// - `inverse_sqrt`: `1 / sqrt((s + shift) / tau)`, `tau = W` (10 000 when `W = 0`),
///   `shift = tau - W`; it has no floor (HF's `get_inverse_sqrt_schedule`).
/// - `warmup_stable_decay`: 1 until the last `D = ceil(decayRatio x S)` steps, then
///   `m + (1 - m) x 0.5 x (1 + cos(pi x (s - (S - D)) / D))` (HF's `get_wsd_schedule` with
///   `decay_type: cosine`, `num_decay_steps = D`).
/// - `infinite` (Ibrahim et al. 2024, arXiv 2403.08763, sec. 7): after warmup, a cosine cooldown
///   `m + (1 - m) x 0.5 x (1 + cos(pi x (s - W) / C))` over `C = ceil(cooldownRatio x S)` steps
///   to the constant `m`, then `m`, then over the last `A = ceil(annealRatio x S)` steps a linear
///   anneal `m x (S - s) / A` that reaches 0 at `s = S` (`InfiniteSchedule.swift`).
///
/// Here `S = totalSteps`, `W = warmupSteps`, `m = minLRRatio`, and divisions by `S - W` or `D`
/// use `max(1, ...)` as HF does. Rewarm's decaying schedules end at `m x peak` (default
/// `m = 0.1`); with `minLRRatio = 0` every schedule is exactly HF's (`polynomial` then has
/// `lr_end = 0` where HF's default is `1e-7`). Two deliberate differences from HF:
/// `warmup_stable_decay` warms up from 0 like every other type (HF's starts warmup at `m`, which
/// agrees when `m = 0`); and from `s = S` on every decaying schedule is at its end value `m`
/// (HF's `cosine` climbs back up past `S`, and when `W = S` HF's cosines give 1 at `s = S`;
/// training never uses `s >= S`, so this only defines where a finished schedule rests).
///
/// The schedule is defined at `s = totalSteps` too: `endLearningRate`, the lr a run ended on.
public struct LearningRateSchedule: Sendable, Equatable, Codable {
    public var type: SchedulerType
    /// Peak learning rate (`learning_rate`): the lr after warmup.
    public var peak: Double
    /// S: optimizer steps of the run (`max_steps`).
    public var totalSteps: Int
    /// W: warmup steps (`warmup_steps`, or from `warmup_ratio` with `warmupSteps(ratio:totalSteps:)`).
    public var warmupSteps: Int
    /// m: where the decaying schedules end, as a fraction of `peak` (`min_lr_ratio`).
    public var minLRRatio: Double
    /// Hard restarts of `cosine_with_restarts` (`num_cycles`).
    public var numCycles: Int
    /// Exponent of `polynomial` (`power`).
    public var power: Double
    /// Fraction of `totalSteps` that `warmup_stable_decay` spends decaying (`decay_ratio`).
    public var decayRatio: Double
    /// Fraction of `totalSteps` that `infinite` spends cooling down from `peak` to `minLRRatio x
    /// peak` after warmup (`cooldown_ratio`).
    public var cooldownRatio: Double
    /// Final fraction of `totalSteps` in which `infinite` anneals linearly to 0 (`anneal_ratio`;
    /// 0 = no anneal: the schedule ends on its constant).
    public var annealRatio: Double

    public static let defaultMinLRRatio = 0.1
    public static let defaultNumCycles = 1
    public static let defaultPower = 1.0
    public static let defaultDecayRatio = 0.1
    public static let defaultCooldownRatio = 0.5
    public static let defaultAnnealRatio = 0.0

    public init(
        type: SchedulerType, peak: Double, totalSteps: Int, warmupSteps: Int = 0,
        minLRRatio: Double = LearningRateSchedule.defaultMinLRRatio,
        numCycles: Int = LearningRateSchedule.defaultNumCycles,
        power: Double = LearningRateSchedule.defaultPower,
        decayRatio: Double = LearningRateSchedule.defaultDecayRatio,
        cooldownRatio: Double = LearningRateSchedule.defaultCooldownRatio,
        annealRatio: Double = LearningRateSchedule.defaultAnnealRatio
    ) {
        self.type = type
        self.peak = peak
        self.totalSteps = totalSteps
        self.warmupSteps = warmupSteps
        self.minLRRatio = minLRRatio
        self.numCycles = numCycles
        self.power = power
        self.decayRatio = decayRatio
        self.cooldownRatio = cooldownRatio
        self.annealRatio = annealRatio
    }

    /// A flat lr for `totalSteps` steps: how a run without rewarming and without an anneal
    /// continues at the lr where its checkpoint's schedule ended (`held(_:totalSteps:annealRatio:)`).
    public static func constant(_ lr: Double, totalSteps: Int) -> LearningRateSchedule {
        LearningRateSchedule(type: .constant, peak: lr, totalSteps: totalSteps)
    }

    /// Warmup steps from `warmup_ratio`: `ceil(ratio x totalSteps)`, computed in Double as HF's
    /// `TrainingArguments.get_warmup_steps` does (so 0.07 x 100 gives 8, as in Python).
    public static func warmupSteps(ratio: Double, totalSteps: Int) -> Int {
        Int((Double(totalSteps) * ratio).rounded(.up))
    }

    /// D: the decay steps of `warmup_stable_decay`, `ceil(decayRatio x S)`, at most `S - W`.
    public var decaySteps: Int {
        let d = LearningRateSchedule.warmupSteps(ratio: decayRatio, totalSteps: totalSteps)
        return max(0, min(d, totalSteps - warmupSteps))
    }

    /// The lr of optimizer step `step` (0-based); defined for every `step >= 0`, including
    /// `totalSteps` and beyond, where it stays at `endLearningRate`. Negative steps count as 0.
    public func learningRate(atStep step: Int) -> Double {
        peak * multiplier(atStep: step)
    }

    /// The lr where the schedule ends (at `s = totalSteps`): `minLRRatio x peak` for the decaying
    /// types and for `infinite` without an anneal (its constant), 0 for `infinite` with one,
    /// `peak` for the constant ones, `peak / sqrt(S / W)` for `inverse_sqrt` (W > 0).
    public var endLearningRate: Double {
        learningRate(atStep: totalSteps)
    }

    /// lambda(s): the lr of step `step` as a fraction of `peak` (see the type's documentation).
    public func multiplier(atStep step: Int) -> Double {
        let s = max(0, step)
        let w = warmupSteps
        if type == .constant { return 1 }
        if s < w { return Double(s) / Double(max(1, w)) }
        if type == .infinite { return infiniteMultiplier(atStep: s) }
        let m = minLRRatio
        let decays = type != .constantWithWarmup && type != .inverseSqrt
        if decays && s >= totalSteps { return m }
        // p: progress of the decay phase, 0 at the end of warmup, 1 at totalSteps.
        let progress = Double(s - w) / Double(max(1, totalSteps - w))
        switch type {
        case .constant, .constantWithWarmup, .infinite:
            return 1
        case .linear:
            return m + (1 - m) * max(0, Double(totalSteps - s) / Double(max(1, totalSteps - w)))
        case .cosine:
            return m + (1 - m) * 0.5 * (1 + cos(Double.pi * progress))
        case .cosineWithRestarts:
            let phase = (Double(numCycles) * progress).truncatingRemainder(dividingBy: 1)
            return m + (1 - m) * 0.5 * (1 + cos(Double.pi * phase))
        case .polynomial:
            return m + (1 - m) * pow(1 - progress, power)
        case .inverseSqrt:
            let timescale = w > 0 ? w : 10_000
            let shift = timescale - w
            return 1 / (Double(s + shift) / Double(timescale)).squareRoot()
        case .warmupStableDecay:
            let d = decaySteps
            let decayStart = totalSteps - d
            if s < decayStart { return 1 }
            let decayProgress = Double(s - decayStart) / Double(max(1, d))
            return m + (1 - m) * 0.5 * (1 + cos(Double.pi * decayProgress))
        }
    }

    /// Checks the values a config could get wrong; the error names the config key.
    public func validate() throws(LearningRateScheduleError) {
        func fail(_ key: String, _ value: String, _ problem: String) -> LearningRateScheduleError {
            LearningRateScheduleError(key: key, value: value, problem: problem)
        }
        guard peak.isFinite, peak >= 0 else {
            throw fail("learning_rate", "\(peak)", "must be a finite number >= 0")
        }
        guard totalSteps >= 0 else { throw fail("max_steps", "\(totalSteps)", "must be >= 0") }
        guard warmupSteps >= 0 else { throw fail("warmup_steps", "\(warmupSteps)", "must be >= 0") }
        guard warmupSteps <= totalSteps else {
            throw fail("warmup_steps", "\(warmupSteps)", "exceeds max_steps \(totalSteps)")
        }
        guard minLRRatio >= 0, minLRRatio <= 1 else {
            throw fail("min_lr_ratio", "\(minLRRatio)", "must be in [0, 1]")
        }
        guard numCycles >= 1 else { throw fail("num_cycles", "\(numCycles)", "must be >= 1") }
        guard power.isFinite, power > 0 else {
            throw fail("power", "\(power)", "must be a finite number > 0")
        }
        guard decayRatio >= 0, decayRatio <= 1 else {
            throw fail("decay_ratio", "\(decayRatio)", "must be in [0, 1]")
        }
        try validateInfinitePhases()
    }

    // MARK: Codable, with the config's snake_case keys and the defaults above.

    enum CodingKeys: String, CodingKey {
        case type = "lr_scheduler_type"
        case peak = "learning_rate"
        case totalSteps = "max_steps"
        case warmupSteps = "warmup_steps"
        case minLRRatio = "min_lr_ratio"
        case numCycles = "num_cycles"
        case power
        case decayRatio = "decay_ratio"
        case cooldownRatio = "cooldown_ratio"
        case annealRatio = "anneal_ratio"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(SchedulerType.self, forKey: .type)
        peak = try c.decode(Double.self, forKey: .peak)
        totalSteps = try c.decode(Int.self, forKey: .totalSteps)
        warmupSteps = try c.decodeIfPresent(Int.self, forKey: .warmupSteps) ?? 0
        minLRRatio = try c.decodeIfPresent(Double.self, forKey: .minLRRatio) ?? Self.defaultMinLRRatio
        numCycles = try c.decodeIfPresent(Int.self, forKey: .numCycles) ?? Self.defaultNumCycles
        power = try c.decodeIfPresent(Double.self, forKey: .power) ?? Self.defaultPower
        decayRatio = try c.decodeIfPresent(Double.self, forKey: .decayRatio) ?? Self.defaultDecayRatio
        cooldownRatio = try c.decodeIfPresent(Double.self, forKey: .cooldownRatio) ?? Self.defaultCooldownRatio
        annealRatio = try c.decodeIfPresent(Double.self, forKey: .annealRatio) ?? Self.defaultAnnealRatio
    }
}

/// A schedule setting out of range, e.g. `min_lr_ratio: 1.5: must be in [0, 1]`.
public struct LearningRateScheduleError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The config key at fault (`warmup_steps`, `min_lr_ratio`, ...).
    public var key: String
    public var value: String
    public var problem: String

    public init(key: String, value: String, problem: String) {
        self.key = key
        self.value = value
        self.problem = problem
    }

    public var description: String { "\(key): \(value): \(problem)" }
}
