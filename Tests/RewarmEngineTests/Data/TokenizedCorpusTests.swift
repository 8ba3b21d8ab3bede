import Foundation
import Testing
@testable import RewarmEngine

/// A tiny BPE for the data path: the 256 byte tokens, merges d+o (256) and do+c (257), and
/// `<|endoftext|>` (258) as EOS.
enum TinyBPE {
    static let eos: Int32 = 258

    static func tokenizer() throws -> BPETokenizer {
        try TokenizerFixtures.tokenizer(
            merges: [("d", "o"), ("do", "c")],
            addedTokens: [AddedToken(id: eos, content: "<|endoftext|>", special: true, normalized: false)],
            specialTokens: SpecialTokenIDs(eos: eos))
    }

    /// Ten documents "doc 0" ... "doc 9".
    static func corpus() throws -> Corpus {
        try Corpus(name: "docs", documents: (0..<10).map { Array("doc \($0)".utf8) }, valSize: 0.2)
    }
}

@Suite("Data: token streams of any tokenizer, and their cache")
struct TokenizedCorpusTests {
    @Test("the byte tokenizer gives exactly the corpus's byte streams, each document then a blank line")
    func bytesAreTheCorpusStreams() throws {
        let corpus = try Corpus.load("synthetic:tokens:200", valSize: 0.1)
        let tokens = TokenizedCorpus(corpus: corpus, valSize: 0.1, tokenizer: .bytes, cache: nil)
        #expect(tokens.trainTokens.bytes == corpus.trainTokens)
        #expect(tokens.validationTokens.bytes == corpus.validationTokens)
        #expect(tokens.tokenizerIdentity == "bytes" && tokens.corpusFingerprint == corpus.fingerprint)
    }

    @Test("a BPE encodes each document then EOS, with the same documents in the same split as bytes")
    func bpeStreamsFollowTheSplit() throws {
        let bpe = try TinyBPE.tokenizer()
        let corpus = try TinyBPE.corpus()
        let tokens = TokenizedCorpus(corpus: corpus, valSize: 0.2, tokenizer: .bpe(bpe), cache: nil)
        // "doc 3" is do+c (257), then " 3" as the byte tokens Ġ (32) and 3 (51), then EOS.
        func expected(_ validation: Bool) -> [Int32] {
            corpus.documents(validation: validation).flatMap { d -> [Int32] in
                [257, 32, Int32(d.last!), TinyBPE.eos]
            }
        }
        #expect(tokens.trainTokens.ids == expected(false))
        #expect(tokens.validationTokens.ids == expected(true))
        #expect(tokens.trainTokens.width == 2, "V = 259 needs two bytes per id")
        #expect(tokens.trainDocumentCount == 8 && tokens.validationDocumentCount == 2)
    }

    @Test("the first load tokenizes and writes the cache, the second reads it, a corrupt file is made again")
    func cacheHitMissAndCorruption() throws {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        let file = folder.write("docs.txt", bytes: Array((0..<10).map { "doc \($0)" }.joined(separator: "\n\n").utf8))
        let cache = TokenCache(directory: URL(fileURLWithPath: folder.path + "/cache"))
        let tokenizer = TextTokenizer.bpe(try TinyBPE.tokenizer())
        func load() throws -> (TokenizedCorpus, [TokenizationEvent]) {
            var events: [TokenizationEvent] = []
            let c = try TokenizedCorpus.load(file, valSize: 0.2, tokenizer: tokenizer, cache: cache) {
                events.append($0)
            }
            return (c, events)
        }
        let (cold, coldEvents) = try load()
        #expect(coldEvents.contains { if case .cached = $0 { true } else { false } })
        let (warm, warmEvents) = try load()
        #expect(warmEvents.count == 1 && { if case .cacheHit = warmEvents[0] { true } else { false } }())
        #expect(warm.trainTokens == cold.trainTokens && warm.validationTokens == cold.validationTokens)
        // One flipped byte in the payload: the checksum rejects the file, naming it, and it is rewritten.
        let key = try TokenizedCorpus.cacheKey(tokenizer: tokenizer, spec: file, valSize: 0.2,
                                               corpus: Corpus.load(file, valSize: 0.2))
        let path = cache.file(key: key).path
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[TokenCache.headerSize + 1] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        let (again, events) = try load()
        #expect(events.first == .cacheRejected(TokenCacheError(
            path: path, reason: "checksum mismatch (the payload is corrupt)")))
        #expect(again.trainTokens == cold.trainTokens)
        #expect(try load().1.count == 1, "the rewritten file is a hit again")
        // A truncated file and a changed source: a one-line rejection, and a new key.
        try Data(bytes.prefix(40)).write(to: URL(fileURLWithPath: path))
        #expect(try load().1.first == .cacheRejected(TokenCacheError(
            path: path, reason: "40 bytes, shorter than the 80-byte header")))
        folder.write("docs.txt", bytes: Array("other\n\nwords".utf8))
        #expect(try TokenizedCorpus.cacheKey(tokenizer: tokenizer, spec: file, valSize: 0.2,
                                             corpus: Corpus.load(file, valSize: 0.2)) != key)
    }

    @Test("bits per byte: byte tokens count one byte each, a BPE its tokens' text and EOS as the two-byte separator")
    func targetBytes() throws {
        let bpe = try TinyBPE.tokenizer()
        let lengths = TokenByteLengths(.bpe(bpe))
        #expect(lengths.bytes(of: 257) == 3 && lengths.bytes(of: 32) == 1 && lengths.bytes(of: TinyBPE.eos) == 2)
        // Stream doc 0 EOS doc 1 EOS: [257 32 48 258 257 32 49 258]; T = 3, blocks of 4 ids.
        let stream = TokenStream(ids: [257, 32, 48, 258, 257, 32, 49, 258], vocabularySize: bpe.vocabularySize)
        let set = try ValidationSet(stream: stream, contextLength: 3, byteLengths: lengths)
        // Targets: block 0 = [32 48 258] -> 1 + 1 + 2; block 1 = [32 49 258] -> 4.
        #expect(set.blockCount == 2 && set.tokenCount == 6 && set.targetByteCount == 8)
        let bytes = try ValidationSet(tokens: Array("abcdefgh".utf8), contextLength: 3)
        #expect(bytes.targetByteCount == bytes.tokenCount)
    }
}
