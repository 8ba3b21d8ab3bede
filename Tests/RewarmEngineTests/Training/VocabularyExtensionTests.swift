import Foundation
import Testing
@testable import RewarmEngine

/// `extend_vocabulary`: the keys and their one-line errors, the resize (old rows bit for bit, new
/// rows the mean, old logits unchanged), the cached extension, and runs that train the new rows
/// and resume exactly.
@Suite("Vocabulary extension in a run (extend_vocabulary)")
struct VocabularyExtensionTests {
    // MARK: Keys

    func load(_ yaml: String, _ overrides: [String] = []) throws(ConfigError) -> RunConfig {
        try loadConfig(yaml, prefix: "dataset: x\ninit_from: m\n", overrides)
    }

    func failure(_ yaml: String, _ overrides: [String] = []) -> String? {
        configFailure(yaml, prefix: "dataset: x\ninit_from: m\n", overrides)
    }

    @Test("the extend_vocabulary map, its flat keys and --set with a dot give the same config")
    func shorthand() throws {
        let map = try load("extend_vocabulary: {train_on: fortunes-zh, new_tokens: 2000}\n")
        let flat = try load("extend_vocabulary_train_on: fortunes-zh\nextend_vocabulary_new_tokens: 2000\n")
        let set = try load("", ["extend_vocabulary.train_on=fortunes-zh", "extend_vocabulary.new_tokens=2000"])
        #expect(map == flat && set == flat)
        #expect(map.extendVocabularyNewTokens == 2000 && map.extendVocabularyTrainOn == "fortunes-zh")
        #expect(map.extendsVocabulary)
        #expect(try load("extend_vocabulary: {tokenizer: ext/tokenizer.json}\n").extendVocabularyTokenizer
            == "ext/tokenizer.json")
        let none = try load("extend_vocabulary: null\n")
        #expect(!none.extendsVocabulary && !none.yaml().contains("extend_vocabulary"))
        // absent, the keys are left out of the resolved config, so existing runs keep their names
        #expect(!(try load("")).yaml().contains("extend_vocabulary"))
        #expect(try RunConfig(values: map.values, source: "resolved") == map)
    }

    @Test("bad extend_vocabulary values get one line naming the key and what is wrong")
    func errors() {
        #expect(failure("extend_vocabulary: {train_on: x, new_token: 5}\n")
            == "config.yaml: unknown key 'extend_vocabulary.new_token' (did you mean 'extend_vocabulary.new_tokens'?)")
        #expect(failure("extend_vocabulary: 2000\n")?.hasPrefix("config.yaml: key 'extend_vocabulary' expects a map of "
            + "train_on, new_tokens, tokenizer") == true)
        #expect(failure("extend_vocabulary: {new_tokens: -1, train_on: x}\n")?.contains("extend_vocabulary_new_tokens") == true)
        #expect(failure("extend_vocabulary: {new_tokens: 10}\n")?.contains(
            "extend_vocabulary_new_tokens 10 needs the corpus to learn the tokens on, but extend_vocabulary_train_on is not set") == true)
        #expect(failure("extend_vocabulary: {new_tokens: 10, train_on: x, tokenizer: t.json}\n")?.contains(
            "extend_vocabulary_tokenizer excludes learned tokens (give tokenizer, or train_on with new_tokens), but "
            + "extend_vocabulary_train_on is set too") == true)
        #expect(failure("extend_vocabulary: {new_tokens: 10, train_on: x}\n", ["init_from=null"])?.contains(
            "extend_vocabulary_new_tokens 10 extends the vocabulary of a model: it needs init_from") == true)
        #expect(failure("extend_vocabulary: {new_tokens: 10, train_on: x}\nreset_optimizer: false\n")?.contains(
            "reset_optimizer false cannot carry AdamW moments into a resized vocabulary") == true)
        #expect(failure("extend_vocabulary: {new_tokens: 10, train_on: x}\nfinetuning_type: lora\n")?.contains(
            "add embed_tokens (and lm_head, unless tied) to modules_to_save") == true)
        #expect(failure("extend_vocabulary: {new_tokens: 10, train_on: x}\nfinetuning_type: freeze\n"
            + "trainable_modules: [lm_head]\n")?.contains("to trainable_modules, but trainable_modules is [lm_head]") == true)
        #expect(failure("extend_vocabulary: {new_tokens: 10, train_on: x}\nfinetuning_type: qlora\n")?.contains(
            "add embed_tokens (and lm_head, unless tied) to modules_to_save") == true)
        #expect(failure("extend_vocabulary: {new_tokens: 10, train_on: x}\nfinetuning_type: qlora\n"
            + "modules_to_save: [embed_tokens]\n") == nil)
        #expect(failure("extend_vocabulary: {new_tokens: 10, train_on: x}\nfinetuning_type: lora\n"
            + "modules_to_save: [embed_tokens, lm_head]\n") == nil)
    }

    // MARK: Resize

    @Test("the resized table keeps its rows and appends their column means")
    func meanRows() {
        let table: [Float] = [1, 2, 3, 4, 6, 8]  // (3, 2)
        let mean: [Float] = [Float(10.0 / 3), Float(14.0 / 3)]
        #expect(VocabularyResize.meanRows(table, rows: 3, columns: 2, to: 5) == table + mean + mean)
        #expect(VocabularyResize.meanRows(table, rows: 3, columns: 2, to: 3) == table)
    }

    /// A tiny BPE model (V = the fixture tokenizer's 261 ids) in a Hugging Face folder with its
    /// tokenizer.json, and a small corpus of repeated Chinese words to learn tokens on.
    func bpeModelFolder(tied: Bool) throws -> (folder: URL, model: LlamaModel, corpus: URL) {
        let folder = temporaryFolder("ext-\(tied ? "tied" : "untied")")
        let config = ModelConfig(vocabSize: 261, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4,
                                 numKeyValueHeads: 2, intermediateSize: 24, maxPositionEmbeddings: 16,
                                 ropeTheta: 1000, tieWordEmbeddings: tied)
        let model = LlamaModel(config: config)
        model.initializeWeights(seed: 3, std: 0.3)
        let hf = folder.appendingPathComponent("hf")
        try HuggingFaceFolder.write(model, to: hf)
        try TokenizerFixtures.tokenizerJSON().write(to: hf.appendingPathComponent("tokenizer.json"))
        let corpus = folder.appendingPathComponent("zh.txt")
        let words = ["你好", "世界", "中文", "学习", "你好世界"]
        let documents = (0..<30).map { i in (0..<6).map { words[($0 * 7 + i) % words.count] }.joined(separator: " ") }
        try documents.joined(separator: "\n\n").write(to: corpus, atomically: true, encoding: .utf8)
        return (folder, model, corpus)
    }

    func extensionConfig(_ f: (folder: URL, model: LlamaModel, corpus: URL), _ run: String,
                         _ extra: [String: ConfigValue] = [:]) throws -> RunConfig {
        var values: [String: ConfigValue] = [
            "init_from": .string(f.folder.appendingPathComponent("hf").path),
            "extend_vocabulary_train_on": .string(f.corpus.path), "extend_vocabulary_new_tokens": 6,
            "dataset": .string(f.corpus.path), "max_steps": 6, "eval_steps": 3, "cutoff_len": 8,
        ]
        for (k, v) in extra { values[k] = v }
        return try tinyRunConfig(f.folder.appendingPathComponent(run), values)
    }

    @Test("before training, an extended model keeps the old rows, starts new rows at the mean, keeps old logits",
          arguments: [true, false])
    func resizeBeforeTraining(tied: Bool) throws {
        let f = try bpeModelFolder(tied: tied)
        let run = try ResolvedRun(extensionConfig(f, "run"))
        #expect(run.tokenizer.vocabularySize == 267 && run.config.model.vocabSize == 267)
        let trainer = try Trainer(run, resume: false)
        let names = tied ? [WeightNames.embedding] : [WeightNames.embedding, WeightNames.lmHead]
        for name in names {
            let old = f.model.weights.values(name), new = trainer.model.weights.values(name)
            #expect(Array(new.prefix(old.count)) == old, "\(name): old rows unchanged")
            #expect(Array(new.suffix(6 * 16)) == VocabularyResize.meanRows(old, rows: 261, columns: 16, to: 267)
                .suffix(6 * 16))
        }
        let prompt: [Int32] = [5, 120, 256, 17, 258]
        let base = TextGenerator(model: f.model).nextTokenLogits(prompt)
        let extended = TextGenerator(model: trainer.model).nextTokenLogits(prompt)
        // The old rows are bit for bit (above); the logits over them agree to float rounding: the
        // BLAS kernel may sum a column's products in another order when the head has 267 rows
        // instead of 261 (OpenBLAS's edge blocks; exact on some CPUs, a few ulps on others).
        #expect(extended.count == 267)
        let scale = base.map(abs).max() ?? 1
        let worst = zip(extended.prefix(261), base).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-6 * max(1, scale), "max |logit difference| \(worst) at scale \(scale)")
    }

    @Test("a new row starts at the mean of its subtoken rows; rows without usable sources keep the mean")
    func subtokenRows() {
        var table: [Float] = [1, 2, 3, 4, 6, 8, 0, 0, 0, 0]  // (3, 2) resized to (5, 2)
        VocabularyResize.setSubtokenRows(&table, rows: 3, columns: 2, sources: [3: [0, 2], 4: [7]])
        #expect(table == [1, 2, 3, 4, 6, 8, 3.5, 5, 0, 0])
    }

    @Test("extend_vocabulary_init subtokens starts each new row at the mean of the rows it replaces")
    func subtokenInitialisation() throws {
        let f = try bpeModelFolder(tied: false)
        #expect(try load("extend_vocabulary: {train_on: x, new_tokens: 5, init: subtokens}\n").extendVocabularyInit
            == .subtokens)
        let run = try ResolvedRun(extensionConfig(f, "run", ["extend_vocabulary_init": "subtokens"]))
        #expect(run.newRowSources.count == 6 && run.newRowSources.values.allSatisfy { $0.count >= 2 })
        let trainer = try Trainer(run, resume: false)
        for name in [WeightNames.embedding, WeightNames.lmHead] {
            let old = f.model.weights.values(name), new = trainer.model.weights.values(name)
            #expect(Array(new.prefix(old.count)) == old)
            for (row, ids) in run.newRowSources {
                let expected = (0..<16).map { c in
                    Float(ids.reduce(0.0) { $0 + Double(old[Int($1) * 16 + c]) } / Double(ids.count))
                }
                #expect(Array(new[(row * 16)..<(row * 16 + 16)]) == expected, "\(name) row \(row)")
            }
        }
    }

    @Test("a run with an extended vocabulary trains the new rows, saves the extended tokenizer and resumes exactly",
          arguments: [[String: ConfigValue](),
                      ["finetuning_type": "lora", "lora_rank": 2, "modules_to_save": ["embed_tokens", "lm_head"]],
                      ["finetuning_type": "qlora", "lora_rank": 2, "modules_to_save": ["embed_tokens", "lm_head"]]])
    func trainAndResume(extra: [String: ConfigValue]) throws {
        let f = try bpeModelFolder(tied: false)
        try train(extensionConfig(f, "whole", extra))
        let first = try train(extensionConfig(f, "parts", extra), stopAt: 4)
        #expect(first == .stopped(step: 4))
        try train(extensionConfig(f, "parts", extra), resume: true)
        #expect(try metrics(f.folder.appendingPathComponent("parts")) == metrics(f.folder.appendingPathComponent("whole")))
        let checkpoint = try ModelFolder.checkpoint(f.folder.appendingPathComponent("whole").path)
        #expect(checkpoint.state.model.vocabSize == 267)
        guard case .bpe(let saved) = try checkpoint.tokenizer() else { Issue.record("no BPE saved"); return }
        let base = try TextTokenizer.load(model: f.folder.appendingPathComponent("hf").path)
        #expect(saved.vocabularySize == 267, "the run's tokenizer.json is the extended one")
        #expect(saved.encode("你好世界", addSpecialTokens: false).count < base.encodePrompt("你好世界").count)
        let trained = try checkpoint.loadModel()
        trained.mergeAdapters()
        let mean = VocabularyResize.meanRows(f.model.weights.values(WeightNames.embedding), rows: 261, columns: 16, to: 267)
        #expect(Array(trained.weights.values(WeightNames.embedding).suffix(6 * 16)) != Array(mean.suffix(6 * 16)),
                "the new embedding rows train")
    }

    @Test("an untied head that does not train is refused once the model's tying is known")
    func untiedHeadMustTrain() throws {
        let f = try bpeModelFolder(tied: false)
        let config = try extensionConfig(f, "run", ["finetuning_type": "lora", "modules_to_save": ["embed_tokens"]])
        #expect(throws: TrainingError.invalid(key: "modules_to_save", reason: "the model's head is not tied to its "
            + "embeddings, so extend_vocabulary needs lm_head to train too: add lm_head to modules_to_save")) {
            try ResolvedRun(config)
        }
        let tied = try bpeModelFolder(tied: true)
        _ = try ResolvedRun(extensionConfig(tied, "run", ["finetuning_type": "lora", "modules_to_save": ["embed_tokens"]]))
    }

    // MARK: The extended tokenizer

    @Test("a learned extension is cached and read back with the same ids; a given tokenizer must extend the model's")
    func cachedAndGiven() throws {
        let f = try bpeModelFolder(tied: true)
        let cache = temporaryFolder("ext-cache")
        let config = try extensionConfig(f, "run")
        let base = try TextTokenizer.load(model: f.folder.appendingPathComponent("hf").path)
        let first = try VocabularyExtension.tokenizer(extending: base, config: config, workingDirectory: f.folder,
                                                      cacheDirectory: cache)
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        #expect(files.count == 1)
        let again = try VocabularyExtension.tokenizer(extending: base, config: config, workingDirectory: f.folder,
                                                      cacheDirectory: cache)
        #expect(again.fingerprint == first.fingerprint && first.vocabularySize == 267)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path) == files)
        // the cached file given back as extend_vocabulary_tokenizer is accepted as it is
        let given = try extensionConfig(f, "given", [
            "extend_vocabulary_train_on": nil, "extend_vocabulary_new_tokens": 0,
            "extend_vocabulary_tokenizer": .string(cache.appendingPathComponent(files[0]).path),
        ])
        #expect(try ResolvedRun(given).tokenizer.identity == "bpe-" + first.fingerprint)
        // the base's own tokenizer adds nothing; the byte model has nothing to extend
        let same = try extensionConfig(f, "same", [
            "extend_vocabulary_train_on": nil, "extend_vocabulary_new_tokens": 0,
            "extend_vocabulary_tokenizer": .string(f.folder.appendingPathComponent("hf").path),
        ])
        #expect(throws: TrainingError.self) { try ResolvedRun(same) }
        #expect(throws: TrainingError.invalid(key: "extend_vocabulary_new_tokens", reason: "the init_from model reads "
            + "bytes (V = 256): only a BPE tokenizer (a GGUF file or a Hugging Face folder with tokenizer.json) "
            + "can be extended")) {
            _ = try VocabularyExtension.tokenizer(extending: .bytes, config: config, workingDirectory: f.folder,
                                                  cacheDirectory: cache)
        }
    }
}
