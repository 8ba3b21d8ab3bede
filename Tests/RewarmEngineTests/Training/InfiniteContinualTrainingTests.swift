import Foundation
import Testing
@testable import RewarmEngine

/// I24's recipe on a tiny model (Ibrahim et al. 2024, arXiv 2403.08763, sec. 7): a base
/// trained with `infinite` and no anneal, continued with `rewarm: false` and an `anneal_ratio`.
@Suite("Continual pre-training from an infinite-schedule base without rewarming")
struct InfiniteContinualTrainingTests {
    /// peak 3e-3 and min_lr_ratio 0.1 (tinyRunConfig, the default): the constant is 3e-4.
    let constant = 3e-4

    /// A finished base on synthetic:a: 30 steps, warmup 3, cooldown ceil(0.4 x 30) = 12 steps, then
    /// the constant from step 15 to the end (no anneal); checkpoints at 18 (0.6) and 30.
    func base() throws -> URL {
        let dir = temporaryFolder("inf-base")
        try train(tinyRunConfig(dir, [
            "max_steps": 30, "lr_scheduler_type": "infinite", "warmup_steps": 3, "cooldown_ratio": 0.4,
            "save_at": [0.6, 1.0],
        ]))
        return dir
    }

    @Test("rewarm false with anneal_ratio holds the infinite base's constant, then anneals it linearly to 0")
    func heldThenAnnealed() throws {
        let baseDir = try base()
        let baseLRs = Dictionary(uniqueKeysWithValues: try metrics(baseDir).map { ($0.step, $0.stepLR) })
        let cooled = 3e-3 * (0.1 + 0.9 * 0.5 * (1 + cos(Double.pi * 7 / 12)))  // step 10: 7 of 12 cooldown steps
        #expect(abs(baseLRs[10]! - cooled) < 1e-12, "base in its cooldown: \(baseLRs)")
        #expect(abs(baseLRs[20]! - constant) < 1e-12 && abs(baseLRs[30]! - constant) < 1e-12, "base ends on its constant")

        // A = ceil(0.25 x 20) = 5: held for steps 0..<15, then 3e-4 x (20 - s) / 5, 0 at s = 20.
        let dir = temporaryFolder("inf-anneal")
        let config = try tinyRunConfig(dir, [
            "dataset": "synthetic:b", "init_from": .string(baseDir.path), "rewarm": false, "anneal_ratio": 0.25,
            "max_steps": 20, "eval_steps": 1,
        ])
        try train(config)
        let records = try metrics(dir)
        #expect(records.map(\.step) == Array(0...20))
        for r in records {
            let expected = r.step < 15 ? constant : constant * Double(20 - r.step) / 5
            #expect(abs(r.stepLR - expected) < 1e-12, "step \(r.step): \(r.stepLR) != \(expected)")
        }
        let last = try #require(Checkpoint.list(in: dir).last)
        #expect(try Checkpoint(directory: last.url).state.learningRateReached == 0, "annealed to 0")
        let written = try String(contentsOf: dir.appendingPathComponent("config.yaml"), encoding: .utf8)
        #expect(written.contains("anneal_ratio: 0.25"))
    }

    @Test("every checkpoint of the base's constant phase holds the same lr across the switch")
    func constantPhaseCheckpoints() throws {
        let baseDir = try base()
        #expect(Checkpoint.list(in: baseDir).map(\.step) == [18, 30])
        for step in [18, 30] {
            let run = try ResolvedRun(tinyRunConfig(temporaryFolder("inf-held"), [
                "dataset": "synthetic:b", "init_from": .string(baseDir.appendingPathComponent("checkpoint-\(step)").path),
                "rewarm": false, "max_steps": 10,
            ]))
            #expect(run.schedule.type == .constant)
            #expect(abs(run.schedule.learningRate(atStep: 0) - constant) < 1e-12, "from checkpoint-\(step)")
        }
    }
}
