import Foundation
import Testing

import RewarmEngine

private func close(_ a: Double, _ b: Double, tolerance: Double = 1e-12) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}

/// The `infinite` schedule (Ibrahim et al. 2024, arXiv 2403.08763, sec. 7) and the anneal of a
/// held lr, against the phases written out here.
@Suite("The infinite schedule: warmup, cosine cooldown, constant, linear anneal")
struct InfiniteScheduleTests {
    let peak = 3e-4
    let m = 0.1

    /// S = 100, W = 10, C = 0.3 x 100 = 30, A = 0.2 x 100 = 20: warmup 0..<10, cooldown
    /// 10..<40, constant 40..<80, anneal 80..<100.
    var schedule: LearningRateSchedule {
        LearningRateSchedule(
            type: .infinite, peak: peak, totalSteps: 100, warmupSteps: 10, minLRRatio: m, cooldownRatio: 0.3,
            annealRatio: 0.2)
    }

    /// The lr of step s of `schedule`, phase by phase.
    func formula(_ s: Int) -> Double {
        if s < 10 { return peak * Double(s) / 10 }
        if s < 40 { return peak * (m + (1 - m) * 0.5 * (1 + cos(Double.pi * Double(s - 10) / 30))) }
        if s < 80 { return peak * m }
        return peak * m * Double(max(0, 100 - s)) / 20
    }

    @Test("the lr at every phase boundary is the formula's: warmup, cooldown, constant, anneal, last step, end")
    func boundaries() {
        let s = schedule
        #expect(s.cooldownSteps == 30 && s.annealSteps == 20)
        let cases: [(step: Int, lr: Double, what: String)] = [
            (0, 0, "step 0"),
            (9, peak * 0.9, "last warmup step"),
            (10, peak, "end of warmup = start of cooldown"),
            (25, peak * 0.55, "middle of the cooldown: m + (1 - m) / 2"),
            (39, peak * (m + (1 - m) * 0.5 * (1 + cos(Double.pi * 29 / 30))), "last cooldown step"),
            (40, peak * m, "end of cooldown = start of the constant"),
            (60, peak * m, "inside the constant phase"),
            (79, peak * m, "last constant step"),
            (80, peak * m, "start of the anneal: still the constant"),
            (90, peak * m / 2, "middle of the anneal"),
            (99, peak * m / 20, "last step: m x peak / A"),
            (100, 0, "the end (endLearningRate)"),
            (150, 0, "past the end"),
        ]
        for c in cases {
            #expect(close(s.learningRate(atStep: c.step), c.lr), "\(c.what) (step \(c.step))")
            #expect(close(s.learningRate(atStep: c.step), formula(c.step)), "\(c.what): formula")
        }
        for step in 0...110 { #expect(close(s.learningRate(atStep: step), formula(step)), "step \(step)") }
        #expect(s.endLearningRate == 0)
    }

    @Test("without an anneal the schedule ends on its constant, which rewarm false then holds")
    func noAnneal() {
        var s = schedule
        s.annealRatio = 0
        #expect(s.annealSteps == 0)
        for step in [40, 80, 99, 100, 150] { #expect(close(s.learningRate(atStep: step), peak * m), "step \(step)") }
        #expect(close(s.endLearningRate, peak * m))
        let held = LearningRateSchedule.held(s.endLearningRate, totalSteps: 30, annealRatio: 0)
        #expect(held == .constant(peak * m, totalSteps: 30))
    }

    @Test("a held lr with anneal_ratio stays constant, then falls linearly to 0 at the end")
    func heldThenAnnealed() {
        let s = LearningRateSchedule.held(2e-4, totalSteps: 40, annealRatio: 0.25)  // A = 10: steps 30..<40
        #expect(s.type == .infinite && s.warmupSteps == 0 && s.cooldownSteps == 0 && s.annealSteps == 10)
        for step in 0...30 { #expect(s.learningRate(atStep: step) == 2e-4, "held at step \(step)") }
        for step in 30...45 {
            #expect(close(s.learningRate(atStep: step), 2e-4 * Double(max(0, 40 - step)) / 10), "anneal step \(step)")
        }
        #expect(s.endLearningRate == 0)
        #expect(throws: Never.self) { try s.validate() }
    }

    @Test("no cooldown drops to the constant right after warmup; phases that fill max_steps leave no constant step")
    func edgePhases() {
        var s = schedule
        s.cooldownRatio = 0
        #expect(close(s.learningRate(atStep: 9), peak * 0.9) && close(s.learningRate(atStep: 10), peak * m))
        s.cooldownRatio = 0.5
        s.annealRatio = 0.4  // W + C + A = 10 + 50 + 40 = 100 = S
        #expect(throws: Never.self) { try s.validate() }
        #expect(close(s.learningRate(atStep: 59), peak * (m + (1 - m) * 0.5 * (1 + cos(Double.pi * 49 / 50)))))
        #expect(close(s.learningRate(atStep: 60), peak * m), "the anneal starts where the cooldown ends")
        #expect(close(s.learningRate(atStep: 61), peak * m * 39 / 40))
    }

    @Test("cooldown and anneal steps are ceil(ratio x S) computed in Double, as warmup_ratio's")
    func stepCounts() {
        var s = LearningRateSchedule(type: .infinite, peak: 1, totalSteps: 20, cooldownRatio: 0.15, annealRatio: 0.15)
        #expect(s.cooldownSteps == 3 && s.annealSteps == 3)
        s.totalSteps = 100
        s.annealRatio = 0.07  // python3: 100 * 0.07 = 7.000000000000001
        #expect(s.annealSteps == 8)
        s.cooldownRatio = 0.001
        #expect(s.cooldownSteps == 1)
    }

    @Test("validate refuses phases longer than max_steps and ratios out of range, naming the key")
    func validation() {
        var s = schedule
        s.cooldownRatio = 0.6
        s.annealRatio = 0.4
        #expect(throws: LearningRateScheduleError(
            key: "cooldown_ratio", value: "0.6", problem: "warmup 10 + cooldown 60 + anneal 40 steps exceed max_steps 100")
        ) { try s.validate() }
        s = schedule
        s.annealRatio = 1
        #expect(throws: LearningRateScheduleError(key: "anneal_ratio", value: "1.0", problem: "must be in [0, 1)")) {
            try s.validate()
        }
        s = schedule
        s.cooldownRatio = -0.1
        #expect(throws: LearningRateScheduleError(key: "cooldown_ratio", value: "-0.1", problem: "must be in [0, 1]")) {
            try s.validate()
        }
    }

    @Test("an infinite schedule round-trips through JSON; a schedule saved before the keys existed decodes their defaults")
    func codable() throws {
        let decoded = try JSONDecoder().decode(LearningRateSchedule.self, from: try JSONEncoder().encode(schedule))
        #expect(decoded == schedule)
        let old = #"{"lr_scheduler_type": "cosine", "learning_rate": 0.001, "max_steps": 200, "decay_ratio": 0.1}"#
        let s = try JSONDecoder().decode(LearningRateSchedule.self, from: Data(old.utf8))
        #expect(s.cooldownRatio == 0.5 && s.annealRatio == 0)
        #expect(s == LearningRateSchedule(type: .cosine, peak: 0.001, totalSteps: 200))
    }
}
