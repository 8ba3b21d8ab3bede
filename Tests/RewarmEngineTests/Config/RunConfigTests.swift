import Foundation
import Testing
@testable import RewarmEngine

@Suite("Run config: defaults, loading, overrides, round trip")
struct RunConfigTests {
    func load(_ yaml: String, _ overrides: [String] = []) throws -> RunConfig {
        try RunConfig.load(yaml: yaml, source: "config.yaml", overrides: overrides)
    }

    @Test("a config naming only the dataset has every documented default")
    func defaults() throws {
        let c = try load("dataset: fortunes-zh\n")
        #expect(c.modelPreset == "small" && c.hiddenSize == nil && c.cutoffLen == nil)
        #expect(c.ropeTheta == 10_000 && c.rmsNormEps == 1e-5)
        #expect(c.upstream == nil && c.valSize == 0.05 && c.evalTokens == 16_384 && c.replayRatio == 0)
        #expect(c.initFrom == nil)
        #expect(c.learningRate == 1e-3 && c.lrSchedulerType == .cosine && c.warmupRatio == 0 && c.warmupSteps == 0)
        #expect(c.minLrRatio == 0.1 && c.numCycles == 1 && c.power == 1 && c.decayRatio == 0.1 && c.rewarm)
        #expect(c.weightDecay == 0.1 && c.adamBeta1 == 0.9 && c.adamBeta2 == 0.95 && c.adamEpsilon == 1e-8)
        #expect(c.maxGradNorm == 1 && c.perDeviceTrainBatchSize == 16 && c.gradientAccumulationSteps == 1)
        #expect(c.maxSteps == 1000 && c.evalSteps == 100 && c.loggingSteps == 10 && c.saveSteps == 0 && c.saveAt == [])
        #expect(c.seed == 42 && c.threads == 1)
        #expect(c.finetuningType == .full && c.freezeTrainableLayers == 2)
        #expect(c.loraRank == 8 && c.loraAlpha == 16 && c.loraDropout == 0 && c.loraTarget == "all")
        #expect(c.quantizationBit == nil && c.quantizationType == .nf4)
        #expect(c.model == ModelConfig.preset("small"))
        #expect(c.contextLength == 128)
    }

    @Test("the registry lists each key once, with a doc, and its default equals the loaded default")
    func registry() throws {
        let names = RunConfig.keys.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.count == 67)
        #expect(RunConfig.keys.allSatisfy { !$0.doc.isEmpty })
        let loaded = try load("dataset: x\nrun_name: r\noutput_dir: o\n").values
        for key in RunConfig.keys where !["dataset", "run_name", "output_dir"].contains(key.name) {
            let applies = key.appliesTo == nil
            // the later shape keys are left out while null (`keysOmittedWhenNull`), the infinite
            // schedule's while at their default (`keysOmittedAtDefault`)
            let omitted = RunConfig.keysOmittedWhenNull.union(RunConfig.keysOmittedAtDefault).contains(key.name)
            let expected: ConfigValue? = omitted ? Optional.none : (applies ? key.defaultValue : .null)
            #expect(loaded[key.name] == expected, "\(key.name)")
        }
        #expect(RunConfig.keysOmittedWhenNull.allSatisfy { RunConfig.key(named: $0)?.defaultValue == .null })
        #expect(RunConfig.key(named: "learning_rate")?.defaultValue == .double(1e-3))
        #expect(RunConfig.key(named: "lora_rank")?.defaultValue == .int(8))
        #expect(RunConfig.key(named: "dataset")?.isRequired == true)
        #expect(RunConfig.key(named: "dataset")?.defaultValue == .null)
    }

    @Test("a YAML file sets keys of every type and errors name the file as given")
    func yamlFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewarm-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("config.yaml")
        try """
            # a continual run
            model: tiny
            dataset: fortunes-zh
            upstream: fortunes-en
            init_from: results/base/checkpoint-final
            learning_rate: 3e-4
            lr_scheduler_type: warmup_stable_decay
            warmup_steps: 20
            max_steps: 200
            rewarm: false
            save_at: [0.5, 0.25]
            cutoff_len: 64
            """.write(to: file, atomically: true, encoding: .utf8)
        let c = try RunConfig.load(yamlFile: file)
        #expect(c.modelPreset == "tiny" && c.dataset == "fortunes-zh" && c.upstream == "fortunes-en")
        #expect(c.initFrom == "results/base/checkpoint-final")
        #expect(c.learningRate == 3e-4 && c.lrSchedulerType == .warmupStableDecay && c.warmupSteps == 20)
        #expect(c.maxSteps == 200 && !c.rewarm && c.saveAt == [0.25, 0.5])
        #expect(c.cutoffLen == 64 && c.contextLength == 64 && c.model.maxPositionEmbeddings == 64)
        #expect(c.resolvedWarmupSteps == 20)

        try "dataset: x\nmax_steps: 0\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.outOfRange(source: file.relativePath, key: "max_steps", requirement: ">= 1", got: "0")) {
            try RunConfig.load(yamlFile: file)
        }
    }

    @Test("--set overrides win over the file, later ones over earlier ones, and parse as YAML")
    func overrides() throws {
        let c = try load(
            "dataset: fortunes-zh\nlearning_rate: 0.01\nmax_steps: 10\ninit_from: base.ckpt\n",
            ["learning_rate=1e-3", "max_steps=20", "max_steps=30", "save_at=[0.07,0.19,1.0]", "rewarm=false",
             "init_from=runs/other", "dataset=data/*.txt", "run_name=2024", "lora_target=[v_proj, q_proj]",
             "finetuning_type=lora"])
        #expect(c.learningRate == 1e-3)
        #expect(c.maxSteps == 30)
        #expect(c.saveAt == [0.07, 0.19, 1.0])
        #expect(!c.rewarm && c.initFrom == "runs/other")
        #expect(try RunConfig.parseOverride("init_from=null").value == .null)
        #expect(c.dataset == "data/*.txt" && c.runName == "2024" && c.outputDir == "results/runs/2024")
        #expect(c.loraTarget == "q_proj,v_proj")
        #expect(try RunConfig.parseOverride("learning_rate = 1e-3").value == .double(1e-3))
        #expect(try RunConfig.parseOverride("save_at=[0.5,1]").value == .list([.double(0.5), .int(1)]))
    }

    @Test("an override supplies a dataset the file lacks, and an empty file is an empty map")
    func overrideSuppliesRequiredKey() throws {
        #expect(try load("", ["dataset=synthetic:copy"]).dataset == "synthetic:copy")
    }

    @Test("values given in code: ints where numbers are expected, number strings, scratch as no checkpoint")
    func programmaticValues() throws {
        let c = try RunConfig(
            values: ["dataset": "synthetic:copy", "learning_rate": 1, "adam_epsilon": "1e-6", "max_steps": 1e3,
                     "init_from": "scratch", "upstream": "default", "save_at": 1.0],
            source: "test")
        #expect(c.learningRate == 1.0 && c.adamEpsilon == 1e-6 && c.maxSteps == 1000)
        #expect(c.initFrom == nil && c.upstream == nil && c.saveAt == [1.0])
    }

    @Test("the resolved YAML lists every key in registry order and loads back to an equal config")
    func roundTrip() throws {
        let original = try load("""
            model: tiny
            hidden_size: 48
            num_attention_heads: 4
            dataset: 'null'
            upstream: "123"
            init_from: 唐诗/checkpoint-final
            run_name: "a: b"
            learning_rate: 0.30000000000000004
            adam_epsilon: 1e-10
            save_at: [1, 0.5, 0.5]
            finetuning_type: qlora
            lora_target: down_proj,q_proj
            lora_alpha: 32
            lr_scheduler_type: cosine_with_restarts
            num_cycles: 3
            """)
        let yaml = original.yaml()
        let lines = yaml.split(separator: "\n")
        #expect(lines.map { String($0.prefix { $0 != ":" }) }
            == RunConfig.keys.map(\.name).filter {
                !RunConfig.keysOmittedWhenNull.contains($0) && !RunConfig.keysOmittedAtDefault.contains($0)
            })
        #expect(lines.contains("learning_rate: 0.30000000000000004"))
        #expect(lines.contains("adam_epsilon: 1.0e-10"))
        #expect(lines.contains("save_at: [0.5, 1.0]"))
        #expect(lines.contains("quantization_bit: 4"))
        #expect(lines.contains("init_from: 唐诗/checkpoint-final"))
        let reloaded = try RunConfig.load(yaml: yaml, source: "resolved.yaml")
        #expect(reloaded == original)
        #expect(reloaded.dataset == "null" && reloaded.upstream == "123" && reloaded.runName == "a: b")

        let plain = try load("dataset: fortunes-en\nfinetuning_type: full\n")
        #expect(plain.yaml().contains("lora_rank: null\n"))
        #expect(try RunConfig.load(yaml: plain.yaml(), source: "resolved.yaml") == plain)
        #expect(try RunConfig(values: plain.values, source: "values") == plain)
    }

    @Test("JSON encoding goes through the registry and decodes to an equal config")
    func jsonRoundTrip() throws {
        let c = try load("dataset: x\nfinetuning_type: lora\nlora_dropout: 0.05\nsave_at: [0.5]\nwarmup_ratio: 1\n")
        let data = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(RunConfig.self, from: data) == c)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RunConfig.self, from: Data(#"{"dataset": "x", "max_steps": -1}"#.utf8))
        }
    }

    @Test("smollm2-135m is SmolLM2-135M's shape; the later shape keys override a preset and appear in the YAML only when set")
    func laterShapeKeys() throws {
        // rope_theta is a key of its own (default 10000), not the preset's: SmolLM2's is set here
        let smol = try load("dataset: x\nmodel: smollm2-135m\nrope_theta: 100000\n")
        #expect(smol.model == ModelConfig(
            vocabSize: 49_152, hiddenSize: 576, numHiddenLayers: 30, numAttentionHeads: 9, numKeyValueHeads: 3,
            intermediateSize: 1536, maxPositionEmbeddings: 2048, rmsNormEps: 1e-5, ropeTheta: 100_000,
            tieWordEmbeddings: true))
        #expect(!smol.yaml().contains("num_key_value_heads") && !smol.yaml().contains("vocab_size"))
        // num_key_value_heads null: the preset's, or num_attention_heads once that is set
        #expect(try load("dataset: x\nmodel: smollm2-135m\nnum_attention_heads: 6\n").model.numKeyValueHeads == 6)
        let set = try load("dataset: x\nnum_key_value_heads: 2\ntie_word_embeddings: true\nvocab_size: 300\n")
        #expect(set.model.numKeyValueHeads == 2 && set.model.tieWordEmbeddings && set.model.vocabSize == 300)
        #expect(set.model.numAttentionHeads == 4 && set.model.hiddenSize == 128)
        let yaml = set.yaml()
        #expect(yaml.contains("num_key_value_heads: 2") && yaml.contains("tie_word_embeddings: true")
            && yaml.contains("vocab_size: 300"))
        #expect(try load(yaml) == set)
        let untied = try load("dataset: x\nmodel: smollm2-135m\ntie_word_embeddings: false\n")
        #expect(!untied.model.tieWordEmbeddings)
        // a byte model's config names, hashes and resolves as before the keys existed (the names
        // an engine without them derived, so runs and sweeps made then keep their names and resume)
        #expect(try load("dataset: x\n").runName == "x-d49e95c6")
        #expect(try load("dataset: x\nnum_key_value_heads: null\ntie_word_embeddings: null\n").runName == "x-d49e95c6")
        #expect(try load("dataset: fortunes-en\nmodel: base\nlearning_rate: 0.003\n").runName == "fortunes-en-78be422a")
    }

    @Test("a preset with shape overrides gives the expected ModelConfig")
    func modelShape() throws {
        let c = try load("dataset: x\nmodel: base\nnum_hidden_layers: 2\nnum_attention_heads: 4\ncutoff_len: 512\nrope_theta: 500000\n")
        #expect(c.model == ModelConfig(
            hiddenSize: 256, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 672,
            maxPositionEmbeddings: 512, rmsNormEps: 1e-5, ropeTheta: 500_000))
        #expect(c.contextLength == 512)
        // A new width takes the 8/3 rule unless intermediate_size is given; the preset's context stays.
        let wide = try load("dataset: x\nmodel: tiny\nhidden_size: 64\ncutoff_len: 16\n")
        #expect(wide.model.hiddenSize == 64 && wide.model.intermediateSize == 160 && wide.model.numHiddenLayers == 2)
        #expect(wide.model.maxPositionEmbeddings == 32 && wide.contextLength == 16)
        #expect(try load("dataset: x\nmodel: tiny\nintermediate_size: 40\n").model.intermediateSize == 40)
        #expect(try load("model: tiny\n", ["dataset=x"]).model == ModelConfig.preset("tiny"))
    }

    @Test("lora_target normalises to modules in layer order, without repeats; all seven are 'all'")
    func loraTargetNormalisation() throws {
        func target(_ value: String) throws -> RunConfig {
            try load("dataset: x\nfinetuning_type: lora\nlora_target: \(value)\n")
        }
        #expect(try target("v_proj, q_proj,q_proj").loraTarget == "q_proj,v_proj")
        #expect(try target("v_proj, q_proj,q_proj").loraTargets == ["q_proj", "v_proj"])
        #expect(try target("[up_proj, o_proj]").loraTarget == "o_proj,up_proj")
        #expect(try target("all").loraTargets == RunConfig.loraModules)
        #expect(try target("down_proj,up_proj,gate_proj,o_proj,v_proj,k_proj,q_proj").loraTarget == "all")
    }

    @Test("qlora defaults to 4 bits; other fine-tuning types have no quantization")
    func quantization() throws {
        #expect(try load("dataset: x\nfinetuning_type: qlora\n").quantizationBit == 4)
        #expect(try load("dataset: x\nfinetuning_type: qlora\nquantization_type: fp4\n").quantizationType == .fp4)
        #expect(try load("dataset: x\nfinetuning_type: lora\n").quantizationBit == nil)
    }

    @Test("the derived run name is the dataset's name and a hash that follows every other key")
    func derivedRunName() throws {
        let a = try load("dataset: corpora/zh.poems.jsonl\n")
        #expect(a.runName.wholeMatch(of: /zh-poems-[0-9a-f]{8}/) != nil)
        #expect(a.outputDir == "results/runs/\(a.runName)")
        #expect(try load("dataset: corpora/zh.poems.jsonl\n").runName == a.runName)
        #expect(try load("dataset: corpora/zh.poems.jsonl\nseed: 43\n").runName != a.runName)
        #expect(try load("dataset: synthetic:copy\n").runName.hasPrefix("synthetic-copy-"))
        let named = try load("dataset: x\nrun_name: lr-1e-3\noutput_dir: /tmp/out\n")
        #expect(named.runName == "lr-1e-3" && named.outputDir == "/tmp/out")
    }

    @Test("the closest key forgives typos, case, dashes and other tools' names")
    func closestKey() {
        #expect(RunConfig.closestKey(to: "learning_rat") == "learning_rate")
        #expect(RunConfig.closestKey(to: "lerning_rate") == "learning_rate")
        #expect(RunConfig.closestKey(to: "Max-Steps") == "max_steps")
        #expect(RunConfig.closestKey(to: "batch_size") == "per_device_train_batch_size")
        #expect(RunConfig.closestKey(to: "target_modules") == "lora_target")
        #expect(RunConfig.closestKey(to: "zzzzzzzzzz") == nil)
        #expect(NameSuggestion.editDistance("ab", "ba") == 1)
        #expect(NameSuggestion.editDistance("kitten", "sitting") == 3)
    }
}
