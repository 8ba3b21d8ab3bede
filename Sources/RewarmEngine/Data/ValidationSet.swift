/// A fixed validation set: non-overlapping blocks of T + 1 tokens of a validation stream (ids of
/// any tokenizer).
///
/// The stream is cut into M = floor(N / (T + 1)) blocks, block j = tokens [j (T+1), (j+1) (T+1)),
/// whose first T tokens are inputs and last T the targets. If M exceeds the budget
/// K = max(1, floor(maxTokens / T)) predicted tokens' worth, the K blocks j_k = floor((2k + 1) M
/// / (2K)), k = 0..<K, are kept: evenly spaced over the whole stream (so every source file is
/// represented in proportion) and centred in their strides. Nothing depends on a seed, so
/// losses compare across trials, steps and runs.
///
/// Batches: batch i holds blocks [i B, min((i + 1) B, blockCount)); the last may be partial,
/// and then holds only `count` < B rows (no padding). Every block is in exactly one batch, so
/// the exact mean loss over the set is sum over batches of (sum of the batch's count * T token
/// losses) / `tokenCount`; equivalently, weight each batch's mean token loss by its `count`.
///
/// Bits per byte: `targetByteCount` is the bytes of text the set's predicted tokens stand for
/// (`TokenByteLengths`), so bpb = (sum of target-token losses in nats) / targetByteCount / ln 2
/// (docs/findings.md, "Vocabulary"); for byte tokens targetByteCount = tokenCount.
public struct ValidationSet: Sendable {
    /// T: predicted tokens per block (`cutoff_len`).
    public let contextLength: Int
    /// Offsets in the validation stream of the first token of each kept block (increasing).
    public let blockStarts: [Int]
    /// M: how many whole blocks the stream holds before the budget.
    public let availableBlockCount: Int
    /// Bytes of text the blockCount * T target tokens stand for (`TokenByteLengths`).
    public let targetByteCount: Int
    /// (blockCount, T + 1) the kept blocks' tokens.
    let blocks: [Int32]

    /// - Throws: `invalidSetting` for T < 1 or maxTokens < 1; `streamTooShort` (naming
    ///   `name`) if the stream holds fewer than T + 1 tokens.
    public init(
        stream tokens: TokenStream, name: String = "validation", contextLength: Int, maxTokens: Int = 16_384,
        byteLengths: TokenByteLengths = TokenByteLengths(.bytes)
    ) throws(CorpusError) {
        guard contextLength >= 1 else {
            throw .invalidSetting(key: "cutoff_len", value: "\(contextLength)", expected: "a positive number of tokens")
        }
        guard maxTokens >= 1 else {
            throw .invalidSetting(
                key: "validation maxTokens", value: "\(maxTokens)", expected: "a positive number of tokens")
        }
        let width = contextLength + 1
        let available = tokens.count / width
        guard available >= 1 else {
            throw .streamTooShort(corpus: name, tokens: tokens.count, cutoffLen: contextLength)
        }
        let budget = max(1, maxTokens / contextLength)
        let indices: [Int] = available <= budget
            ? Array(0..<available)
            : (0..<budget).map { k in (2 * k + 1) * available / (2 * budget) }
        var blocks: [Int32] = []
        blocks.reserveCapacity(indices.count * width)
        var targetBytes = 0
        for j in indices {
            blocks += tokens.slice(from: j * width, count: width)
            targetBytes += byteLengths.bytes(of: tokens, from: j * width + 1, count: contextLength)
        }
        self.targetByteCount = targetBytes
        self.contextLength = contextLength
        self.availableBlockCount = available
        self.blockStarts = indices.map { $0 * width }
        self.blocks = blocks
    }

    /// A stream of byte tokens (`TokenStream(bytes:)`).
    public init(
        tokens: [UInt8], name: String = "validation", contextLength: Int, maxTokens: Int = 16_384
    ) throws(CorpusError) {
        try self.init(
            stream: TokenStream(bytes: tokens), name: name, contextLength: contextLength, maxTokens: maxTokens)
    }

    /// The validation set of `corpus`'s byte validation stream.
    public init(corpus: Corpus, contextLength: Int, maxTokens: Int = 16_384) throws(CorpusError) {
        try self.init(
            tokens: corpus.validationTokens, name: corpus.name + " (validation split)",
            contextLength: contextLength, maxTokens: maxTokens)
    }

    /// The validation set of `corpus`'s validation stream; `byteLengths` must be of the
    /// tokenizer that made it.
    public init(
        corpus: TokenizedCorpus, byteLengths: TokenByteLengths, contextLength: Int, maxTokens: Int = 16_384
    ) throws(CorpusError) {
        try self.init(
            stream: corpus.validationTokens, name: corpus.name + " (validation split)",
            contextLength: contextLength, maxTokens: maxTokens, byteLengths: byteLengths)
    }

    /// How many blocks are kept (at most max(1, maxTokens / T)).
    public var blockCount: Int { blockStarts.count }

    /// Predicted tokens in the whole set: blockCount * T, the denominator of the mean loss.
    public var tokenCount: Int { blockCount * contextLength }

    /// Batches of `batchSize` blocks needed to cover the set: ceil(blockCount / B).
    public func batchCount(batchSize: Int) -> Int {
        precondition(batchSize >= 1, "batchSize must be positive")
        return (blockCount + batchSize - 1) / batchSize
    }

    /// Batch `index` (0..<batchCount) of `batchSize` blocks: inputs (count, T) and targets
    /// (count, T), row-major, where count = B except possibly for the last batch.
    public func batch(_ index: Int, batchSize: Int) -> (inputs: [Int32], targets: [Int32], count: Int) {
        let count = rows(of: index, batchSize: batchSize).count
        var inputs = [Int32](repeating: 0, count: count * contextLength)
        var targets = inputs
        inputs.withUnsafeMutableBufferPointer { i in
            targets.withUnsafeMutableBufferPointer { t in
                _ = fill(batch: index, batchSize: batchSize, inputs: i.baseAddress!, targets: t.baseAddress!)
            }
        }
        return (inputs, targets, count)
    }

    /// Writes batch `index` into buffers of at least B * T elements and returns its row count;
    /// rows past the count are left untouched.
    public func fill(
        batch index: Int, batchSize: Int, inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>
    ) -> Int {
        let rows = rows(of: index, batchSize: batchSize)
        let T = contextLength
        blocks.withUnsafeBufferPointer { b in
            for (r, block) in rows.enumerated() {
                let source = b.baseAddress! + block * (T + 1)
                for t in 0..<T {
                    inputs[r * T + t] = source[t]
                    targets[r * T + t] = source[t + 1]
                }
            }
        }
        return rows.count
    }

    /// The blocks of batch `index`.
    func rows(of index: Int, batchSize: Int) -> Range<Int> {
        precondition(index >= 0 && index < batchCount(batchSize: batchSize),
                     "batch \(index) out of range 0..<\(batchCount(batchSize: batchSize))")
        return (index * batchSize)..<min((index + 1) * batchSize, blockCount)
    }
}
