import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension SweepEndToEndTests {
    @Suite("A staged run killed in each stage (rewarm train)")
    struct StagedRunKilled {
        /// Two stages of 1,500 steps of the tiny model from scratch: full training, then LoRA with
        /// the embeddings and head; a checkpoint every 100 steps, evaluations every 500.
        static func config(_ output: String) -> String {
            """
            model: tiny
            dataset: synthetic:a
            per_device_train_batch_size: 4
            cutoff_len: 16
            eval_tokens: 256
            eval_steps: 500
            save_steps: 100
            output_dir: \(output)
            stages:
              - {max_steps: 1500, finetuning_type: full, learning_rate: 3.0e-3}
              - {max_steps: 1500, finetuning_type: lora, lora_rank: 2, modules_to_save: [embed_tokens, lm_head]}

            """
        }

        /// Steps of the checkpoints in `dir`.
        static func checkpointSteps(_ dir: URL) -> [Int] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.compactMap { $0.hasPrefix("checkpoint-") ? Int($0.dropFirst("checkpoint-".count)) : nil }
        }

        /// Starts `rewarm train`, waits until `stage` has a checkpoint strictly inside the stage, kills it.
        static func killInside(stage: String, _ arguments: [String], folder: SweepFolder) async throws {
            let run = try RewarmCommand.Running(arguments, in: folder.url)
            let dir = folder.url.appendingPathComponent("parts/\(stage)")
            let inside = try await waitUntil(timeout: 120) {
                !run.isRunning || checkpointSteps(dir).contains { $0 > 0 && $0 < 1500 }
            }
            try #require(inside && run.isRunning, "\(stage) ended before a checkpoint inside it")
            run.send(SIGKILL)
            _ = try await run.finish(timeout: 20)
        }

        @Test("killed (SIGKILL) inside each stage and resumed, it ends with the uninterrupted run's metrics and weights")
        func killedInEachStage() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            let whole = try folder.write("whole.yaml", Self.config("whole"))
            let parts = try folder.write("parts.yaml", Self.config("parts"))
            let uninterrupted = try await RewarmCommand.run(["train", "--config", whole.path, "--quiet"], in: folder.url)
            try #require(uninterrupted.exitCode == 0, "stderr: \(uninterrupted.stderr)")

            try await Self.killInside(stage: "stage-1", ["train", "--config", parts.path, "--quiet"], folder: folder)
            #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("parts/stage-2").path))
            try await Self.killInside(stage: "stage-2", ["train", "--config", parts.path, "--quiet", "--resume"],
                                      folder: folder)
            let resumed = try await RewarmCommand.run(["train", "--config", parts.path, "--quiet", "--resume"],
                                                      in: folder.url)
            try #require(resumed.exitCode == 0, "stderr: \(resumed.stderr)")

            // the same evaluations, bit for bit (wall time aside), on one timeline of 3,000 steps
            func evaluations(_ run: String) throws -> [String] {
                let text = try String(contentsOf: folder.url.appendingPathComponent("\(run)/metrics.jsonl"), encoding: .utf8)
                return text.split(separator: "\n").map { line in
                    line.replacingOccurrences(of: #""wall_s":[0-9.e+-]+"#, with: "", options: .regularExpression)
                }
            }
            #expect(try evaluations("parts") == evaluations("whole"))
            #expect(RunFolder.metricSteps(folder.url.appendingPathComponent("parts")) == [0, 500, 1000, 1500, 2000, 2500, 3000])
            for file in ["model.safetensors", "adapter_model.safetensors", "optimizer.safetensors"] {
                let a = try Data(contentsOf: folder.url.appendingPathComponent("parts/stage-2/checkpoint-1500/\(file)"))
                let b = try Data(contentsOf: folder.url.appendingPathComponent("whole/stage-2/checkpoint-1500/\(file)"))
                #expect(a == b, "\(file) differs")
            }
        }
    }
}
