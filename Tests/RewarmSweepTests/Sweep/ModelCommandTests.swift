import Foundation
import Testing
import RewarmEngine

/// `rewarm export --format hf`, `merge` and `generate` run as a user runs them.
@Suite struct ModelCommandTests {
    @Test("a LoRA run exports as a Hugging Face folder with its adapter, merges, and generates from any of them")
    func exportMergeGenerate() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewarm-model-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("""
            model: tiny
            dataset: synthetic:a
            max_steps: 4
            eval_steps: 4
            per_device_train_batch_size: 2
            cutoff_len: 16
            eval_tokens: 256
            finetuning_type: lora
            output_dir: run
            """.utf8).write(to: dir.appendingPathComponent("c.yaml"))
        let train = try await RewarmCommand.run(["train", "--config", "c.yaml", "--quiet"], in: dir)
        try #require(train.exitCode == 0, "\(train.stderr)")

        let export = try await RewarmCommand.run(["export", "run", "--format", "hf", "--out", "hf"], in: dir)
        #expect(export.exitCode == 0, "\(export.stderr)")
        for file in ["hf/config.json", "hf/model.safetensors", "hf/tokenizer.json", "hf/adapter/adapter_config.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "\(file)")
        }
        let noOut = try await RewarmCommand.run(["export", "run", "--format", "hf"], in: dir)
        #expect(noOut.exitCode == 64 && noOut.stderr.contains("--format hf needs --out DIR"))

        let merge = try await RewarmCommand.run(["merge", "hf", "--out", "merged"], in: dir)
        #expect(merge.exitCode == 0, "\(merge.stderr)")
        let again = try await RewarmCommand.run(["merge", "merged", "--out", "x"], in: dir)
        #expect(again.exitCode == 2 && again.stderrLines.count == 1 && again.stderr.contains("has no adapter to merge"))

        var dumps: [[Float]] = []
        for source in ["run", "hf", "merged"] {
            let out = "\(source).logits.safetensors"
            let gen = try await RewarmCommand.run(
                ["generate", source, "--prompt", "é世", "--max-new-tokens", "24", "--temperature", "2", "--seed", "3",
                 "--dump-logits", out], in: dir)
            #expect(gen.exitCode == 0, "\(gen.stderr)")
            #expect(gen.stdout.hasPrefix("é世") && gen.stdout.hasSuffix("\n"))
            let file = try SafetensorsFile(contentsOf: dir.appendingPathComponent(out))
            let logits = try file.tensor(named: "logits")
            #expect(logits.shape == [5, 256])  // "é世" is 5 bytes
            dumps.append(logits.values)
        }
        #expect(dumps[0] == dumps[1])  // the run and its export: bit for bit
        #expect(zip(dumps[0], dumps[2]).allSatisfy { abs($0 - $1) < 1e-5 })  // merged: rounding only

        let missing = try await RewarmCommand.run(["generate", "nowhere", "--prompt", "a"], in: dir)
        #expect(missing.exitCode == 2 && missing.stderrLines.count == 1 && missing.stderr.contains("nowhere"))
    }
}
