import Foundation
import Testing
@testable import RewarmEngine

/// Llama GGUF files as model sources. The fixtures in `Tests/Fixtures/gguf/tiny-llama/` were
/// written by `scripts/make_gguf_llama_fixture.py` from known weights (transformers'
/// `LlamaForCausalLM`, 4 heads on 2 key/value heads, V 260), the query and key rows permuted as
/// llama.cpp's converter does: `untied-f32.gguf` (F32, untied) and `tied-q8_0.gguf` (Q8_0 linear
/// weights and embeddings, tied, no `rope.freq_base`); beside each, `<name>-hf/` holds the weights a
/// reader must get, saved by transformers, and `reference.json` transformers' logits on `ids`.
enum TinyLlamaGGUF {
    static let repo = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let folder = repo.appendingPathComponent("Tests/Fixtures/gguf/tiny-llama")
    static let names = ["untied-f32", "tied-q8_0"]

    static func file(_ name: String) -> URL { folder.appendingPathComponent(name + ".gguf") }
    static func hfFolder(_ name: String) -> URL { folder.appendingPathComponent(name + "-hf") }

    /// transformers' logits (T, V) on the token ids of `reference.json`, flattened.
    static func reference(_ name: String) throws -> (ids: [Int32], logits: [Float]) {
        let url = folder.appendingPathComponent("reference.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        let entry = (json as! [String: Any])[name] as! [String: Any]
        let ids = (entry["ids"] as! [NSNumber]).map { Int32($0.intValue) }
        let logits = (entry["logits"] as! [[NSNumber]]).flatMap { $0.map { $0.floatValue } }
        return (ids, logits)
    }
}

@Suite struct GGUFModelTests {
    @Test("each tiny Llama GGUF reads as exactly the weights and config of its Hugging Face folder",
          arguments: TinyLlamaGGUF.names)
    func weightsEqualTheHuggingFaceOnes(name: String) throws {
        let gguf = try Checkpoint(ggufFile: TinyLlamaGGUF.file(name))
        let hf = try ModelFolder.checkpoint(TinyLlamaGGUF.hfFolder(name).path)
        #expect(gguf.source == .gguf && gguf.isPretrainedModel && !gguf.hasAdapter)
        #expect(gguf.state.model == hf.state.model)
        #expect(gguf.state.model.numKeyValueHeads == 2 && gguf.state.model.tieWordEmbeddings == name.hasPrefix("tied"))
        let ours = try gguf.loadModel(), theirs = try hf.loadModel()
        #expect(ours.weights.specs == theirs.weights.specs)
        for spec in theirs.weights.specs {
            let a = ours.weights.values(spec.name), b = theirs.weights.values(spec.name)
            let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0, equal = a == b  // a short failure line
            #expect(equal, "\(spec.name): max abs diff \(worst)")
        }
    }

    @Test("a tiny Llama GGUF gives the logits of its Hugging Face folder exactly, and transformers' within 1e-4",
          arguments: TinyLlamaGGUF.names)
    func logitsMatch(name: String) throws {
        let (ids, expected) = try TinyLlamaGGUF.reference(name)
        let ours = TextGenerator(model: try ModelFolder.checkpoint(TinyLlamaGGUF.file(name).path).loadModel())
        let hf = TextGenerator(model: try ModelFolder.checkpoint(TinyLlamaGGUF.hfFolder(name).path).loadModel())
        let logits = ours.logits(ids), hfLogits = hf.logits(ids)
        let same = logits == hfLogits  // a short failure line
        #expect(same, "max abs diff \(zip(logits, hfLogits).map { abs($0 - $1) }.max() ?? 0)")
        #expect(logits.count == expected.count)
        let (index, diff) = zip(logits, expected).enumerated().map { ($0, abs($1.0 - $1.1)) }.max { $0.1 < $1.1 }!
        #expect(diff <= 1e-4, "worst logit \(index): \(logits[index]) vs transformers' \(expected[index])")
    }

    @Test("without the row un-permutation the query weights would differ: the fixture's q rows are permuted")
    func rowsArePermutedInTheFile() throws {
        let model = try GGUFModel(contentsOf: TinyLlamaGGUF.file("untied-f32"))
        #expect((0..<8).map { GGUFModel.ggufRow(ofHFRow: $0, headDim: 8) } == [0, 2, 4, 6, 1, 3, 5, 7])
        #expect(GGUFModel.ggufRow(ofHFRow: 12, headDim: 8) == 8 + 1)
        let hf = try ModelFolder.checkpoint(TinyLlamaGGUF.hfFolder("untied-f32").path).loadModel()
        let q = WeightNames.linear("q_proj", layer: 1), k = WeightNames.linear("k_proj", layer: 0)
        #expect(model.permutedHeads(of: q) == 4 && model.permutedHeads(of: k) == 2)
        #expect(model.permutedHeads(of: WeightNames.linear("v_proj", layer: 0)) == nil)
        let stored = try model.file.dequantize(named: "blk.1.attn_q.weight")
        #expect(stored != hf.weights.values(q))
        let raw = try model.rawTensor(q)
        #expect(raw.info.type == .f32 && raw.info.dimensions == [32, 32] && raw.bytes.count == 32 * 32 * 4)
        // HF row r is file row ggufRow(r)
        let row5 = Array(stored[GGUFModel.ggufRow(ofHFRow: 5, headDim: 8) * 32 ..< (GGUFModel.ggufRow(ofHFRow: 5,
                                                                                             headDim: 8) + 1) * 32])
        #expect(row5 == Array(hf.weights.values(q)[5 * 32 ..< 6 * 32]))
        let quantized = try GGUFModel(contentsOf: TinyLlamaGGUF.file("tied-q8_0")).rawTensor(k)
        #expect(quantized.info.type == .q8_0 && quantized.bytes.count == 16 * 34)
    }

    @Test("init_from a relative .gguf path resolves its shape keys, the context as cutoff_len, and loads its weights")
    func initFromResolves() throws {
        let dir = temporaryFolder("gguf-init")
        let config = try RunConfig(values: [
            "model": "tiny", "dataset": "synthetic:a", "max_steps": 2, "eval_steps": 2, "learning_rate": 1e-3,
            "per_device_train_batch_size": 2, "eval_tokens": 256, "output_dir": .string(dir.path),
            "init_from": "tied-q8_0.gguf",
        ], source: "test")
        let run = try ResolvedRun(config, workingDirectory: TinyLlamaGGUF.folder)
        let file = try Checkpoint(ggufFile: TinyLlamaGGUF.file("tied-q8_0"))
        #expect(run.initCheckpoint?.source == .gguf)
        #expect(run.config.initFrom == TinyLlamaGGUF.file("tied-q8_0").standardizedFileURL.path)
        #expect(run.config.cutoffLen == 64 && run.config.model == file.state.model)
        #expect(run.config.upstream == nil)
        let slab = ParameterSlab(WeightNames.baseTensors(run.config.model))
        try run.initCheckpoint!.loadMergedWeights(into: slab)
        #expect(slab.snapshot() == (try file.loadModel()).weights.snapshot())
        try train(config.placed(initFrom: TinyLlamaGGUF.file("tied-q8_0").path, outputDir: dir.path, runName: "g"))
        #expect(Checkpoint.list(in: dir).last?.step == 2)
    }

    @Test("rewarm: false and replay without upstream from a GGUF file are refused: it has no schedule or dataset")
    func noScheduleOrDataset() throws {
        let dir = temporaryFolder("gguf-noschedule")
        let path = ConfigValue.string(TinyLlamaGGUF.file("tied-q8_0").path)
        #expect(throws: TrainingError.invalid(
            key: "rewarm", reason: "false needs a Rewarm checkpoint as init_from (a Hugging Face folder or GGUF file "
                + "has no schedule)")) {
            try ResolvedRun(tinyRunConfig(dir, ["init_from": path, "rewarm": false]))
        }
        #expect(throws: TrainingError.invalid(
            key: "replay_ratio", reason: "0.1 needs an upstream corpus to replay, and a Hugging Face folder or GGUF "
                + "file records no dataset (set upstream)")) {
            try ResolvedRun(tinyRunConfig(dir, ["init_from": path, "replay_ratio": 0.1]))
        }
    }
}

/// The real SmolLM2-135M-Instruct GGUF (`scripts/fetch-model` puts it in `models/`).
@Suite struct SmolLM2GGUFModelTests {
    static let model = TinyLlamaGGUF.repo.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf")

    @Test("SmolLM2-135M's GGUF reads as the smollm2-135m shape with Hugging Face q/k rows",
          .enabled(if: FileManager.default.fileExists(atPath: model.path),
                   "no models/SmolLM2-135M-Instruct.Q4_1.gguf (run scripts/fetch-model)"))
    func smolLM2() throws {
        let checkpoint = try ModelFolder.checkpoint(Self.model.path)
        var expected = ModelConfig.preset("smollm2-135m")!
        expected.maxPositionEmbeddings = 8192
        #expect(checkpoint.state.model == expected)
        let run = try ResolvedRun(RunConfig(values: [
            "dataset": "synthetic:a", "init_from": "models/SmolLM2-135M-Instruct.Q4_1.gguf",
            "output_dir": "/tmp/unused",
        ], source: "test"), workingDirectory: TinyLlamaGGUF.repo)
        #expect(run.config.model == expected && run.config.cutoffLen == 8192 && run.initCheckpoint?.source == .gguf)
        let model = try checkpoint.loadModel()
        let file = checkpoint.ggufModel!.file
        let k = try file.dequantize(named: "blk.3.attn_k.weight")
        let v = try file.dequantize(named: "blk.29.attn_v.weight")
        let kName = WeightNames.linear("k_proj", layer: 3), vName = WeightNames.linear("v_proj", layer: 29)
        for row in [0, 1, 31, 32, 100, 191] {
            let from = GGUFModel.ggufRow(ofHFRow: row, headDim: 64) * 576
            #expect(Array(model.weights.values(kName)[row * 576 ..< (row + 1) * 576]) == Array(k[from ..< from + 576]))
        }
        #expect(model.weights.values(vName) == v)
        let logits = TextGenerator(model: model).nextTokenLogits([504, 3458])
        #expect(logits.count == 49_152 && logits.allSatisfy(\.isFinite))
    }
}
