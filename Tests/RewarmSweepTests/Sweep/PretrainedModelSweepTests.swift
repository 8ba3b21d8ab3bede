import Foundation
import Testing
@testable import RewarmEngine
#if canImport(Glibc)
import Glibc
#endif

/// The pieces of `make run-real` on a model small enough for a test: a pre-trained GQA model
/// with tied embeddings and a BPE tokenizer (both built here) continued through `rewarm sweep`.
enum PretrainedModelFixture {
    /// The 256 byte tokens of a byte-level BPE, spelled in GPT-2's alphabet (the engine's own).
    static func byteLevelTokens() -> [String] {
        ByteLevelAlphabet.scalarOfByte.map { String(Character(Unicode.Scalar($0)!)) }
    }

    static let englishWords = ["river", "stone", "lamp", "garden", "winter", "bread", "window", "quiet", "north", "song"]
    static let chineseWords = ["你好", "世界", "中文", "学习", "河流", "石头", "花园", "冬天"]

    /// `documents` documents of words drawn in a fixed order, separated by blank lines.
    static func corpus(_ words: [String], documents: Int, separator: String) -> String {
        (0..<documents).map { d in
            (0..<12).map { w in words[(d * 7 + w * w + w) % words.count] }.joined(separator: separator)
        }.joined(separator: "\n\n") + "\n"
    }

    /// Writes `en.txt` (D0's stand-in), `zh.txt` (D1) and `model/` (a Hugging Face folder: 2
    /// layers, 4 query heads over 2 key/value heads, tied embeddings, a byte-level BPE of 256
    /// bytes + 40 merges learned on both corpora, trained for nothing: random weights stand in
    /// for pre-training) into `folder`.
    static func write(into folder: URL) throws {
        let english = corpus(englishWords, documents: 120, separator: " ")
        let chinese = corpus(chineseWords, documents: 120, separator: "")
        try Data(english.utf8).write(to: folder.appendingPathComponent("en.txt"))
        try Data(chinese.utf8).write(to: folder.appendingPathComponent("zh.txt"))
        let bytes = try BPETokenizer(tokens: byteLevelTokens(), merges: [], preTokenizer: .smolLM)
        let documents = (english + chinese).components(separatedBy: "\n\n").map { ArraySlice(Array($0.utf8)) }
        let tokenizer = try BPEVocabularyExtension.train(base: bytes, documents: documents, newTokens: 40).tokenizer
        let config = ModelConfig(vocabSize: tokenizer.vocabularySize, hiddenSize: 16, numHiddenLayers: 2,
                                 numAttentionHeads: 4, numKeyValueHeads: 2, intermediateSize: 32,
                                 maxPositionEmbeddings: 64, ropeTheta: 10_000, tieWordEmbeddings: true)
        let model = LlamaModel(config: config)
        model.initializeWeights(seed: 7, std: 0.1)
        let modelFolder = folder.appendingPathComponent("model")
        try HuggingFaceFolder.write(model, to: modelFolder)
        try tokenizer.writeHuggingFace(folder: modelFolder.path)
    }

    /// The real quickstart's design on the fixture: rewarmed to two max LRs, a fixed lr without
    /// warmup (the constant-LR baseline), one trial with an extended vocabulary, and Chinese-LLaMA's
    /// two stages in one trial (embeddings and head for 900 steps, then LoRA + both for 600); long
    /// enough (1,500 steps) to interrupt while trials run.
    static let spec = """
        name: pretrained
        base:
          model: tiny
          dataset: synthetic:a
          max_steps: 1
        defaults:
          init_from: model
          dataset: zh.txt
          upstream: en.txt
          max_steps: 1500
          eval_steps: 300
          warmup_ratio: 0.1
          per_device_train_batch_size: 4
          cutoff_len: 16
          eval_tokens: 256
        grid:
          learning_rate: [1.0e-3, 3.0e-3]
        trials:
          - {name: constant, learning_rate: 3.0e-4, lr_scheduler_type: constant, warmup_ratio: 0.0}
          - {name: extended, extend_vocabulary_train_on: zh.txt, extend_vocabulary_new_tokens: 6}
          - name: two-stage
            stages:
              - {max_steps: 900, finetuning_type: freeze, trainable_modules: [embed_tokens, lm_head]}
              - {max_steps: 600, finetuning_type: lora, lora_rank: 2, modules_to_save: [embed_tokens, lm_head]}
        seeds: [1]

        """
    static let trials = 5
    static let evaluations = [0, 300, 600, 900, 1200, 1500]
}

extension SweepEndToEndTests {
    @Suite("A sweep of a pre-trained BPE model (GQA, tied embeddings) from the command line")
    struct PretrainedModel {
        @Test("it resumes after SIGKILL with every trial once, stores bits per byte, and reports its verdicts in bits per byte")
        func killedResumedReported() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            try PretrainedModelFixture.write(into: folder.url)
            let spec = try folder.write("pretrained.yaml", PretrainedModelFixture.spec)

            // Given the sweep running, killed once a trial has evaluated past step 0
            let sweep = try RewarmCommand.Running(folder.sweepArguments(spec), in: folder.url)
            var unfinished: Set<String> = []
            let midway = try await waitUntil(timeout: 120) {
                let trials = folder.trialFolders(sweep: "pretrained")
                let evaluated = trials.values.contains { RunFolder.metricSteps($0).contains { $0 > 0 } }
                unfinished = Set(trials.keys.filter { RunFolder.count("completed at step", in: trials[$0]!) == 0 })
                return !sweep.isRunning
                    || (evaluated && (unfinished.count > 0 || trials.count < PretrainedModelFixture.trials))
            }
            try #require(midway && sweep.isRunning, "the sweep ended or stalled before a trial evaluated past step 0")
            sweep.send(SIGKILL)
            _ = try await sweep.finish(timeout: 20)
            #expect(try await waitUntil(timeout: 20) { trialProcesses(under: folder.results).isEmpty })

            // When it runs again, it completes every trial exactly once
            let resumed = try await folder.sweep(spec)
            try #require(resumed.exitCode == 0, "stderr: \(resumed.stderr)")
            let db = try ResultsDatabase(folder.database)
            let states = try db.trialStates(sweep: "pretrained")
            #expect(states.count == PretrainedModelFixture.trials && states.values.allSatisfy { $0 == "completed" },
                    "\(states)")
            #expect(try db.duplicatedMetricRows() == 0)
            for (id, steps) in try db.metricSteps(sweep: "pretrained") {
                #expect(steps == PretrainedModelFixture.evaluations, "trial \(id)")
            }
            let trials = folder.trialFolders(sweep: "pretrained")
            for (id, dir) in trials {
                #expect(RunFolder.count("completed at step", in: dir) == 1, "trial \(id): \(RunFolder.logLines(dir))")
            }
            RunFolder.expectResumedWhereStopped(trials.filter { unfinished.contains($0.key) })
            // And every evaluation has its losses in bits per byte beside the nats
            #expect(try db.count("metric") == PretrainedModelFixture.trials * PretrainedModelFixture.evaluations.count)
            #expect(try db.metricsWithoutBitsPerByte() == 0)
            #expect(folder.baseFolders().isEmpty, "no trial starts from the base, so none is trained")
            // And the staged trial's stages each trained in their own folder, counted on one timeline
            let staged = trials.values.filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("stage-2").path) }
            try #require(staged.count == 1, "one staged trial")
            #expect(RunFolder.metricSteps(staged[0].appendingPathComponent("stage-2")) == [0, 300, 600])
            #expect(RunFolder.logLines(staged[0]).contains { $0.hasPrefix("stage 2 of 2 starts at step 900") }
                || RunFolder.logLines(staged[0]).contains { $0.contains("(stage 2 of 2)") })

            // And its report compares the runs in bits per byte, F3 and F4 among its findings
            let report = try await RewarmCommand.run(["report", "pretrained", "--results", folder.results.path],
                                                     in: folder.url)
            try #require(report.exitCode == 0, "stderr: \(report.stderr)")
            let text = try String(contentsOf: folder.results.appendingPathComponent("pretrained/report.md"), encoding: .utf8)
            #expect(text.contains("verdicts are in bits per byte of text, not nats per token"))
            #expect(text.contains("final validation losses (bits per byte)"))
            for finding in ["F2", "F3", "F4"] {
                #expect(text.contains("| \(finding) "), "\(finding) missing from the report")
            }
        }
    }
}
