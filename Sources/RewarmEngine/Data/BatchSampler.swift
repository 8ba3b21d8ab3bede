/// Training batches: B sequences of T tokens (ids of any tokenizer, `TokenStream`) cut at
/// uniformly random offsets of a token
/// stream, with their next-token targets, optionally mixing in a replay stream.
///
/// Counter-based: the batch of (step, micro) depends only on (seed, step, micro), drawn from
/// `CounterRNG(keys: [BatchSampler.rngTag, seed, step, micro])`, so a run resumed at any step
/// gets exactly the batches it would have had, with no sampler state in the checkpoint. (Other
/// users of `CounterRNG`, e.g. dropout masks, should lead their keys with their own tag.)
///
/// Replay mixing: with a replay stream (D0, e.g. the upstream corpus) and `replay_ratio` r in
/// [0, 1), each of the B sequences independently comes from the replay stream with probability
/// r, else from the training stream (D1). Per sequence b, in order, the RNG gives a coin
/// u_b ~ U[0, 1) (replay iff u_b < r) and then an offset uniform over the chosen stream's
/// `count - T` valid starts. The coin is drawn even when r = 0, so a sampler with r = 0 gives
/// the same batches as one without a replay stream. The expected replay share of a batch is r;
/// its actual count varies as Binomial(B, r) and is returned by `fill`.
public struct BatchSampler: Sendable {
    /// T: tokens per sequence (`cutoff_len`).
    public let contextLength: Int
    /// B: sequences per micro-batch (`per_device_train_batch_size`).
    public let batchSize: Int
    public let seed: UInt64
    /// r: probability that a sequence comes from the replay stream.
    public let replayRatio: Double
    /// The training stream (D1) and the replay stream (D0; empty when there is none).
    public let trainTokens: TokenStream
    public let replayTokens: TokenStream

    /// First key of the batch RNG ("BATCHES\0"), separating its streams from other users'.
    public static let rngTag: UInt64 = 0x4241_5443_4845_5300

    /// - Parameters:
    ///   - trainTokens: the stream to train on, named `trainName` in errors.
    ///   - replayTokens: the stream to replay (needed when `replayRatio` > 0), named `replayName`.
    /// - Throws: `invalidSetting` for T < 1, B < 1, r outside [0, 1), or r > 0 without a replay
    ///   stream; `streamTooShort` if a stream in use has fewer than T + 1 tokens.
    public init(
        trainStream trainTokens: TokenStream, trainName: String = "train",
        replayStream replayTokens: TokenStream? = nil,
        replayName: String = "replay", replayRatio: Double = 0,
        contextLength: Int, batchSize: Int, seed: UInt64
    ) throws(CorpusError) {
        guard contextLength >= 1 else {
            throw .invalidSetting(key: "cutoff_len", value: "\(contextLength)", expected: "a positive number of tokens")
        }
        guard batchSize >= 1 else {
            throw .invalidSetting(
                key: "per_device_train_batch_size", value: "\(batchSize)", expected: "a positive number of sequences")
        }
        guard replayRatio >= 0, replayRatio < 1 else {
            throw .invalidSetting(key: "replay_ratio", value: "\(replayRatio)", expected: "a fraction in [0, 1)")
        }
        if replayRatio > 0, replayTokens == nil {
            throw .invalidSetting(
                key: "replay_ratio", value: "\(replayRatio)", expected: "0 when there is no corpus to replay")
        }
        guard trainTokens.count > contextLength else {
            throw .streamTooShort(corpus: trainName, tokens: trainTokens.count, cutoffLen: contextLength)
        }
        if replayRatio > 0, let replay = replayTokens, replay.count <= contextLength {
            throw .streamTooShort(corpus: replayName, tokens: replay.count, cutoffLen: contextLength)
        }
        self.trainTokens = trainTokens
        self.replayTokens = replayRatio > 0 ? replayTokens ?? TokenStream(bytes: []) : TokenStream(bytes: [])
        self.replayRatio = replayRatio
        self.contextLength = contextLength
        self.batchSize = batchSize
        self.seed = seed
    }

    /// Byte streams (`TokenStream(bytes:)`), as `init(trainStream:...)`.
    public init(
        trainTokens: [UInt8], trainName: String = "train", replayTokens: [UInt8]? = nil,
        replayName: String = "replay", replayRatio: Double = 0,
        contextLength: Int, batchSize: Int, seed: UInt64
    ) throws(CorpusError) {
        try self.init(
            trainStream: TokenStream(bytes: trainTokens), trainName: trainName,
            replayStream: replayTokens.map(TokenStream.init(bytes:)), replayName: replayName,
            replayRatio: replayRatio, contextLength: contextLength, batchSize: batchSize, seed: seed)
    }

    /// Samples `corpus`'s training stream, replaying `replay`'s training stream with
    /// probability `replayRatio` per sequence (see the type's notes). Both must come from the
    /// same tokenizer.
    public init(
        corpus: TokenizedCorpus, replay: TokenizedCorpus? = nil, replayRatio: Double = 0,
        contextLength: Int, batchSize: Int, seed: UInt64
    ) throws(CorpusError) {
        precondition(replay == nil || replay?.tokenizerIdentity == corpus.tokenizerIdentity,
                     "the replay corpus must be tokenized like the training corpus")
        try self.init(
            trainStream: corpus.trainTokens, trainName: corpus.name + " (train split)",
            replayStream: replay?.trainTokens, replayName: (replay?.name ?? "replay") + " (train split)",
            replayRatio: replayRatio, contextLength: contextLength, batchSize: batchSize, seed: seed)
    }

    /// The byte streams of `corpus` and `replay` (`TextTokenizer.bytes`).
    public init(
        corpus: Corpus, replay: Corpus? = nil, replayRatio: Double = 0,
        contextLength: Int, batchSize: Int, seed: UInt64
    ) throws(CorpusError) {
        try self.init(
            trainTokens: corpus.trainTokens, trainName: corpus.name + " (train split)",
            replayTokens: replay?.trainTokens, replayName: (replay?.name ?? "replay") + " (train split)",
            replayRatio: replayRatio, contextLength: contextLength, batchSize: batchSize, seed: seed)
    }

    /// Where each of the B sequences of micro-batch (step, micro) comes from: the stream
    /// (replay or not) and the offset of its first input token.
    public func draws(step: Int, micro: Int) -> [(fromReplay: Bool, offset: Int)] {
        var rng = CounterRNG(keys: [
            BatchSampler.rngTag, seed, UInt64(bitPattern: Int64(step)), UInt64(bitPattern: Int64(micro)),
        ])
        return (0..<batchSize).map { _ in
            let fromReplay = rng.unitDouble() < replayRatio
            let count = fromReplay ? replayTokens.count : trainTokens.count
            return (fromReplay, rng.uniform(below: count - contextLength))
        }
    }

    /// Fills inputs (B, T) and targets (B, T), row-major, for micro-batch `micro` of optimizer
    /// step `step`: row b is stream[o_b ..< o_b + T] and its targets stream[o_b + 1 ... o_b + T]
    /// (the next token of each input). Both arrays must hold B * T elements. Returns how many
    /// of the B rows came from the replay stream.
    @discardableResult
    public func fill(inputs: inout [Int32], targets: inout [Int32], step: Int, micro: Int) -> Int {
        let n = batchSize * contextLength
        precondition(inputs.count == n && targets.count == n,
                     "inputs and targets need B * T = \(n) elements, got \(inputs.count) and \(targets.count)")
        return inputs.withUnsafeMutableBufferPointer { i in
            targets.withUnsafeMutableBufferPointer { t in
                fill(inputs: i.baseAddress!, targets: t.baseAddress!, step: step, micro: micro)
            }
        }
    }

    /// As `fill(inputs:targets:step:micro:)`, into buffers of B * T elements each.
    @discardableResult
    public func fill(
        inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>, step: Int, micro: Int
    ) -> Int {
        let T = contextLength
        var replayed = 0
        for (b, draw) in draws(step: step, micro: micro).enumerated() {
            if draw.fromReplay { replayed += 1 }
            let stream = draw.fromReplay ? replayTokens : trainTokens
            stream.copy(from: draw.offset, count: T, into: inputs + b * T)
            stream.copy(from: draw.offset + 1, count: T, into: targets + b * T)
        }
        return replayed
    }
}
