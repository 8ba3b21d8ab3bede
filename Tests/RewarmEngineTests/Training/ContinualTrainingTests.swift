import Foundation
import Testing
@testable import RewarmEngine

@Suite("Continual pre-training from a checkpoint")
struct ContinualTrainingTests {
    /// A finished base run on synthetic:a (cosine to 0.1 x peak).
    func base() throws -> URL {
        let dir = temporaryFolder("base")
        try train(tinyRunConfig(dir, ["max_steps": 30, "save_at": [0.5, 1.0]]))
        return dir
    }

    @Test("a continual run tracks the base corpus as upstream, starting from the base's own loss")
    func upstreamTracked() throws {
        let baseDir = try base()
        let dir = temporaryFolder("cont")
        let config = try tinyRunConfig(dir, ["dataset": "synthetic:b", "init_from": .string(baseDir.path), "max_steps": 20])
        let run = try ResolvedRun(config)
        #expect(run.config.upstream == "synthetic:a")
        try train(config)
        let m = try metrics(dir)
        let baseFinal = try metrics(baseDir).last!
        #expect(m[0].upstreamLoss == baseFinal.downstreamLoss)
        #expect(m.last!.downstreamLoss < m[0].downstreamLoss)
        #expect(m.last!.upstreamLoss! > m[0].upstreamLoss!, "training on another corpus forgets")
    }

    @Test("rewarm false holds the learning rate where the base's schedule ended")
    func noRewarm() throws {
        let baseDir = try base()
        let dir = temporaryFolder("const")
        try train(tinyRunConfig(dir, ["dataset": "synthetic:b", "init_from": .string(baseDir.path), "rewarm": false, "max_steps": 20]))
        let lrs = Set(try metrics(dir).map(\.stepLR))
        #expect(lrs.count == 1)
        #expect(abs(lrs.first! - 3e-4) < 1e-12, "cosine ends at 0.1 x peak 3e-3, got \(lrs)")
    }

    @Test("an intermediate checkpoint kept by save_at can be the starting point")
    func intermediateCheckpoint() throws {
        let baseDir = try base()
        #expect(Checkpoint.list(in: baseDir).map(\.step) == [15, 30])
        let run = try ResolvedRun(tinyRunConfig(temporaryFolder("mid"), ["dataset": "synthetic:b", "init_from": .string(baseDir.appendingPathComponent("checkpoint-15").path), "rewarm": false]))
        #expect(run.initCheckpoint?.state.step == 15)
        #expect(run.schedule.learningRate(atStep: 0) == run.initCheckpoint!.state.schedule.learningRate(atStep: 15))
    }

    @Test("bad run settings are refused with one line naming the key or path")
    func errors() throws {
        let dir = temporaryFolder("err")
        do {
            _ = try ResolvedRun(tinyRunConfig(dir, ["rewarm": false]))
            Issue.record("rewarm: false from scratch accepted")
        } catch let e as ConfigError {
            #expect(e.description.hasSuffix("rewarm false needs init_from (it holds the learning rate where the "
                                            + "checkpoint's schedule ended), but init_from starts from scratch"))
        }
        do {
            _ = try ResolvedRun(tinyRunConfig(dir, ["init_from": "/nonexistent/run"]))
            Issue.record("missing init_from accepted")
        } catch let e as TrainingError {
            #expect(e.description == "init_from '/nonexistent/run': no such folder or file (give a run folder, "
                + "a checkpoint-N folder, a Hugging Face folder or a .gguf file)")
        }
        do {
            _ = try Trainer(ResolvedRun(tinyRunConfig(dir, ["dataset": "/nonexistent/corpus.txt"])), resume: false)
            Issue.record("missing corpus accepted")
        } catch let e as TrainingError {
            #expect(e.description.contains("/nonexistent/corpus.txt"), "\(e)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("config.yaml").path), "nothing written")
        }
    }

    @Test("a truncated checkpoint in init_from is refused naming the file, and no run folder is written")
    func truncatedCheckpoint() throws {
        let baseDir = try base()
        let file = baseDir.appendingPathComponent("checkpoint-30/model.safetensors")
        let bytes = try Data(contentsOf: file)
        try bytes.prefix(bytes.count / 2).write(to: file)
        let dir = temporaryFolder("trunc").appendingPathComponent("run")
        do {
            _ = try Trainer(ResolvedRun(tinyRunConfig(dir, ["dataset": "synthetic:b", "init_from": .string(baseDir.path)])), resume: false)
            Issue.record("a truncated checkpoint was accepted")
        } catch let e as TrainingError {
            #expect(e.description.hasPrefix(file.path), "\(e)")
            #expect(e.description.contains("truncated"), "\(e)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path), "nothing written")
    }
}
