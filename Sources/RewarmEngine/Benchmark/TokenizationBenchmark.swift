import Foundation

/// `rewarm bench-tokenize`: how fast a corpus becomes token ids, cold (read, tokenize, write the
/// cache) and warm (read, hit the cache), in MB of text per second (MB = 10^6 bytes).
public struct TokenizationBenchmark: Codable, Sendable {
    public var corpus: String
    public var tokenizer: String
    /// Bytes of the corpus's text (`Corpus.textByteCount`).
    public var textBytes: Int
    /// Ids in the training and validation streams together.
    public var tokens: Int
    /// tokens / textBytes.
    public var tokensPerByte: Double
    /// Seconds to read the corpus alone (what every load pays; no tokenizer).
    public var readSeconds: Double
    /// Seconds of the cold load: read, tokenize, write the cache file.
    public var coldSeconds: Double
    /// Seconds of the warm load: read the corpus, compute the key, read and check the cache file.
    public var warmSeconds: Double
    /// textBytes / 10^6 / coldSeconds and / warmSeconds.
    public var coldMBPerSecond: Double
    public var warmMBPerSecond: Double
    /// Size of the cache file, bytes.
    public var cacheFileBytes: Int
    /// True when the warm load read the cache (it must).
    public var warmHit: Bool

    enum CodingKeys: String, CodingKey {
        case corpus, tokenizer, tokens
        case textBytes = "text_bytes", tokensPerByte = "tokens_per_byte", readSeconds = "read_s"
        case coldSeconds = "cold_s", warmSeconds = "warm_s", coldMBPerSecond = "cold_mb_per_s"
        case warmMBPerSecond = "warm_mb_per_s", cacheFileBytes = "cache_file_bytes", warmHit = "warm_hit"
    }

    /// Loads `spec` three times into `cache` (which should start empty, so the first BPE load is
    /// cold): bytes only, then `tokenizer` cold, then warm.
    public static func run(
        corpus spec: String, valSize: Double, tokenizer: TextTokenizer, cache: TokenCache
    ) throws(CorpusError) -> TokenizationBenchmark {
        func seconds<T>(_ body: () throws(CorpusError) -> T) throws(CorpusError) -> (T, Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let value = try body()
            return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let (corpus, read) = try seconds { () throws(CorpusError) in try Corpus.load(spec, valSize: valSize) }
        let (cold, coldSeconds) = try seconds { () throws(CorpusError) in
            try TokenizedCorpus.load(spec, valSize: valSize, tokenizer: tokenizer, cache: cache)
        }
        var hit = false
        let (_, warmSeconds) = try seconds { () throws(CorpusError) in
            try TokenizedCorpus.load(spec, valSize: valSize, tokenizer: tokenizer, cache: cache) { event in
                if case .cacheHit = event { hit = true }
            }
        }
        let key = TokenizedCorpus.cacheKey(tokenizer: tokenizer, spec: spec, valSize: valSize, corpus: corpus)
        let size = (try? FileManager.default.attributesOfItem(atPath: cache.file(key: key).path)[.size] as? Int) ?? 0
        let tokens = cold.trainTokens.count + cold.validationTokens.count
        let mb = Double(corpus.textByteCount) / 1e6
        return TokenizationBenchmark(
            corpus: spec, tokenizer: tokenizer.identity, textBytes: corpus.textByteCount, tokens: tokens,
            tokensPerByte: Double(tokens) / Double(max(corpus.textByteCount, 1)), readSeconds: read,
            coldSeconds: coldSeconds, warmSeconds: warmSeconds, coldMBPerSecond: mb / coldSeconds,
            warmMBPerSecond: mb / warmSeconds, cacheFileBytes: size, warmHit: hit)
    }
}
