/// The rules of the `infinite` schedule's keys (Ibrahim et al. 2024, arXiv 2403.08763, sec. 7;
/// the schedule itself: `InfiniteSchedule.swift`), beside the other cross-key rules of
/// `RunRules.swift`.
extension RunConfig {
    /// `cooldown_ratio` other than its default needs `lr_scheduler_type: infinite`;
    /// `anneal_ratio` > 0 needs `infinite` or `rewarm: false` (the held lr anneals); and where the
    /// run follows `infinite` (rewarmed or from scratch), warmup + cooldown + anneal fit in
    /// `max_steps`. Each refusal is one line naming the key, its value and what is wrong.
    func checkInfiniteScheduleRules(settings: [String: Setting], source: String) throws(ConfigError) {
        let f = ConfigValue.compact
        let infinite = lrSchedulerType == .infinite
        if !infinite && cooldownRatio != LearningRateSchedule.defaultCooldownRatio {
            throw .conflict(
                source: settings["cooldown_ratio"]?.source ?? source, key: "cooldown_ratio",
                problem: "\(f(cooldownRatio)) applies only to lr_scheduler_type infinite",
                otherKey: "lr_scheduler_type", otherState: "is \(lrSchedulerType.rawValue)")
        }
        if !infinite && rewarm && annealRatio > 0 {
            throw .conflict(
                source: settings["anneal_ratio"]?.source ?? source, key: "anneal_ratio",
                problem: "\(f(annealRatio)) applies only to lr_scheduler_type infinite or to rewarm false "
                    + "(the held lr anneals)",
                otherKey: "lr_scheduler_type", otherState: "is \(lrSchedulerType.rawValue) and rewarm is true")
        }
        guard infinite && rewarm else { return }
        let schedule = LearningRateSchedule(
            type: .infinite, peak: learningRate, totalSteps: maxSteps, warmupSteps: resolvedWarmupSteps,
            cooldownRatio: cooldownRatio, annealRatio: annealRatio)
        let (w, c, a) = (schedule.warmupSteps, schedule.cooldownSteps, schedule.annealSteps)
        guard w + c + a > maxSteps else { return }
        let culprits = ["anneal_ratio", "cooldown_ratio", "warmup_steps", "warmup_ratio", "max_steps"]
        let key = culprits.first { settings[$0] != nil } ?? "cooldown_ratio"
        let value = Self.key(named: key).map { $0.read(self).description } ?? ""
        throw .conflict(
            source: settings[key]?.source ?? source, key: key,
            problem: "\(value): the phases of lr_scheduler_type infinite take warmup \(w) + cooldown \(c) "
                + "+ anneal \(a) = \(w + c + a) steps, more than max_steps \(maxSteps) "
                + "(lower warmup_ratio or warmup_steps, cooldown_ratio or anneal_ratio)",
            otherKey: nil, otherState: nil)
    }
}
