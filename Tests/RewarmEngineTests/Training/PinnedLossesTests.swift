import Foundation
import Testing

import RewarmEngine

// The engine pinned against PyTorch, as llm.c's `test_gpt2.c` pins its C code: a tiny Llama
// (Rewarm's `tiny` shape: V 256, C 32, L 2, NH 2, F 64), a fixed batch of bytes (B 2, T 16) and
// PyTorch's numbers for them, written by `scripts/make_pinned_reference.py` into
// `Tests/Fixtures/pinned` (outside the test target's folder, so SwiftPM has no files to warn
// about). The model is read through the normal Hugging Face folder path and trained with the
// calls `Trainer.train` makes in each step.
//
// Tolerances. The script measures how far float32 rounding alone moves the reference (PyTorch
// in float32 vs the same run in float64, `float64_differences`): logits 2.4e-6, losses 5e-7,
// gradient norms 1.1e-6 relative. The engine rounds as much again in other orders (8-lane
// partial sums, FMA, OpenBLAS blocking, the data-parallel split); measured against the fixture:
// logits 4.1e-6, losses 6.3e-7, step-0 gradient norms 4.8e-7 and per-step gradient norms
// 1.5e-6 relative. The tolerances (logits 1e-4 absolute, losses 1e-5 absolute, gradient norms
// 1e-4 relative) leave 16x to 200x for another CPU or BLAS kernel, and still catch a small
// slip: rms_norm_eps 1e-6 instead of 1e-5 moves the logits by 1.6e-3 and the losses by 9e-5;
// one weight off by 1e-3 moves the logits by 6e-4; adam_epsilon 1e-6 moves the losses by 1e-3;
// decaying the norm gains too moves the last loss by 1.1e-2. Learning rates are Double on both sides.

/// `reference.json` of the fixture (snake_case keys, as Python writes them).
private struct PinnedReference: Decodable {
    struct Optimizer: Decodable {
        var learningRate: Double
        var adamBeta1: Double
        var adamBeta2: Double
        var adamEpsilon: Double
        var weightDecay: Double
        var maxGradNorm: Double
        var lrSchedulerType: String
        var warmupSteps: Int
        var minLrRatio: Double
        var maxSteps: Int
    }

    struct Step: Decodable {
        var step: Int
        var learningRate: Double
        var loss: Double
        var gradNorm: Double
    }

    struct TensorNorm: Decodable {
        var name: String
        var norm: Double
    }

    var batchSize: Int
    var sequenceLength: Int
    /// (B, T) each.
    var inputs: [Int32]
    var targets: [Int32]
    var optimizer: Optimizer
    /// One per optimizer step: its lr, the loss before its update, the gradient norm before clipping.
    var steps: [Step]
    /// The loss after the last update.
    var finalLoss: Double
    var step0GradientNorms: [TensorNorm]

    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pinned")

    static func load() throws -> PinnedReference {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(PinnedReference.self, from: Data(contentsOf: folder.appendingPathComponent("reference.json")))
    }

    /// PyTorch's logits of the initial weights on the batch, (B, T, V).
    static func logits() throws -> [Float] {
        try SafetensorsFile(contentsOf: folder.appendingPathComponent("reference.safetensors")).tensor(named: "logits").values
    }

    func schedule() throws -> LearningRateSchedule {
        let type = try #require(SchedulerType(rawValue: optimizer.lrSchedulerType), "lr_scheduler_type \(optimizer.lrSchedulerType)")
        return LearningRateSchedule(
            type: type, peak: optimizer.learningRate, totalSteps: optimizer.maxSteps, warmupSteps: optimizer.warmupSteps,
            minLRRatio: optimizer.minLrRatio)
    }
}

/// The fixture's model, read as `rewarm generate` or `init_from` reads a Hugging Face folder.
private func pinnedModel() throws -> LlamaModel {
    try ModelFolder.checkpoint(PinnedReference.folder.path).loadModel()
}

/// What one step of the engine's training gave.
private struct EngineStep {
    var learningRate: Double
    var loss: Double
    var gradNorm: Double
}

/// `r.optimizer.maxSteps` training steps of `model` on the fixture's batch, each as
/// `Trainer.train` makes it (one micro-batch): lr from the schedule, zeroed gradients,
/// forward + backward of the mean loss, global-norm clipping, AdamW with step t = s + 1.
/// Returns the steps and the loss after the last update.
private func trainPinned(_ model: LlamaModel, _ r: PinnedReference) throws -> (steps: [EngineStep], finalLoss: Double) {
    let B = r.batchSize, T = r.sequenceLength, o = r.optimizer
    let schedule = try r.schedule()
    let optimizer = OptimizerState(for: model)
    var steps: [EngineStep] = []
    return r.inputs.withUnsafeBufferPointer { inputs in
        r.targets.withUnsafeBufferPointer { targets in
            for s in 0..<o.maxSteps {
                let lr = schedule.learningRate(atStep: s)
                model.zeroGradients()
                let loss = model.forwardBackward(
                    inputs: inputs.baseAddress!, targets: targets.baseAddress!, B: B, T: T, lossScale: 1 / Float(B * T))
                let norm = clipGradients([(model.gradients.base, model.gradients.count)], maxNorm: o.maxGradNorm)
                optimizer.update(model, step: s + 1, learningRate: lr, beta1: o.adamBeta1, beta2: o.adamBeta2,
                                 eps: o.adamEpsilon, weightDecay: o.weightDecay)
                steps.append(EngineStep(learningRate: lr, loss: loss, gradNorm: norm))
            }
            return (steps, model.meanLoss(inputs: inputs.baseAddress!, targets: targets.baseAddress!, B: B, T: T))
        }
    }
}

@Suite struct PinnedLossesTests {
    @Test("the engine's logits of the pinned model match PyTorch's within 1e-4")
    func logitsMatchPyTorch() throws {
        let r = try PinnedReference.load()
        let model = try pinnedModel()
        let B = r.batchSize, T = r.sequenceLength
        _ = r.inputs.withUnsafeBufferPointer { model.forward(inputs: $0.baseAddress!, targets: nil, B: B, T: T) }
        let expected = try PinnedReference.logits()
        #expect(expected.count == B * T * 256)
        expectClose(model.logits(B: B, T: T), expected, rel: 0, abs: 1e-4, "logits, index (b x T + t) x V + v")
    }

    @Test("the engine's first gradients match PyTorch's tensor by tensor (L2 norms within 1e-4 relative)")
    func firstGradientsMatchPyTorch() throws {
        let r = try PinnedReference.load()
        let model = try pinnedModel()
        let loss = r.inputs.withUnsafeBufferPointer { i in
            r.targets.withUnsafeBufferPointer { t in
                model.forwardBackward(inputs: i.baseAddress!, targets: t.baseAddress!, B: r.batchSize, T: r.sequenceLength,
                                      lossScale: 1 / Float(r.batchSize * r.sequenceLength))
            }
        }
        #expect(abs(loss - r.steps[0].loss) <= 1e-5, "step-0 loss \(loss), PyTorch \(r.steps[0].loss)")
        #expect(Set(model.trainableTensors.map(\.name)) == Set(r.step0GradientNorms.map(\.name)))
        let engine = Dictionary(uniqueKeysWithValues: model.trainableTensors.map { t in
            (t.name, globalNorm([(UnsafePointer(t.gradient), t.count)]))
        })
        func relativeError(_ t: PinnedReference.TensorNorm) -> Double {
            let e = abs((engine[t.name] ?? .nan) - t.norm) / t.norm
            return e.isNaN ? .infinity : e
        }
        let worst = r.step0GradientNorms.max { relativeError($0) < relativeError($1) }!
        #expect(relativeError(worst) <= 1e-4,
                "worst tensor \(worst.name): gradient norm \(engine[worst.name] ?? .nan), PyTorch \(worst.norm)")
    }

    @Test("the pinned run's AdamW steps give PyTorch's losses within 1e-5, its gradient norms and learning rates",
          arguments: [1, 2])
    func lossesMatchPyTorch(workers: Int) throws {
        let r = try PinnedReference.load()
        #expect(r.steps.count == r.optimizer.maxSteps)
        let model = try pinnedModel()
        // one worker: forward then backward; two: the batch split across data-parallel workers
        let run = try Parallel.withThreads(workers) { try trainPinned(model, r) }
        expectClose(run.steps.map(\.learningRate), r.steps.map(\.learningRate), rel: 1e-12, abs: 1e-15,
                    "learning rate per step (index = step)")
        expectClose(run.steps.map(\.loss) + [run.finalLoss], r.steps.map(\.loss) + [r.finalLoss], rel: 0, abs: 1e-5,
                    "loss per step (index = step; the last is after the final update)")
        expectClose(run.steps.map(\.gradNorm), r.steps.map(\.gradNorm), rel: 1e-4, abs: 0,
                    "gradient norm before clipping per step (index = step)")
    }
}
