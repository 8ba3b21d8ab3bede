import Foundation

// Data parallelism inside one process: the B sequences of a batch are split into contiguous
// shards, one per worker thread; each worker runs the whole forward (and backward) of its shard
// on one BLAS thread with activations of its own, and the workers' weight gradients are summed
// at the end. Sequences are independent in a causal LM, so the loss and gradients are those of
// the whole batch up to float rounding (the sums over positions are split at shard edges).
//
// On small models this scales better than splitting every product across threads: each
// worker keeps its matrices in its own core's cache and there is one synchronisation per step
// instead of several per layer.

extension LlamaModel {
    /// Forward and backward of one (micro-)batch, accumulating into `gradients` the gradient of
    /// `lossScale * sum of the B*T token losses`; returns the mean token loss in nats. With
    /// `Parallel.threads` > 1 and B > 1 the batch is split across workers (see above); otherwise
    /// it is `forward` then `backward`.
    ///
    /// inputs, targets: (B, T) token ids.
    public func forwardBackward(
        inputs: UnsafePointer<Int32>, targets: UnsafePointer<Int32>, B: Int, T: Int, lossScale: Float,
        dropoutKey: UInt64? = nil
    ) -> Double {
        let shards = shardedBatch(B: B)
        guard shards.count > 1 else {
            let loss = forward(inputs: inputs, targets: targets, B: B, T: T, dropoutKey: dropoutKey)!
            backward(inputs: inputs, targets: targets, B: B, T: T, lossScale: lossScale, dropoutKey: dropoutKey)
            return loss
        }
        let workers = [self] + replicaModels(shards.count - 1)
        let sums = runShards(shards) { w, rows in
            let m = workers[w]
            let n0 = rows.lowerBound * T
            if w > 0 { m.zeroGradients() }
            let mean = m.forward(
                inputs: inputs + n0, targets: targets + n0, B: rows.count, T: T, dropoutKey: dropoutKey, firstRow: n0)!
            m.backward(
                inputs: inputs + n0, targets: targets + n0, B: rows.count, T: T, lossScale: lossScale,
                dropoutKey: dropoutKey, firstRow: n0)
            return mean * Double(rows.count * T)
        }
        addGradients(of: Array(workers.dropFirst()))
        return sums.reduce(0, +) / Double(B * T)
    }

    /// Mean token cross-entropy (nats) of `inputs` against `targets`, (B, T) each, without
    /// dropout: `forward` with the batch split across workers as in `forwardBackward`.
    public func meanLoss(inputs: UnsafePointer<Int32>, targets: UnsafePointer<Int32>, B: Int, T: Int) -> Double {
        let shards = shardedBatch(B: B)
        guard shards.count > 1 else {
            return forward(inputs: inputs, targets: targets, B: B, T: T)!
        }
        let workers = [self] + replicaModels(shards.count - 1)
        let sums = runShards(shards) { w, rows in
            let n0 = rows.lowerBound * T
            let mean = workers[w].forward(inputs: inputs + n0, targets: targets + n0, B: rows.count, T: T, firstRow: n0)!
            return mean * Double(rows.count * T)
        }
        return sums.reduce(0, +) / Double(B * T)
    }

    /// Contiguous sequence ranges covering 0..<B, one per worker (at most `Parallel.threads`).
    func shardedBatch(B: Int) -> [Range<Int>] {
        let n = max(1, min(Parallel.threads, B))
        return (0..<n).map { w in (B * w / n)..<(B * (w + 1) / n) }
    }

    /// Runs `body(worker, rows)` for every shard at once, each on one thread with OpenBLAS and
    /// the engine's loops single-threaded; returns the bodies' results in shard order.
    private func runShards(_ shards: [Range<Int>], _ body: (Int, Range<Int>) -> Double) -> [Double] {
        var results = [Double](repeating: 0, count: shards.count)
        results.withUnsafeMutableBufferPointer { out in
            let out = UncheckedBuffer(base: out.baseAddress!)
            BLAS.singleThreadedIf(true) {
                Parallel.chunks(shards.count, workers: shards.count) { _, range in
                    Parallel.withThreads(1) {
                        for w in range { out.base[w] = body(w, shards[w]) }
                    }
                }
            }
        }
        return results
    }

    /// `count` workers beyond this model, made the first time they are needed.
    private func replicaModels(_ count: Int) -> [LlamaModel] {
        while replicas.count < count { replicas.append(LlamaModel(replicaOf: self)) }
        return Array(replicas.prefix(count))
    }

    /// gradients += the sum of `others`' gradients (same layout), 8 lanes at a time, split
    /// across `Parallel.threads`; each element adds the workers in order.
    @inline(never)
    private func addGradients(of others: [LlamaModel]) {
        let g = gradients.base
        let sources = others.map { UnsafePointer($0.gradients.base) }
        Parallel.chunks(gradients.count / 8, minChunk: 2_048) { _, blocks in
            var i = blocks.lowerBound * 8
            let end = blocks.upperBound == gradients.count / 8 ? gradients.count : blocks.upperBound * 8
            while i + 8 <= end {
                var sum = g.load8(i)
                for s in sources { sum += s.load8(i) }
                g.store8(sum, i)
                i += 8
            }
            while i < end {
                for s in sources { g[i] += s[i] }
                i += 1
            }
        }
    }
}

/// A buffer the shard workers write at disjoint indices.
private struct UncheckedBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
}
