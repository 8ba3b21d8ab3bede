import Testing
@testable import RewarmEngine

@Suite("Batch sampler")
struct BatchSamplerTests {
    /// 1,000 tokens whose value encodes their position, so a row shows where it was cut.
    let stream = (0..<1_000).map { UInt8($0 % 251) }

    func batch(_ sampler: BatchSampler, step: Int, micro: Int) -> (inputs: [Int32], targets: [Int32], replayed: Int) {
        var inputs = [Int32](repeating: -1, count: sampler.batchSize * sampler.contextLength)
        var targets = inputs
        let replayed = sampler.fill(inputs: &inputs, targets: &targets, step: step, micro: micro)
        return (inputs, targets, replayed)
    }

    @Test("Batches depend only on (seed, step, micro): a fresh sampler reproduces them")
    func batchesAreCounterBased() throws {
        let a = try BatchSampler(trainTokens: stream, contextLength: 16, batchSize: 4, seed: 9)
        let resumed = try BatchSampler(trainTokens: stream, contextLength: 16, batchSize: 4, seed: 9)
        _ = batch(a, step: 0, micro: 0)  // drawing other batches first changes nothing
        let x = batch(a, step: 7, micro: 1)
        #expect(x.inputs == batch(resumed, step: 7, micro: 1).inputs)
        #expect(x.targets == batch(resumed, step: 7, micro: 1).targets)
        #expect(x.inputs != batch(a, step: 7, micro: 0).inputs)
        #expect(x.inputs != batch(a, step: 8, micro: 1).inputs)
        let otherSeed = try BatchSampler(trainTokens: stream, contextLength: 16, batchSize: 4, seed: 10)
        #expect(x.inputs != batch(otherSeed, step: 7, micro: 1).inputs)
    }

    @Test("Each row is T consecutive stream tokens and its targets are the same shifted by one")
    func targetsAreShiftedInputs() throws {
        let T = 16
        let sampler = try BatchSampler(trainTokens: stream, contextLength: T, batchSize: 8, seed: 1)
        let draws = sampler.draws(step: 3, micro: 0)
        let x = batch(sampler, step: 3, micro: 0)
        for (b, draw) in draws.enumerated() {
            let o = draw.offset
            #expect(o >= 0 && o + T < stream.count)
            #expect(Array(x.inputs[(b * T)..<((b + 1) * T)]) == stream[o..<(o + T)].map { Int32($0) })
            #expect(Array(x.targets[(b * T)..<((b + 1) * T)]) == stream[(o + 1)...(o + T)].map { Int32($0) })
        }
    }

    @Test("Offsets are uniform over every valid start, including the last one")
    func offsetsCoverTheStream() throws {
        let short = Array(stream[0..<40])  // 40 - 32 = 8 valid starts
        let sampler = try BatchSampler(trainTokens: short, contextLength: 32, batchSize: 16, seed: 2)
        var counts = [Int](repeating: 0, count: 8)
        for step in 0..<250 { for d in sampler.draws(step: step, micro: 0) { counts[d.offset] += 1 } }
        #expect(counts.allSatisfy { abs($0 - 500) < 100 })  // 4,000 draws, 500 expected per start
    }

    @Test("Replay draws each sequence from the replay stream with probability replay_ratio")
    func replayRatioIsRespected() throws {
        let train = [UInt8](repeating: UInt8(ascii: "a"), count: 300)
        let replay = [UInt8](repeating: UInt8(ascii: "b"), count: 200)
        let sampler = try BatchSampler(
            trainTokens: train, replayTokens: replay, replayRatio: 0.25, contextLength: 8, batchSize: 8, seed: 5)
        var replayed = 0
        for step in 0..<500 {
            let x = batch(sampler, step: step, micro: 0)
            let rowsOfB = (0..<8).filter { x.inputs[$0 * 8] == Int32(UInt8(ascii: "b")) }.count
            #expect(rowsOfB == x.replayed)
            replayed += x.replayed
        }
        // 4,000 sequences: expected 1,000 replayed, standard deviation about 27.
        #expect(abs(Double(replayed) / 4_000 - 0.25) < 0.03)
    }

    @Test("A replay ratio of zero gives the same batches as no replay stream")
    func zeroReplayIsNoReplay() throws {
        let plain = try BatchSampler(trainTokens: stream, contextLength: 8, batchSize: 4, seed: 3)
        let mixed = try BatchSampler(
            trainTokens: stream, replayTokens: [1, 2, 3], replayRatio: 0, contextLength: 8, batchSize: 4, seed: 3)
        #expect(batch(plain, step: 11, micro: 2).inputs == batch(mixed, step: 11, micro: 2).inputs)
    }

    @Test("A stream shorter than cutoff_len + 1 tokens, or a bad ratio, is an error that says so")
    func rejectsShortStreams() throws {
        #expect(throws: CorpusError.streamTooShort(corpus: "tiny (train split)", tokens: 16, cutoffLen: 16)) {
            try BatchSampler(trainTokens: Array(stream[0..<16]), trainName: "tiny (train split)",
                             contextLength: 16, batchSize: 2, seed: 0)
        }
        #expect(CorpusError.streamTooShort(corpus: "tiny", tokens: 16, cutoffLen: 16).description
            == "corpus 'tiny' has 16 tokens: too short for one sequence of cutoff_len + 1 = 17 tokens")
        #expect(throws: CorpusError.streamTooShort(corpus: "up", tokens: 5, cutoffLen: 16)) {
            try BatchSampler(trainTokens: stream, replayTokens: [1, 2, 3, 4, 5], replayName: "up",
                             replayRatio: 0.5, contextLength: 16, batchSize: 2, seed: 0)
        }
        #expect(throws: CorpusError.invalidSetting(key: "replay_ratio", value: "1.0", expected: "a fraction in [0, 1)")) {
            try BatchSampler(trainTokens: stream, replayTokens: stream, replayRatio: 1, contextLength: 8, batchSize: 2, seed: 0)
        }
        let corpus = try Corpus.load("synthetic:sampler:200", valSize: 0.1)
        #expect(throws: CorpusError.self) {
            try BatchSampler(corpus: corpus, replayRatio: 0.1, contextLength: 8, batchSize: 2, seed: 0)
        }
    }
}
