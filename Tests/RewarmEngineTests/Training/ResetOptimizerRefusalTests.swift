import Foundation
import Testing
@testable import RewarmEngine

/// `reset_optimizer: false` needs a Rewarm checkpoint with AdamW moments for every weight: every
/// other combination is refused with one line naming the key, before anything is written.
@Suite("reset_optimizer false: refused combinations")
struct ResetOptimizerRefusalTests {
    /// A finished base run of `finetuningType`.
    func base(_ finetuningType: String = "full") throws -> URL {
        let dir = temporaryFolder("refuse-base")
        try train(tinyRunConfig(dir, ["max_steps": 4, "eval_steps": 4, "finetuning_type": .string(finetuningType)]))
        return dir
    }

    /// The one-line error of starting a continual run from `initFrom` with `reset_optimizer:
    /// false` and `extra`; records an issue if the run starts, or if it wrote its run folder.
    func refusal(from initFrom: String, _ extra: [String: ConfigValue] = [:]) -> String {
        let dir = temporaryFolder("refuse").appendingPathComponent("run")
        var values: [String: ConfigValue] = ["dataset": "synthetic:b", "init_from": .string(initFrom),
                                             "reset_optimizer": false]
        for (k, v) in extra { values[k] = v }
        do {
            _ = try Trainer(ResolvedRun(tinyRunConfig(dir, values)), resume: false)
            Issue.record("reset_optimizer false from \(initFrom) with \(extra) was accepted")
            return ""
        } catch {
            #expect(!FileManager.default.fileExists(atPath: dir.path), "nothing written")
            let line = "\(error)"
            #expect(!line.contains("\n"), "one line: \(line)")
            return line
        }
    }

    @Test("reset_optimizer false from scratch is refused: there is no optimizer state to carry")
    func fromScratch() {
        #expect(throws: ConfigError.conflict(
            source: "test", key: "reset_optimizer",
            problem: "false needs init_from (it carries the checkpoint's AdamW moments)",
            otherKey: "init_from", otherState: "starts from scratch")) {
            try tinyRunConfig(temporaryFolder("scratch"), ["reset_optimizer": false])
        }
    }

    @Test("reset_optimizer false with lora, qlora or freeze is refused, saying why",
          arguments: ["lora", "qlora", "freeze"])
    func notFull(finetuningType: String) {
        // refused with the config, before init_from is opened
        let line = refusal(from: "/nonexistent/base", ["finetuning_type": .string(finetuningType)])
        #expect(line.hasPrefix("test: reset_optimizer false needs finetuning_type full (the carried moments are "
            + "the base's, for every weight; "), "\(line)")
        #expect(line.hasSuffix("), but finetuning_type is \(finetuningType)"), "\(line)")
        #expect(line.contains(finetuningType == "freeze" ? "only the last layers" : "new adapters"), "\(line)")
    }

    @Test("reset_optimizer false from a Hugging Face folder or a GGUF file is refused: they hold weights only")
    func pretrainedModels() throws {
        let hf = temporaryFolder("refuse-hf").appendingPathComponent("hf")
        try HuggingFaceFolder.write(byteModel(lora: false), to: hf)
        #expect(refusal(from: hf.path) == "reset_optimizer: false needs init_from a Rewarm checkpoint with AdamW "
            + "moments; \(hf.path) is a Hugging Face folder, which holds weights only")
        let gguf = TinyLlamaGGUF.file("tied-q8_0").path
        #expect(refusal(from: gguf) == "reset_optimizer: false needs init_from a Rewarm checkpoint with AdamW "
            + "moments; \(gguf) is a GGUF file, which holds weights only")
    }

    @Test("reset_optimizer false from a LoRA base is refused: its moments cover only its adapters")
    func loraBase() throws {
        let checkpoint = try base("lora").appendingPathComponent("checkpoint-4")
        #expect(refusal(from: checkpoint.path) == "reset_optimizer: false needs a base trained with finetuning_type "
            + "full; \(checkpoint.path) was trained with lora, so its AdamW moments cover only its adapters")
    }

    @Test("reset_optimizer false from a checkpoint without its moments is refused naming the file")
    func missingMoments() throws {
        let checkpoint = try base().appendingPathComponent("checkpoint-4")
        let file = checkpoint.appendingPathComponent("optimizer.safetensors")
        // only the first moments left
        let saved = try SafetensorsFile(contentsOf: file)
        let firstMoments = try saved.names.filter { $0.hasSuffix(".exp_avg") }.map { name in
            let t = try saved.tensor(named: name)
            return SafetensorsTensor(name: name, shape: t.shape, values: t.values)
        }
        try SafetensorsWriter.write(firstMoments, to: file)
        #expect(refusal(from: checkpoint.path) == "reset_optimizer: false needs the checkpoint's AdamW moments: "
            + "\(file.path): no tensor named 'model.embed_tokens.weight.exp_avg_sq'")
        try FileManager.default.removeItem(at: file)
        #expect(refusal(from: checkpoint.path) == "reset_optimizer: false needs the checkpoint's AdamW moments: "
            + "\(file.path): no such file")
    }
}
