import Foundation

/// The diagonal of the empirical Fisher information of the trainable weights on a corpus, for
/// EWC (Kirkpatrick et al. 2017, arXiv 1612.00796, eq. 3; `ewc_lambda`):
///
///     F_i = 1 / (N B) x sum over sequences s of (d L_s / d theta_i)^2
///
/// with L_s the mean next-token loss of one sequence of T tokens, over the B sequences of each of
/// N batches that `BatchSampler` draws from the corpus's training stream (seed `FisherDiagonal.seed`,
/// steps 0..<N), one backward pass per sequence (per-sequence gradients, not the batch mean's:
/// squaring a mean would shrink F about B-fold). Evaluated at the model's current weights.
public enum FisherDiagonal {
    /// Seed of the sampler that draws the Fisher batches ("FISHER"), the same for every run, so a
    /// base and corpus give one Fisher whatever the run's own seed (and it can be cached).
    public static let seed: UInt64 = 0x4649_5348_4552

    /// (trainable parameters) F in `model.trainableTensors` order. Leaves the gradients zeroed.
    public static func estimate(
        model: LlamaModel, corpus: TokenizedCorpus, batches: Int, batchSize B: Int, contextLength T: Int
    ) throws(CorpusError) -> [Float] {
        let sampler = try BatchSampler(corpus: corpus, replay: nil, replayRatio: 0, contextLength: T,
                                       batchSize: B, seed: seed)
        let tensors = model.trainableTensors
        var fisher = [Float](repeating: 0, count: model.trainableParameterCount)
        var inputs = [Int32](repeating: 0, count: B * T)
        var targets = [Int32](repeating: 0, count: B * T)
        for n in 0..<batches {
            _ = sampler.fill(inputs: &inputs, targets: &targets, step: n, micro: 0)
            for b in 0..<B {
                model.zeroGradients()
                inputs.withUnsafeBufferPointer { i in
                    targets.withUnsafeBufferPointer { t in
                        _ = model.forwardBackward(inputs: i.baseAddress! + b * T, targets: t.baseAddress! + b * T,
                                                  B: 1, T: T, lossScale: 1 / Float(T))
                    }
                }
                var k = 0
                for t in tensors {
                    for i in 0..<t.count { fisher[k + i] += t.gradient[i] * t.gradient[i] }
                    k += t.count
                }
            }
        }
        model.zeroGradients()
        let scale = 1 / Float(batches * B)
        for i in fisher.indices { fisher[i] *= scale }
        return fisher
    }
}

/// Fisher diagonals on disk, keyed by what they depend on (the anchor weights, the corpus, the
/// tokenizer, N, B, T), so the runs of a sweep from one base estimate it once: files
/// `KEY.fisher` in `directory` (the trainer's: `fisher/` beside its token cache's `tokens/`),
/// "RWFISHER", a UInt64 count, then the floats, little-endian. An unreadable or mismatched file
/// is estimated again and rewritten.
public struct FisherCache: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    static let magic = Array("RWFISHER".utf8)

    /// 16 hex digits of FNV-1a over the anchor's bytes and the estimate's settings.
    public static func key(anchor: [Float], corpusFingerprint: UInt64, tokenizer: String,
                           batches: Int, batchSize: Int, contextLength: Int) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        anchor.withUnsafeBytes { raw in
            for byte in raw { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        return FNV1a.hex("fisher-v1\n\(String(h, radix: 16))\n\(String(corpusFingerprint, radix: 16))\n"
            + "\(tokenizer)\n\(batches)\n\(batchSize)\n\(contextLength)")
    }

    public func file(key: String) -> URL { directory.appendingPathComponent(key + ".fisher") }

    /// The cached diagonal of `count` floats, nil when absent or not of that length.
    public func read(key: String, count: Int) -> [Float]? {
        guard let data = try? Data(contentsOf: file(key: key)), data.count == 16 + 4 * count,
              Array(data.prefix(8)) == Self.magic else { return nil }
        let stored = data.subdata(in: 8..<16).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard stored == UInt64(count) else { return nil }
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBytes { dst in _ = data.suffix(from: 16).copyBytes(to: dst) }
        return out
    }

    /// Writes `fisher` atomically (a temporary file renamed into place).
    public func write(key: String, _ fisher: [Float]) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var data = Data(Self.magic)
        withUnsafeBytes(of: UInt64(fisher.count).littleEndian) { data.append(contentsOf: $0) }
        fisher.withUnsafeBytes { data.append(contentsOf: $0) }
        try data.write(to: file(key: key), options: .atomic)
    }
}
