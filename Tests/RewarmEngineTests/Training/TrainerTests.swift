import Foundation
import Testing
@testable import RewarmEngine

@Suite("Training runs")
struct TrainerTests {
    @Test("a short training on the synthetic corpus lowers the validation loss clearly")
    func lowersLoss() throws {
        let dir = temporaryFolder("lowers")
        let outcome = try train(tinyRunConfig(dir, ["max_steps": 60, "eval_steps": 20]))
        #expect(outcome == .completed(step: 60))
        let m = try metrics(dir)
        #expect(m.map(\.step) == [0, 20, 40, 60])
        #expect(m.last!.downstreamLoss < 0.6 * m.first!.downstreamLoss, "\(m.map(\.downstreamLoss))")
        #expect(m.first!.trainLoss == nil && m.first!.upstreamLoss == nil)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("checkpoint-60/model.safetensors").path))
    }

    @Test("every metrics line has every key, with null where a value does not exist")
    func metricsKeys() throws {
        let dir = temporaryFolder("keys")
        try train(tinyRunConfig(dir, ["max_steps": 10]))
        let line = try String(contentsOf: dir.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")[0]
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        #expect(Set(object.keys) == Set(MetricsRecord.Field.allCases.map(\.rawValue) + ["tokenizer"]))
        #expect(Set(object.keys) == ["step", "tokens", "step_lr", "train_loss", "upstream_loss", "downstream_loss",
                                     "upstream_bpb", "downstream_bpb", "grad_norm", "wall_s", "tokenizer"])
        #expect(object["upstream_loss"] is NSNull && object["upstream_bpb"] is NSNull)
        #expect(object["tokenizer"] as? String == "bytes")
    }

    @Test("a metrics line written before step_lr had its name (learning_rate) still reads, as step_lr")
    func legacyMetricsLine() throws {
        let old = #"{"downstream_loss":4.5,"grad_norm":null,"learning_rate":0.002,"step":0,"tokens":0,"#
            + #""train_loss":null,"upstream_loss":null,"wall_s":0.5}"#
        let record = try JSONDecoder().decode(MetricsRecord.self, from: Data(old.utf8))
        #expect(record.stepLR == 0.002 && record.downstreamLoss == 4.5 && record.wallSeconds == 0.5)
        let neither = #"{"downstream_loss":4.5,"step":0,"tokens":0,"wall_s":0.5}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(MetricsRecord.self, from: Data(neither.utf8)) }
    }

    @Test("two runs with the same config and seed give identical losses")
    func deterministic() throws {
        let a = temporaryFolder("det-a"), b = temporaryFolder("det-b")
        try train(tinyRunConfig(a))
        try train(tinyRunConfig(b))
        #expect(try metrics(a) == metrics(b))
        let c = temporaryFolder("det-c")
        try train(tinyRunConfig(c, ["seed": 6]))
        #expect(try metrics(a) != metrics(c))
    }

    @Test("a run stopped and resumed gives the same losses as an uninterrupted run", arguments: [
        [String: ConfigValue](),
        ["finetuning_type": "lora", "lora_rank": 2, "lora_dropout": 0.1, "gradient_accumulation_steps": 2],
        ["finetuning_type": "lora", "lora_rank": 2, "modules_to_save": ["embed_tokens", "lm_head"]],
        ["finetuning_type": "freeze", "trainable_modules": ["embed_tokens"], "freeze_trainable_layers": 1],
    ])
    func resumeIsExact(extra: [String: ConfigValue]) throws {
        let whole = temporaryFolder("whole"), parts = temporaryFolder("parts")
        try train(tinyRunConfig(whole, extra))
        let first = try train(tinyRunConfig(parts, extra), stopAt: 17)
        #expect(first == .stopped(step: 17))
        #expect(Checkpoint.list(in: parts).map(\.step) == [17])
        let second = try train(tinyRunConfig(parts, extra), resume: true)
        #expect(second == .completed(step: 40))
        #expect(try metrics(parts) == metrics(whole))
    }

    @Test("a run stopped during an evaluation saves a checkpoint at that step and resumes from it")
    func stopAtEvaluation() throws {
        let dir = temporaryFolder("stop-eval")
        let trainer = try Trainer(ResolvedRun(tinyRunConfig(dir)), resume: false)
        let outcome = try trainer.train { event in
            if case .evaluation(let m) = event, m.step == 20 { return .stop }
            return .proceed
        }
        #expect(outcome == .stopped(step: 20))
        #expect(Checkpoint.list(in: dir).map(\.step) == [20])
        let whole = temporaryFolder("stop-eval-whole")
        try train(tinyRunConfig(whole))
        try train(tinyRunConfig(dir), resume: true)
        #expect(try metrics(dir) == metrics(whole))
    }

    @Test("a run folder that holds a run is refused without resume, and resume with another config is refused")
    func runFolderGuards() throws {
        let dir = temporaryFolder("guard")
        try train(tinyRunConfig(dir, ["max_steps": 10]))
        #expect(throws: TrainingError.self) { try train(tinyRunConfig(dir, ["max_steps": 10])) }
        do {
            try train(tinyRunConfig(dir, ["max_steps": 10, "learning_rate": 1e-3]), resume: true)
            Issue.record("a changed config was resumed")
        } catch let e as TrainingError {
            #expect(e.description.contains("config differs"), "\(e)")
            #expect(e.description.contains("learning_rate"), "\(e)")
        }
    }

    @Test("a diverging run stops and is reported as diverged at its step")
    func divergence() throws {
        let dir = temporaryFolder("diverge")
        let outcome = try train(tinyRunConfig(dir, ["learning_rate": 1e4, "max_grad_norm": 0, "lr_scheduler_type": "constant"]))
        guard case .diverged(let step, _, _) = outcome else {
            Issue.record("expected divergence, got \(outcome)")
            return
        }
        #expect(step < 40)
    }
}
