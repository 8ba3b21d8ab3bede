import Foundation

extension LlamaModel {
    /// Mean next-byte cross-entropy (nats) over every position of every block of `set`,
    /// evaluated in batches of up to `batchSize` blocks, without dropout (each batch split across
    /// `Parallel.threads` workers, `meanLoss`).
    public func validationLoss(on set: ValidationSet, batchSize: Int) -> Double {
        var total = 0.0
        var positions = 0
        let T = set.contextLength
        for index in 0..<set.batchCount(batchSize: batchSize) {
            let (inputs, targets, count) = set.batch(index, batchSize: batchSize)
            let mean = inputs.withUnsafeBufferPointer { i in
                targets.withUnsafeBufferPointer { t in
                    meanLoss(inputs: i.baseAddress!, targets: t.baseAddress!, B: count, T: T)
                }
            }
            total += mean * Double(count * T)
            positions += count * T
        }
        return total / Double(max(positions, 1))
    }

    /// The mean loss (nats per token) of `validationLoss` and the same losses in bits per byte:
    /// bpb = (sum of the set's target-token losses in nats) / `set.targetByteCount` / ln 2
    /// (docs/findings.md, "Vocabulary"). For byte tokens (targetByteCount = tokenCount) bpb = loss / ln 2.
    public func validationMetrics(on set: ValidationSet, batchSize: Int) -> (loss: Double, bitsPerByte: Double) {
        let loss = validationLoss(on: set, batchSize: batchSize)
        let nats = loss * Double(set.tokenCount)
        return (loss, nats / Double(max(set.targetByteCount, 1)) / log(2.0))
    }
}
