import Foundation
import Testing

import RewarmEngine

/// Hugging Face's lambdas (`transformers/optimization.py`), written out independently as the
/// oracle for `minLRRatio = 0`: `polynomial` with `lr_end = 0`, `warmup_stable_decay` with
/// `decay_type: cosine`, `num_cycles: 0.5`, `min_lr_ratio: 0`.
private func huggingFaceLambda(
    _ type: SchedulerType, step s: Int, warmup w: Int, total n: Int, numCycles: Int = 1, power: Double = 1,
    decaySteps d: Int = 0
) -> Double {
    if type == .constant { return 1 }
    if s < w { return Double(s) / Double(max(1, w)) }
    switch type {
    case .constant, .constantWithWarmup:
        return 1
    case .linear:
        return max(0, Double(n - s) / Double(max(1, n - w)))
    case .cosine:
        let progress = Double(s - w) / Double(max(1, n - w))
        return max(0, 0.5 * (1 + cos(Double.pi * 0.5 * 2 * progress)))
    case .cosineWithRestarts:
        let progress = Double(s - w) / Double(max(1, n - w))
        if progress >= 1 { return 0 }
        return max(0, 0.5 * (1 + cos(Double.pi * (Double(numCycles) * progress).truncatingRemainder(dividingBy: 1))))
    case .polynomial:
        let lrInit = 1.0, lrEnd = 0.0
        if s > n { return lrEnd / lrInit }
        let remaining = 1 - Double(s - w) / Double(n - w)
        return ((lrInit - lrEnd) * pow(remaining, power) + lrEnd) / lrInit
    case .inverseSqrt:
        let timescale = w == 0 ? 10_000 : w
        return 1 / (Double(s + timescale - w) / Double(timescale)).squareRoot()
    case .warmupStableDecay:
        let stable = n - w - d
        if s < w + stable { return 1 }
        if s < w + stable + d {
            let progress = Double(s - w - stable) / Double(max(1, d))
            return max(0, 0.5 * (1 + cos(Double.pi * 0.5 * 2 * progress)))
        }
        return 0
    case .infinite:
        preconditionFailure("infinite is not a Hugging Face schedule (InfiniteScheduleTests)")
    }
}

private func close(_ a: Double, _ b: Double, tolerance: Double = 1e-12) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}

@Suite struct LearningRateScheduleTests {
    let peak = 3e-4
    let total = 100
    let warmup = 10
    let m = 0.1

    func schedule(_ type: SchedulerType, warmup: Int? = nil, minLRRatio: Double? = nil) -> LearningRateSchedule {
        LearningRateSchedule(
            type: type, peak: peak, totalSteps: total, warmupSteps: warmup ?? self.warmup,
            minLRRatio: minLRRatio ?? m)
    }

    @Test("scheduler types are spelled as Hugging Face's lr_scheduler_type values, then Rewarm's infinite")
    func rawValues() {
        #expect(SchedulerType.allCases.map(\.rawValue) == [
            "constant", "constant_with_warmup", "linear", "cosine", "cosine_with_restarts", "polynomial",
            "inverse_sqrt", "warmup_stable_decay", "infinite",
        ])
    }

    @Test("warmup rises linearly from 0 at step 0 to the peak at step W, for every type but constant")
    func warmupRisesLinearly() {
        for type in SchedulerType.allCases where type != .constant {
            let s = schedule(type)
            #expect(s.learningRate(atStep: 0) == 0, "\(type)")
            #expect(close(s.learningRate(atStep: 1), peak / 10), "\(type)")
            #expect(close(s.learningRate(atStep: warmup - 1), peak * 9 / 10), "\(type)")
            #expect(close(s.learningRate(atStep: warmup), peak), "\(type) reaches the peak at W")
            for step in 1..<warmup {
                #expect(s.learningRate(atStep: step) > s.learningRate(atStep: step - 1), "\(type) step \(step)")
            }
        }
    }

    @Test("constant ignores warmup and keeps the peak at every step, including the end")
    func constant() {
        let s = schedule(.constant)
        for step in [0, 1, 9, 10, 50, 99, 100, 150] { #expect(s.learningRate(atStep: step) == peak) }
        let flat = LearningRateSchedule.constant(1.25e-5, totalSteps: 40)
        #expect(flat.type == .constant && flat.warmupSteps == 0)
        #expect(flat.learningRate(atStep: 0) == 1.25e-5 && flat.endLearningRate == 1.25e-5)
    }

    @Test("linear decays from the peak at W to min_lr_ratio x peak at S")
    func linear() {
        let s = schedule(.linear)
        func expected(_ step: Int) -> Double { peak * (m + (1 - m) * Double(total - step) / Double(total - warmup)) }
        for step in [10, 55, 99, 100] { #expect(close(s.learningRate(atStep: step), expected(step)), "step \(step)") }
        #expect(close(s.learningRate(atStep: 55), 1.65e-4))  // 3e-4 x (0.1 + 0.9 x 0.5)
        #expect(close(s.endLearningRate, m * peak))
    }

    @Test("cosine follows peak x (m + (1 - m) x 0.5 x (1 + cos(pi x progress))) and ends at m x peak")
    func cosine() {
        let s = schedule(.cosine)
        func expected(_ step: Int) -> Double {
            let progress = Double(step - warmup) / Double(total - warmup)
            return peak * (m + (1 - m) * 0.5 * (1 + cos(Double.pi * progress)))
        }
        for step in [10, 11, 40, 55, 99, 100] { #expect(close(s.learningRate(atStep: step), expected(step)), "step \(step)") }
        #expect(close(s.learningRate(atStep: 55), 1.65e-4))  // half way: m + (1 - m) / 2
        #expect(close(s.learningRate(atStep: 99), 3.008223835242207e-05))  // python3: 3e-4*(0.1+0.9*0.5*(1+math.cos(math.pi*89/90)))
        #expect(close(s.endLearningRate, 3e-5))
    }

    @Test("cosine_with_restarts restarts at the peak num_cycles times and ends at m x peak")
    func restarts() {
        var s = schedule(.cosineWithRestarts)
        s.numCycles = 3  // cycles of 30 steps after a 10-step warmup: restarts at 40 and 70
        for step in [10, 40, 70] { #expect(close(s.learningRate(atStep: step), peak), "restart at \(step)") }
        let expected25 = peak * (m + (1 - m) * 0.5 * (1 + cos(Double.pi * 0.5)))
        #expect(close(s.learningRate(atStep: 25), expected25))
        #expect(s.learningRate(atStep: 40) > s.learningRate(atStep: 39))
        for step in 41..<70 { #expect(s.learningRate(atStep: step) < s.learningRate(atStep: step - 1)) }
        #expect(close(s.endLearningRate, m * peak))
        let one = schedule(.cosineWithRestarts)
        for step in [10, 37, 55, 99] { #expect(close(one.learningRate(atStep: step), schedule(.cosine).learningRate(atStep: step))) }
    }

    @Test("polynomial decays as (1 - progress)^power from the peak to lr_end = m x peak")
    func polynomial() {
        var s = schedule(.polynomial)
        s.power = 2
        func expected(_ step: Int) -> Double {
            let remaining = 1 - Double(step - warmup) / Double(total - warmup)
            return peak * (m + (1 - m) * remaining * remaining)
        }
        for step in [10, 55, 99, 100, 130] { #expect(close(s.learningRate(atStep: step), expected(min(step, total))), "step \(step)") }
        #expect(close(s.learningRate(atStep: 55), 9.75e-5))  // 3e-4 x (0.1 + 0.9 x 0.25)
        let linear = schedule(.linear), powerOne = schedule(.polynomial)
        for step in [10, 33, 99] { #expect(close(powerOne.learningRate(atStep: step), linear.learningRate(atStep: step))) }
    }

    @Test("inverse_sqrt decays as peak / sqrt(s / W) after warmup, with timescale 10000 when W = 0")
    func inverseSqrt() {
        let s = schedule(.inverseSqrt)
        for step in [10, 40, 99, 100] {
            #expect(close(s.learningRate(atStep: step), peak / (Double(step) / 10).squareRoot()), "step \(step)")
        }
        #expect(close(s.learningRate(atStep: 40), 1.5e-4))
        let noWarmup = schedule(.inverseSqrt, warmup: 0)
        #expect(noWarmup.learningRate(atStep: 0) == peak)
        #expect(close(noWarmup.learningRate(atStep: 30_000), peak / 2))  // sqrt((30000 + 10000) / 10000) = 2
    }

    @Test("warmup_stable_decay holds the peak, then cosine-decays over the last decay_ratio x S steps to m x peak")
    func warmupStableDecay() {
        var s = schedule(.warmupStableDecay)
        s.decayRatio = 0.2  // decay over steps 80..<100
        #expect(s.decaySteps == 20)
        for step in [10, 50, 79, 80] { #expect(s.learningRate(atStep: step) == peak, "stable at \(step)") }
        #expect(close(s.learningRate(atStep: 90), peak * (m + (1 - m) * 0.5)))
        let expected99 = peak * (m + (1 - m) * 0.5 * (1 + cos(Double.pi * 19 / 20)))
        #expect(close(s.learningRate(atStep: 99), expected99))
        #expect(close(s.endLearningRate, m * peak))
        #expect(close(s.learningRate(atStep: 500), m * peak))
        s.decayRatio = 0.95  // more than S - W: the decay starts right after warmup
        #expect(s.decaySteps == 90)
        #expect(s.learningRate(atStep: 11) < peak)
    }

    @Test("with min_lr_ratio 0 every Hugging Face type equals Hugging Face's lambda at every step")
    func huggingFaceParity() {
        for type in SchedulerType.allCases where type != .infinite {
            for (w, n) in [(10, 100), (0, 37), (5, 6), (3, 3)] {
                var s = LearningRateSchedule(type: type, peak: 1, totalSteps: n, warmupSteps: w, minLRRatio: 0)
                s.numCycles = 2
                s.power = 1.5
                for step in 0...n {
                    if step == n && n == w { continue }  // no decay phase: HF's end value is type-dependent
                    let reference = huggingFaceLambda(
                        type, step: step, warmup: w, total: n, numCycles: 2, power: 1.5, decaySteps: s.decaySteps)
                    #expect(close(s.learningRate(atStep: step), reference), "\(type) W=\(w) S=\(n) step \(step)")
                }
            }
        }
    }

    @Test("decaying schedules never rise after warmup, and stay at their end value past S")
    func monotone() {
        for type in [SchedulerType.linear, .cosine, .cosineWithRestarts, .polynomial, .warmupStableDecay] {
            let noDecayPhase = LearningRateSchedule(type: type, peak: 1, totalSteps: 5, warmupSteps: 5, minLRRatio: 0.2)
            #expect(noDecayPhase.endLearningRate == 0.2, "\(type) ends at min_lr_ratio even when W = S")
        }
        for type in [SchedulerType.linear, .cosine, .polynomial, .inverseSqrt, .warmupStableDecay, .constantWithWarmup,
                     .infinite] {
            let s = schedule(type)
            for step in (warmup + 1)...(total + 20) {
                #expect(s.learningRate(atStep: step) <= s.learningRate(atStep: step - 1), "\(type) step \(step)")
            }
            for step in total...(total + 20) where type != .inverseSqrt {
                #expect(s.learningRate(atStep: step) == s.endLearningRate, "\(type) step \(step)")
            }
        }
    }

    @Test("warmup_ratio gives ceil(ratio x S) computed in Double, as Hugging Face does")
    func warmupFromRatio() {
        #expect(LearningRateSchedule.warmupSteps(ratio: 0.1, totalSteps: 1000) == 100)
        #expect(LearningRateSchedule.warmupSteps(ratio: 0.03, totalSteps: 1000) == 30)
        #expect(LearningRateSchedule.warmupSteps(ratio: 0.15, totalSteps: 20) == 3)
        #expect(LearningRateSchedule.warmupSteps(ratio: 0.05, totalSteps: 30) == 2)  // 1.5 rounds up
        #expect(LearningRateSchedule.warmupSteps(ratio: 0.07, totalSteps: 100) == 8)  // python3: 100 * 0.07 = 7.000000000000001
        #expect(LearningRateSchedule.warmupSteps(ratio: 0, totalSteps: 100) == 0)
    }

    @Test("a schedule round-trips through JSON with snake_case keys and decodes defaults for absent ones")
    func codable() throws {
        var s = schedule(.cosineWithRestarts)
        s.numCycles = 4
        let decoded = try JSONDecoder().decode(LearningRateSchedule.self, from: try JSONEncoder().encode(s))
        #expect(decoded == s)
        let json = #"{"lr_scheduler_type": "warmup_stable_decay", "learning_rate": 0.001, "max_steps": 200}"#
        let minimal = try JSONDecoder().decode(LearningRateSchedule.self, from: Data(json.utf8))
        #expect(minimal == LearningRateSchedule(type: .warmupStableDecay, peak: 0.001, totalSteps: 200))
        #expect(minimal.minLRRatio == 0.1 && minimal.numCycles == 1 && minimal.power == 1 && minimal.decayRatio == 0.1)
    }

    @Test("validate names the config key of a bad value")
    func validation() {
        #expect(throws: Never.self) { try schedule(.cosine).validate() }
        var s = schedule(.cosine)
        s.minLRRatio = 1.5
        #expect(throws: LearningRateScheduleError(key: "min_lr_ratio", value: "1.5", problem: "must be in [0, 1]")) {
            try s.validate()
        }
        s = schedule(.linear, warmup: 150)
        #expect(throws: LearningRateScheduleError.self) { try s.validate() }
        do {
            try s.validate()
        } catch {
            #expect(error.description == "warmup_steps: 150: exceeds max_steps 100")
        }
    }
}
