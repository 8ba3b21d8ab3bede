import Foundation
import Testing
@testable import RewarmEngine

/// `reset_optimizer`: a continual run starts AdamW from zero (true, the default) or from the
/// base checkpoint's moments and step counter (false; finding F16).
@Suite("reset_optimizer: AdamW's state at the start of a continual run")
struct ResetOptimizerTests {
    /// A finished full base run on synthetic:a with a kept checkpoint at step 15.
    func base() throws -> URL {
        let dir = temporaryFolder("opt-base")
        try train(tinyRunConfig(dir, ["max_steps": 30, "save_at": [0.5, 1.0]]))
        return dir
    }

    /// A continual run's config on synthetic:b from `initFrom`.
    func continual(_ dir: URL, from initFrom: URL, _ extra: [String: ConfigValue] = [:]) throws -> RunConfig {
        var values: [String: ConfigValue] = ["dataset": "synthetic:b", "init_from": .string(initFrom.path),
                                             "max_steps": 20]
        for (k, v) in extra { values[k] = v }
        return try tinyRunConfig(dir, values)
    }

    /// The bit patterns of a slab.
    func bits(_ slab: ParameterSlab) -> [UInt32] { slab.snapshot().map(\.bitPattern) }

    /// The bit patterns of `optimizer.safetensors` in `checkpoint`, read by the safetensors reader
    /// alone, for the tensors of `slab` with `suffix`, in the slab's order.
    func savedBits(_ checkpoint: URL, like slab: ParameterSlab, suffix: String) throws -> [UInt32] {
        let file = try SafetensorsFile(contentsOf: checkpoint.appendingPathComponent("optimizer.safetensors"))
        return try slab.specs.flatMap { try file.tensor(named: $0.name + suffix).values.map(\.bitPattern) }
    }

    /// A trainer that has taken its first optimizer step (and saved `checkpoint-1`).
    func afterFirstStep(_ config: RunConfig) throws -> Trainer {
        let trainer = try Trainer(ResolvedRun(config), resume: false)
        _ = try trainer.train { event in
            if case .step = event { return .stop }
            return .proceed
        }
        return trainer
    }

    @Test("reset_optimizer false starts from the base checkpoint's moments and step counter bit for bit",
          arguments: ["checkpoint-15", "checkpoint-30"])
    func carriesBaseState(checkpointName: String) throws {
        let checkpoint = try base().appendingPathComponent(checkpointName)
        let trainer = try Trainer(
            ResolvedRun(continual(temporaryFolder("carry"), from: checkpoint, ["reset_optimizer": false])), resume: false)
        let moments = trainer.optimizer
        #expect(bits(moments.firstMoment) == (try savedBits(checkpoint, like: moments.firstMoment, suffix: ".exp_avg")))
        #expect(bits(moments.secondMoment)
                == (try savedBits(checkpoint, like: moments.secondMoment, suffix: ".exp_avg_sq")))
        #expect(moments.secondMoment.snapshot().contains { $0 > 0 }, "the base's moments are not zero")
        let baseStep = try Checkpoint(directory: checkpoint).state.adamStep
        #expect(baseStep == Int(checkpointName.dropFirst("checkpoint-".count)))
        #expect(trainer.summary.optimizerStep == baseStep && trainer.summary.startStep == 0)
    }

    @Test("reset_optimizer true starts AdamW from zero moments and t = 0 and is left out of the resolved config")
    func resetIsZero() throws {
        let baseDir = try base()
        let dir = temporaryFolder("reset")
        let config = try continual(dir, from: baseDir)
        #expect(config.resetOptimizer && !config.yaml().contains("reset_optimizer"), "left out at its default")
        let carried = try continual(dir, from: baseDir, ["reset_optimizer": false])
        #expect(carried.yaml().contains("\nreset_optimizer: false\n"))
        #expect(try RunConfig.load(yaml: carried.yaml(), source: "yaml") == carried)
        let trainer = try Trainer(ResolvedRun(config), resume: false)
        #expect(trainer.optimizer.firstMoment.snapshot().allSatisfy { $0 == 0 })
        #expect(trainer.optimizer.secondMoment.snapshot().allSatisfy { $0 == 0 })
        #expect(trainer.summary.optimizerStep == 0)
        _ = try trainer.train { _ in .proceed }
        #expect(try Checkpoint(directory: dir.appendingPathComponent("checkpoint-20")).state.optimizerStep == 20)
    }

    @Test("the first update with the base's state uses t = the base's t + 1 and differs from a reset run's")
    func firstUpdateDiffers() throws {
        let baseDir = try base()
        let reset = try afterFirstStep(continual(temporaryFolder("first-reset"), from: baseDir))
        let carried = try afterFirstStep(
            continual(temporaryFolder("first-carry"), from: baseDir, ["reset_optimizer": false]))
        let start = try Checkpoint(directory: baseDir.appendingPathComponent("checkpoint-30")).loadModel()
        #expect(bits(carried.model.weights) != bits(reset.model.weights))
        #expect(bits(carried.model.weights) != bits(start.weights))
        let carriedState = try Checkpoint(directory: carried.run.runDirectory.appendingPathComponent("checkpoint-1"))
        let resetState = try Checkpoint(directory: reset.run.runDirectory.appendingPathComponent("checkpoint-1"))
        #expect(carriedState.state.optimizerStep == 31 && resetState.state.optimizerStep == 1)
        // One element of a matrix, recomputed from the moments after the update with t = 31
        // (PyTorch's step); t = 1 would move it by a bias correction 0.1 / 0.1 instead of 0.1 / 0.96.
        let c = carried.config, name = "model.layers.0.self_attn.q_proj.weight", i = 3
        let lr = carried.run.schedule.learningRate(atStep: 0), t = 31.0
        let m = Double(carried.optimizer.firstMoment.values(name)[i])
        let v = Double(carried.optimizer.secondMoment.values(name)[i])
        let p0 = Double(start.weights.values(name)[i]) * (1 - lr * c.weightDecay)
        func after(step t: Double) -> Double {
            p0 - lr / (1 - pow(c.adamBeta1, t)) * m / (v.squareRoot() / (1 - pow(c.adamBeta2, t)).squareRoot()
                                                       + c.adamEpsilon)
        }
        let p1 = Double(carried.model.weights.values(name)[i])
        #expect(abs(p1 - after(step: t)) <= 1e-6 * abs(p1) + 1e-9, "\(p1) vs \(after(step: t))")
        #expect(abs(p1 - after(step: 1)) > 100 * abs(p1 - after(step: t)))
    }

    @Test("a run with reset_optimizer false stopped and resumed gives the same losses as an uninterrupted one")
    func resumeIsExact() throws {
        let baseDir = try base()
        let whole = temporaryFolder("carry-whole"), parts = temporaryFolder("carry-parts")
        let extra: [String: ConfigValue] = ["reset_optimizer": false, "gradient_accumulation_steps": 2]
        try train(continual(whole, from: baseDir, extra))
        #expect(try train(continual(parts, from: baseDir, extra), stopAt: 7) == .stopped(step: 7))
        // the run's own moments, not the base's, are what the resume loads
        let own = parts.appendingPathComponent("checkpoint-7")
        #expect(try Checkpoint(directory: own).state.optimizerStep == 37)
        #expect(try savedBits(own, like: ParameterSlab([("model.norm.weight", [32])]), suffix: ".exp_avg")
                != savedBits(baseDir.appendingPathComponent("checkpoint-30"),
                             like: ParameterSlab([("model.norm.weight", [32])]), suffix: ".exp_avg"))
        #expect(try train(continual(parts, from: baseDir, extra), resume: true) == .completed(step: 20))
        #expect(try metrics(parts) == metrics(whole))
        #expect(try Checkpoint(directory: parts.appendingPathComponent("checkpoint-20")).state.optimizerStep == 50)
        let reset = temporaryFolder("carry-reset")
        try train(continual(reset, from: baseDir, ["gradient_accumulation_steps": 2]))
        #expect(try metrics(reset)[1].downstreamLoss != metrics(whole)[1].downstreamLoss)
    }
}
