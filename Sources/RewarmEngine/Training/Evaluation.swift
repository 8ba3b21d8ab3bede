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
}
