import Testing
@testable import RewarmEngine

@Suite("Validation set")
struct ValidationSetTests {
    let stream = (0..<5_000).map { UInt8($0 % 251) }

    @Test("A stream within budget is cut into every whole non-overlapping block of T + 1 tokens")
    func keepsEveryBlock() throws {
        let T = 8
        let tokens = Array(stream[0..<(10 * (T + 1) + 3)])
        let set = try ValidationSet(tokens: tokens, contextLength: T, maxTokens: 1_000)
        #expect(set.blockCount == 10 && set.availableBlockCount == 10)
        #expect(set.blockStarts == (0..<10).map { $0 * (T + 1) })
        #expect(set.tokenCount == 80)
    }

    @Test("Over budget, the kept blocks are evenly spread over the whole stream and fixed")
    func spreadsBlocksEvenly() throws {
        let T = 9  // 5,000 / 10 = 500 blocks, budget 50 blocks
        let set = try ValidationSet(tokens: stream, contextLength: T, maxTokens: 50 * T)
        #expect(set.availableBlockCount == 500 && set.blockCount == 50)
        #expect(set.blockStarts == (0..<50).map { k in (5 + 10 * k) * (T + 1) })
        let again = try ValidationSet(tokens: stream, contextLength: T, maxTokens: 50 * T)
        #expect(again.blockStarts == set.blockStarts)
        #expect(set.blockStarts.first! < stream.count / 10 && set.blockStarts.last! > stream.count * 9 / 10)
    }

    @Test("Batches cover every block once; the last is partial and counts only its own rows")
    func batchesCoverTheSet() throws {
        let T = 8
        let set = try ValidationSet(tokens: Array(stream[0..<(10 * (T + 1))]), contextLength: T)
        #expect(set.batchCount(batchSize: 4) == 3)
        var inputs: [Int32] = []
        var targets: [Int32] = []
        var counts: [Int] = []
        for i in 0..<3 {
            let b = set.batch(i, batchSize: 4)
            #expect(b.inputs.count == b.count * T && b.targets.count == b.count * T)
            inputs += b.inputs
            targets += b.targets
            counts.append(b.count)
        }
        #expect(counts == [4, 4, 2])
        for (j, start) in set.blockStarts.enumerated() {
            #expect(Array(inputs[(j * T)..<((j + 1) * T)]) == stream[start..<(start + T)].map { Int32($0) })
            #expect(Array(targets[(j * T)..<((j + 1) * T)]) == stream[(start + 1)...(start + T)].map { Int32($0) })
        }
    }

    @Test("A validation stream shorter than T + 1 tokens is an error naming the corpus")
    func rejectsShortStreams() throws {
        #expect(throws: CorpusError.streamTooShort(corpus: "zh (validation split)", tokens: 8, cutoffLen: 8)) {
            try ValidationSet(tokens: Array(stream[0..<8]), name: "zh (validation split)", contextLength: 8)
        }
        let corpus = try Corpus.load("synthetic:validation:300", valSize: 0.1)
        let set = try ValidationSet(corpus: corpus, contextLength: 32, maxTokens: 320)
        #expect(set.blockCount == 10)
        #expect(set.availableBlockCount == corpus.validationTokens.count / 33)
    }
}
