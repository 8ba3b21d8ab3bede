import Foundation
import Testing
@testable import RewarmEngine

/// Staged training in one run (`StagedTrainer`): one timeline over the stages, each stage
/// training what it names from the stage before, exact resume inside any stage.
@Suite("Staged training: stages and recipes in one run")
struct StagedTrainingTests {
    /// A tiny byte model pre-trained for 40 steps on synthetic:a, in `folder/base`.
    func base(_ folder: URL) throws -> URL {
        let dir = folder.appendingPathComponent("base")
        try train(tinyRunConfig(dir))
        return dir
    }

    /// Two stages from `base` on synthetic:b: embeddings and head alone for 10 steps, then LoRA
    /// with both as modules_to_save for 10 (Chinese-LLaMA's recipe), evaluated every 5 steps.
    func twoStages(_ base: URL, _ dir: URL, _ extra: [String: ConfigValue] = [:]) throws -> RunConfig {
        let embeddingsAndHead: ConfigValue = ["embed_tokens", "lm_head"]
        var values: [String: ConfigValue] = [
            "init_from": .string(base.path), "dataset": "synthetic:b", "eval_steps": 5, "save_steps": 3,
            "lora_rank": 2, "max_steps": 20,
            "stages": [
                .map(["max_steps": 10, "finetuning_type": "freeze", "trainable_modules": embeddingsAndHead]),
                .map(["max_steps": 10, "finetuning_type": "lora", "modules_to_save": embeddingsAndHead,
                      "learning_rate": 1e-3]),
            ],
        ]
        for (k, v) in extra { values[k] = v }
        return try tinyRunConfig(dir, values)
    }

    /// Trains `config` (staged or not) to the end, or stops after step `stopAt`.
    @discardableResult
    func trainStaged(_ config: RunConfig, resume: Bool = false, stopAt: Int? = nil) throws -> TrainingOutcome {
        try config.training(resume: resume).train { event in
            if case .step(let r) = event, let stopAt, r.step >= stopAt { return .stop }
            return .proceed
        }
    }

    /// A base and the uninterrupted two-stage run from it (in `whole`), with the folder for the
    /// interrupted one (`parts`, not started).
    func wholeRun(_ label: String) throws -> (base: URL, whole: URL, parts: URL) {
        let folder = temporaryFolder(label)
        let baseDir = try base(folder)
        let whole = folder.appendingPathComponent("whole"), parts = folder.appendingPathComponent("parts")
        try trainStaged(twoStages(baseDir, whole))
        return (baseDir, whole, parts)
    }

    /// The merged weights of the final checkpoint of the run (or stage) folder `dir`.
    func finalWeights(_ dir: URL) throws -> LlamaModel {
        let model = try ResolvedRun.checkpoint(dir.path, workingDirectory: dir).loadModel()
        model.mergeAdapters()
        return model
    }

    func layerTensors(_ model: LlamaModel, layer: Int) -> [String] {
        model.weights.specs.map(\.name).filter { $0.hasPrefix(WeightNames.layerPrefix(layer)) }
    }

    @Test("two stages count steps on, and each stage trains what it names from the stage before")
    func twoStagesTrainInTurn() throws {
        let folder = temporaryFolder("staged")
        let baseDir = try base(folder)
        let dir = folder.appendingPathComponent("run")
        #expect(try trainStaged(twoStages(baseDir, dir)) == .completed(step: 20))

        // One timeline: two stages of 10 steps end at step 20, the second's step 0 not repeated
        let merged = try metrics(dir)
        #expect(merged.map(\.step) == [0, 5, 10, 15, 20])
        #expect(merged.map(\.tokens) == [0, 5, 10, 15, 20].map { $0 * 4 * 16 })
        let first = try metrics(dir.appendingPathComponent("stage-1"))
        let second = try metrics(dir.appendingPathComponent("stage-2"))
        #expect(Array(merged.prefix(3)) == first)
        #expect(second.first?.downstreamLoss == first.last?.downstreamLoss,
                "the second stage starts where the first ended (LoRA's B = 0)")
        #expect(merged.suffix(2).map(\.downstreamLoss) == second.suffix(2).map(\.downstreamLoss))

        // Stage 1 trained the embeddings and head only; stage 2 moved the layers too (LoRA)
        let base = try finalWeights(baseDir)
        let afterFirst = try finalWeights(dir.appendingPathComponent("stage-1"))
        let afterSecond = try finalWeights(dir)
        for name in layerTensors(base, layer: 0) + layerTensors(base, layer: 1) {
            #expect(afterFirst.weights.values(name) == base.weights.values(name), "\(name) frozen in stage 1")
        }
        #expect(afterFirst.weights.values(WeightNames.embedding) != base.weights.values(WeightNames.embedding))
        #expect(afterSecond.weights.values(WeightNames.linear("q_proj", layer: 0))
            != afterFirst.weights.values(WeightNames.linear("q_proj", layer: 0)))
        #expect(afterSecond.weights.values(WeightNames.embedding) != afterFirst.weights.values(WeightNames.embedding),
                "modules_to_save trains the embeddings in stage 2")
        #expect(Trainer.isFinished(dir))
    }

    @Test("a staged run stopped inside each stage resumes to the uninterrupted run's metrics and weights")
    func resumeInEachStage() throws {
        let (baseDir, whole, parts) = try wholeRun("staged-resume")
        #expect(try trainStaged(twoStages(baseDir, parts), stopAt: 7) == .stopped(step: 7))
        #expect(!FileManager.default.fileExists(atPath: parts.appendingPathComponent("stage-2").path))
        // at the boundary: stage 1's final checkpoint is saved, its final evaluation not yet
        #expect(try trainStaged(twoStages(baseDir, parts), resume: true, stopAt: 10) == .stopped(step: 10))
        #expect(try metrics(parts.appendingPathComponent("stage-1")).last?.step == 5)
        #expect(try trainStaged(twoStages(baseDir, parts), resume: true, stopAt: 14) == .stopped(step: 14))
        #expect(try trainStaged(twoStages(baseDir, parts), resume: true) == .completed(step: 20))
        #expect(try metrics(parts) == metrics(whole))
        let a = try finalWeights(parts), b = try finalWeights(whole)
        for spec in a.weights.specs { #expect(a.weights.values(spec.name) == b.weights.values(spec.name), "\(spec.name)") }
        // a finished staged run resumes to nothing, and is refused without --resume
        #expect(try trainStaged(twoStages(baseDir, parts), resume: true) == .completed(step: 20))
        #expect(throws: TrainingError.self) { try trainStaged(twoStages(baseDir, parts)) }
    }

    @Test("a stage killed while writing its final evaluation resumes, evaluates, and goes on to the next stage")
    func tornFinalEvaluation() throws {
        let (baseDir, whole, parts) = try wholeRun("staged-torn")
        #expect(try trainStaged(twoStages(baseDir, parts), stopAt: 12) == .stopped(step: 12))
        // as if killed during stage 1's last evaluation: its line torn, stage 2 not started
        let stageOne = parts.appendingPathComponent("stage-1/metrics.jsonl")
        let lines = try String(contentsOf: stageOne, encoding: .utf8).split(separator: "\n")
        try (lines.dropLast().joined(separator: "\n") + "\n" + lines.last!.prefix(40)).write(
            to: stageOne, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: parts.appendingPathComponent("stage-2"))
        #expect(try trainStaged(twoStages(baseDir, parts), resume: true) == .completed(step: 20))
        #expect(try metrics(parts) == metrics(whole))
    }

    @Test("gradual_unfreeze trains the top layer first, then one more layer")
    func gradualUnfreeze() throws {
        let folder = temporaryFolder("unfreeze")
        let baseDir = try base(folder)
        let dir = folder.appendingPathComponent("run")
        let config = try tinyRunConfig(dir, ["init_from": .string(baseDir.path), "dataset": "synthetic:b",
                                             "recipe": "gradual_unfreeze", "max_steps": 10, "eval_steps": 5])
        try trainStaged(config)
        #expect(try metrics(dir).map(\.step) == [0, 5, 10])
        let base = try finalWeights(baseDir)
        let afterFirst = try finalWeights(dir.appendingPathComponent("stage-1")), afterSecond = try finalWeights(dir)
        for name in layerTensors(base, layer: 0) {
            #expect(afterFirst.weights.values(name) == base.weights.values(name), "\(name) frozen in stage 1")
        }
        let q0 = WeightNames.linear("q_proj", layer: 0), q1 = WeightNames.linear("q_proj", layer: 1)
        #expect(afterFirst.weights.values(q1) != base.weights.values(q1), "the top layer trains in stage 1")
        #expect(afterSecond.weights.values(q0) != afterFirst.weights.values(q0), "layer 0 trains in stage 2")
    }

    @Test("l2_to_base anchors every stage to the run's init_from, not to the stage before")
    func anchorIsTheRunsBase() throws {
        let folder = temporaryFolder("staged-anchor")
        let baseDir = try base(folder)
        let config = try tinyRunConfig(folder.appendingPathComponent("run"), [
            "init_from": .string(baseDir.path), "dataset": "synthetic:b", "recipe": "gradual_unfreeze",
            "max_steps": 4, "eval_steps": 2, "l2_to_base": 0.5,
        ])
        try trainStaged(config)
        let first = try ResolvedRun(config.stageConfigs[0])
        let second = try ResolvedRun(config.stageConfigs[1], after: first)
        #expect(second.initCheckpoint?.location.standardizedFileURL.path.hasSuffix("run/stage-1/checkpoint-2") == true)
        #expect(second.anchorCheckpoint?.location == first.initCheckpoint?.location)
        #expect(second.config.upstream == first.config.upstream && second.config.upstream == "synthetic:a",
                "the upstream corpus is the base's, not the first stage's dataset")
    }

    @Test("two_stage with an extended vocabulary: stage 1 resizes and trains the new rows, stage 2 keeps the tokenizer")
    func twoStageExtendedVocabulary() throws {
        let f = try VocabularyExtensionTests().bpeModelFolder(tied: false)
        let dir = f.folder.appendingPathComponent("run")
        let config = try VocabularyExtensionTests().extensionConfig(f, "run", [
            "recipe": "two_stage", "lora_rank": 2, "max_steps": 6, "eval_steps": 3,
        ])
        try trainStaged(config)
        #expect(try metrics(dir).map(\.step) == [0, 3, 6])
        let checkpoint = try ResolvedRun.checkpoint(dir.path, workingDirectory: dir)
        #expect(checkpoint.state.model.vocabSize == 267)
        guard case .bpe(let saved) = try checkpoint.tokenizer() else { Issue.record("no BPE saved"); return }
        #expect(saved.vocabularySize == 267, "the last stage's checkpoint holds the extended tokenizer")
        let mean = VocabularyResize.meanRows(f.model.weights.values(WeightNames.embedding), rows: 261, columns: 16, to: 267)
        let afterFirst = try finalWeights(dir.appendingPathComponent("stage-1"))
        #expect(Array(afterFirst.weights.values(WeightNames.embedding).suffix(6 * 16)) != Array(mean.suffix(6 * 16)),
                "stage 1 trains the new rows")
    }
}
