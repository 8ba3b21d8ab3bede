import Foundation

/// What tokenizing a corpus reports (the library never prints; a command shows these).
public enum TokenizationEvent: Sendable, Equatable {
    /// The corpus's ids were read from the cache file at `path`.
    case cacheHit(corpus: String, path: String)
    /// A cache file was rejected (one line naming the file and the fault); it is made again.
    case cacheRejected(TokenCacheError)
    /// Tokenizing `corpus`: `doneBytes` of `totalBytes` bytes of text encoded so far (sent about
    /// every MiB and at the end).
    case progress(corpus: String, doneBytes: Int, totalBytes: Int)
    /// The ids were written to the cache file at `path`.
    case cached(corpus: String, path: String)
    /// The cache could not be written; the run goes on with the ids in memory.
    case cacheUnwritable(TokenCacheError)
}

/// A corpus as the id streams of a `TextTokenizer`: the documents of `Corpus`, in the same order
/// and the same train / validation split (`DocumentSplit` splits documents, not tokens).
///
/// - `.bytes`: exactly `Corpus`'s byte streams (each document's bytes, then "\n\n"), one byte per
///   id; nothing is cached.
/// - `.bpe`: each document's `BPEEncoder.encodeDocument` ids (its text's ids, then EOS), one
///   encoder for the whole corpus (its word cache is what makes it fast). The result is cached in
///   a `TokenCache` under `cacheKey`, so a corpus is tokenized once per tokenizer and content.
public struct TokenizedCorpus: Sendable {
    /// The spec it was loaded from (e.g. `fortunes-en`, `data/wiki.jsonl[1/2]`).
    public let name: String
    public let files: [String]
    /// `TextTokenizer.identity` of the tokenizer that made the streams.
    public let tokenizerIdentity: String
    /// (N_train) the training documents' ids, each document followed by its end ("\n\n" or EOS).
    public let trainTokens: TokenStream
    /// (N_val) the validation documents' ids, likewise.
    public let validationTokens: TokenStream
    public let trainDocumentCount: Int
    public let validationDocumentCount: Int
    /// Bytes of all documents' text, without separators (`Corpus.textByteCount`).
    public let textByteCount: Int
    /// `Corpus.fingerprint` of the byte corpus the ids came from.
    public let corpusFingerprint: UInt64

    /// Loads `spec` (`Corpus.load`, keeping `trainFraction` of its training documents) and
    /// tokenizes it with `tokenizer`, reading and writing `cache` for a BPE (nil: no cache).
    /// Throws `CorpusError` as `Corpus.load` does.
    public static func load(
        _ spec: String, valSize: Double, trainFraction: Double = 1, tokenizer: TextTokenizer,
        cache: TokenCache? = .standard,
        fortunesDirectory: String = FortuneCollection.defaultDirectory,
        licensesDirectory: String = LicenseCollection.defaultDirectory,
        onEvent: ((TokenizationEvent) -> Void)? = nil
    ) throws(CorpusError) -> TokenizedCorpus {
        let corpus = try Corpus.load(spec, valSize: valSize, fortunesDirectory: fortunesDirectory,
                                     licensesDirectory: licensesDirectory).keepingTrainingFraction(trainFraction)
        return TokenizedCorpus(corpus: corpus, valSize: valSize, tokenizer: tokenizer, cache: cache, onEvent: onEvent)
    }

    /// The streams of `corpus` (split with `valSize`) under `tokenizer`.
    public init(
        corpus: Corpus, valSize: Double, tokenizer: TextTokenizer, cache: TokenCache? = .standard,
        onEvent: ((TokenizationEvent) -> Void)? = nil
    ) {
        name = corpus.name
        files = corpus.files
        tokenizerIdentity = tokenizer.identity
        trainDocumentCount = corpus.trainDocumentCount
        validationDocumentCount = corpus.validationDocumentCount
        textByteCount = corpus.textByteCount
        corpusFingerprint = corpus.fingerprint
        switch tokenizer {
        case .bytes:
            trainTokens = TokenStream(bytes: corpus.trainTokens)
            validationTokens = TokenStream(bytes: corpus.validationTokens)
        case .bpe(let bpe):
            let expected = TokenCache.Expectation(
                key: Self.cacheKey(tokenizer: tokenizer, spec: corpus.name, valSize: valSize, corpus: corpus),
                width: TokenStream(ids: [], vocabularySize: bpe.vocabularySize).width,
                vocabularySize: bpe.vocabularySize, trainDocumentCount: corpus.trainDocumentCount,
                validationDocumentCount: corpus.validationDocumentCount, textByteCount: corpus.textByteCount)
            if let cache {
                do {
                    if let (train, validation) = try cache.read(expected) {
                        trainTokens = train
                        validationTokens = validation
                        onEvent?(.cacheHit(corpus: corpus.name, path: cache.file(key: expected.key).path))
                        return
                    }
                } catch {
                    onEvent?(.cacheRejected(error))
                }
            }
            (trainTokens, validationTokens) = Self.encode(corpus, with: bpe, onEvent: onEvent)
            if let cache {
                do {
                    try cache.write(expected, train: trainTokens, validation: validationTokens)
                    onEvent?(.cached(corpus: corpus.name, path: cache.file(key: expected.key).path))
                } catch {
                    onEvent?(.cacheUnwritable(error))
                }
            }
        }
    }

    /// 16 hex digits of FNV-1a over the cache format, the tokenizer's identity, the corpus spec
    /// (with any `[k/N]` part), `val_size` and the corpus's fingerprint (its documents' bytes and
    /// split, so an edited source file changes the key).
    public static func cacheKey(tokenizer: TextTokenizer, spec: String, valSize: Double, corpus: Corpus) -> String {
        FNV1a.hex("tokens-v\(TokenCache.version)\n\(tokenizer.identity)\n\(spec)\n\(valSize)\n"
            + "\(corpus.documentCount)\n\(String(corpus.fingerprint, radix: 16))")
    }

    /// Encodes the training then the validation documents.
    static func encode(
        _ corpus: Corpus, with bpe: BPETokenizer, onEvent: ((TokenizationEvent) -> Void)?
    ) -> (TokenStream, TokenStream) {
        var encoder = bpe.makeEncoder()
        let total = corpus.textByteCount
        var done = 0
        var nextReport = 1 << 20
        var streams: [TokenStream] = []
        for validation in [false, true] {
            var ids: [Int32] = []
            ids.reserveCapacity(corpus.textByteCount / 3)
            for document in corpus.documents(validation: validation) {
                ids += encoder.encodeDocument(Array(document))
                done += document.count
                if done >= nextReport {
                    onEvent?(.progress(corpus: corpus.name, doneBytes: done, totalBytes: total))
                    nextReport = done + (1 << 20)
                }
            }
            streams.append(TokenStream(ids: ids, vocabularySize: bpe.vocabularySize))
        }
        onEvent?(.progress(corpus: corpus.name, doneBytes: total, totalBytes: total))
        return (streams[0], streams[1])
    }
}
