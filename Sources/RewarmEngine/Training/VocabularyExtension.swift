import Foundation

/// A run's extended vocabulary (`extend_vocabulary`; Cui et al. 2023, arXiv 2304.08177, sec. 2.2,
/// as in Chinese-LLaMA): the `init_from` model's tokenizer with new tokens, learned on a corpus
/// (`BPEVocabularyExtension`) or read from a given `tokenizer.json`. Learned extensions are cached
/// by (base tokenizer, corpus, `val_size`, N) under `$REWARM_CACHE_DIR/tokenizers` (default
/// `~/.cache/rewarm/tokenizers`), like the token streams, and every run reads the cached file, so
/// a resumed run and the runs of a sweep use the same ids.
public enum VocabularyExtension {
    /// The tokenizer `config` asks for on top of `base`, the model's own. Throws `.invalid` naming
    /// the key: a base that is not a BPE, a corpus that cannot be read, a given tokenizer that
    /// does not extend the base (same tokens at the base's ids, and more of them).
    public static func tokenizer(
        extending base: TextTokenizer, config: RunConfig, workingDirectory: URL,
        cacheDirectory: URL = defaultCacheDirectory()
    ) throws(TrainingError) -> BPETokenizer {
        let key = config.extendVocabularyTokenizer != nil ? "extend_vocabulary_tokenizer" : "extend_vocabulary_new_tokens"
        guard case .bpe(let bpe) = base else {
            throw .invalid(key: key, reason: "the init_from model reads bytes (V = 256): only a BPE tokenizer "
                + "(a GGUF file or a Hugging Face folder with tokenizer.json) can be extended")
        }
        if let given = config.extendVocabularyTokenizer {
            let path = given.hasPrefix("/") ? given : workingDirectory.appendingPathComponent(given).path
            let loaded: TextTokenizer
            do { loaded = try TextTokenizer.load(model: path) } catch {
                throw .invalid(key: key, reason: error.description)
            }
            guard case .bpe(let extended) = loaded else { preconditionFailure("TextTokenizer.load gives a BPE") }
            try check(extended, extends: bpe, key: key, path: given)
            return extended
        }
        guard let corpusSpec = config.extendVocabularyTrainOn else {
            preconditionFailure("config rules require extend_vocabulary_train_on with new_tokens")
        }
        let corpus: Corpus
        do { corpus = try Corpus.load(corpusSpec, valSize: config.valSize) } catch {
            throw .invalid(key: "extend_vocabulary_train_on", reason: error.description)
        }
        let N = config.extendVocabularyNewTokens
        let folder = cacheDirectory.appendingPathComponent(
            FNV1a.hex("extend-v1\n\(bpe.fingerprint)\n\(corpus.fingerprint)\n\(config.valSize)\n\(N)"))
        let file = folder.appendingPathComponent(HuggingFaceFolder.tokenizerFile)
        if let cached = try? BPETokenizer.load(tokenizerJSON: file.path), (try? check(cached, extends: bpe)) != nil {
            return cached
        }
        do {
            let result = try BPEVocabularyExtension.train(
                base: bpe, documents: corpus.documents(validation: false), newTokens: N)
            // written to a fresh folder, then moved in: a reader never sees half a file
            let staging = cacheDirectory.appendingPathComponent(".staging-\(UUID().uuidString)")
            try? FileManager.default.removeItem(at: staging)
            try result.tokenizer.writeHuggingFace(folder: staging.path)
            try? FileManager.default.removeItem(at: folder)
            try FileManager.default.moveItem(at: staging, to: folder)
            return try BPETokenizer.load(tokenizerJSON: file.path)
        } catch let error as TokenizerError {
            throw .invalid(key: "extend_vocabulary_new_tokens", reason: error.description)
        } catch {
            throw .io(path: folder.path, reason: "cannot cache the extended tokenizer: \(error.localizedDescription)")
        }
    }

    /// For each row in `rows` that is an id of `extended`, the ids `base` encodes that token's
    /// bytes into (no special tokens): what the new token replaces in the model's own text.
    public static func subtokenSources(
        of extended: BPETokenizer, in base: BPETokenizer, rows: Range<Int>
    ) -> [Int: [Int32]] {
        var encoder = BPEEncoder(base)
        var sources: [Int: [Int32]] = [:]
        for row in rows where row < extended.vocabularySize {
            let bytes = extended.decodeUTF8([Int32(row)])
            sources[row] = encoder.encode(utf8: bytes, addSpecialTokens: false)
        }
        return sources
    }

    /// `$REWARM_CACHE_DIR/tokenizers` when the variable is set, else `~/.cache/rewarm/tokenizers`.
    public static func defaultCacheDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> URL {
        TokenCache.defaultDirectory(environment: environment).deletingLastPathComponent()
            .appendingPathComponent("tokenizers")
    }

    /// Whether `extended` keeps every token of `base` at its id and adds at least one.
    static func check(
        _ extended: BPETokenizer, extends base: BPETokenizer, key: String = "extend_vocabulary_tokenizer",
        path: String = ""
    ) throws(TrainingError) {
        let at = path.isEmpty ? "" : "\(path): "
        guard extended.vocabularySize > base.vocabularySize else {
            throw .invalid(key: key, reason: "\(at)holds \(extended.vocabularySize) ids, no more than the model's "
                + "tokenizer (\(base.vocabularySize)): it adds no tokens")
        }
        for id in 0..<Int32(base.vocabularySize) where extended.token(id) != base.token(id) {
            throw .invalid(key: key, reason: "\(at)does not extend the model's tokenizer: id \(id) is "
                + "\((extended.token(id) ?? "none").debugDescription) there and "
                + "\((base.token(id) ?? "none").debugDescription) in the model's")
        }
    }
}
