import Foundation

/// The `infinite` schedule of Ibrahim et al. 2024, "Simple and Scalable Strategies to Continually
/// Pre-train Large Language Models" (arXiv 2403.08763, sec. 7, "infinite learning rate
/// schedules"), and the anneal of a run that holds its checkpoint's lr (`rewarm: false`).
///
/// Four phases over the `S = totalSteps` optimizer steps (`s` 0-based), as fractions of `peak`:
///
/// | phase    | steps                    | lambda(s)                                              |
/// |----------|--------------------------|--------------------------------------------------------|
/// | warmup   | `0 <= s < W`             | `s / W`                                                |
/// | cooldown | `W <= s < W + C`         | `m + (1 - m) x 0.5 x (1 + cos(pi x (s - W) / C))`      |
/// | constant | `W + C <= s < S - A`     | `m`                                                    |
/// | anneal   | `S - A <= s`             | `m x (S - s) / A`, 0 from `s = S` on                   |
///
/// `W` = `warmupSteps`, `C = ceil(cooldownRatio x S)`, `A = ceil(annealRatio x S)` (both computed
/// in Double as `warmupSteps(ratio:totalSteps:)`), `m` = `minLRRatio`: the constant is
/// `m x peak`. `W + C + A <= S` (`validate()` refuses more); what is left is the constant phase.
/// With `A = 0` the schedule ends on its constant (`endLearningRate` = `m x peak`), so a base
/// trained with it can be continued with `rewarm: false` at that constant from any checkpoint
/// after its cooldown.
///
/// I24 cools down with a cosine (or an inverse square root) from `eta_max` to `eta_const`, as
/// here, and anneals exponentially, `eta_const x (eta_min / eta_const)^p` with `p` the anneal's
/// progress, to a small `eta_min` ("~0"; as restated by Singh et al. 2025, arXiv 2503.02844,
/// eq. 1). Rewarm anneals linearly to exactly 0 instead, reaching 0 at `s = S` as Hugging Face's
/// `linear` does, so the last optimizer step, `s = S - 1`, has `m x peak / A`; there is no
/// `eta_min` key.
extension LearningRateSchedule {
    /// C: the cooldown steps of `infinite`, `ceil(cooldownRatio x S)`.
    public var cooldownSteps: Int {
        LearningRateSchedule.warmupSteps(ratio: cooldownRatio, totalSteps: totalSteps)
    }

    /// A: the anneal steps of `infinite` (and of a held lr), `ceil(annealRatio x S)`.
    public var annealSteps: Int {
        LearningRateSchedule.warmupSteps(ratio: annealRatio, totalSteps: totalSteps)
    }

    /// The schedule of a run that does not rewarm: it holds `lr` (its checkpoint's
    /// `learningRateReached`) and, with `annealRatio` > 0, anneals it linearly to 0 over the last
    /// `ceil(annealRatio x totalSteps)` steps: I24's continual phase across a dataset switch
    /// (arXiv 2403.08763, sec. 7). That is an `infinite` schedule with no warmup, no cooldown
    /// and `lr` as peak and constant (`minLRRatio = 1`); without an anneal it is `constant(_:totalSteps:)`.
    public static func held(_ lr: Double, totalSteps: Int, annealRatio: Double) -> LearningRateSchedule {
        guard annealRatio > 0 else { return .constant(lr, totalSteps: totalSteps) }
        return LearningRateSchedule(
            type: .infinite, peak: lr, totalSteps: totalSteps, warmupSteps: 0, minLRRatio: 1, cooldownRatio: 0,
            annealRatio: annealRatio)
    }

    /// lambda(s) of `infinite` for `s >= warmupSteps` (the table above).
    func infiniteMultiplier(atStep s: Int) -> Double {
        let (w, c, a, m) = (warmupSteps, cooldownSteps, annealSteps, minLRRatio)
        if s < w + c {
            return m + (1 - m) * 0.5 * (1 + cos(Double.pi * Double(s - w) / Double(c)))
        }
        let annealStart = totalSteps - a
        if s < annealStart { return m }
        if s >= totalSteps { return a > 0 ? 0 : m }
        return m * Double(totalSteps - s) / Double(a)
    }

    /// `infinite`'s ratios in range and its phases within `totalSteps`: `W + C + A <= S`.
    func validateInfinitePhases() throws(LearningRateScheduleError) {
        guard cooldownRatio >= 0, cooldownRatio <= 1 else {
            throw LearningRateScheduleError(
                key: "cooldown_ratio", value: "\(cooldownRatio)", problem: "must be in [0, 1]")
        }
        guard annealRatio >= 0, annealRatio < 1 else {
            throw LearningRateScheduleError(
                key: "anneal_ratio", value: "\(annealRatio)", problem: "must be in [0, 1)")
        }
        guard type == .infinite else { return }
        let (w, c, a) = (warmupSteps, cooldownSteps, annealSteps)
        guard w + c + a <= totalSteps else {
            throw LearningRateScheduleError(
                key: "cooldown_ratio", value: "\(cooldownRatio)",
                problem: "warmup \(w) + cooldown \(c) + anneal \(a) steps exceed max_steps \(totalSteps)")
        }
    }
}
