import Foundation

// Data parallelism inside one process: the B sequences of a batch are split into contiguous
// shards, one per worker thread; each worker runs the whole forward (and backward) of its shard
// on one BLAS thread with activations of its own, and the workers' weight gradients are summed
// at the end. Sequences are independent in a causal LM, so the loss and gradients are those of
// the whole batch up to float rounding (the sums over positions are split at shard edges).
//
// On small models this scales better than splitting every product across threads: each
// worker keeps its matrices in its own core's cache and there is one synchronisation per step
// instead of several per layer. Each worker runs its shard in passes (`BatchPasses`).

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
        let (loss, workers) = meanOverShards(B: B, T: T, zeroingReplicaGradients: true) { m, _, rows, n0 in
            let mean = m.forward(
                inputs: inputs + n0, targets: targets + n0, B: rows.count, T: T, lossScale: lossScale,
                dropoutKey: dropoutKey, firstRow: n0)!
            m.backward(inputs: inputs + n0, B: rows.count, T: T, dropoutKey: dropoutKey, firstRow: n0)
            return mean
        }
        if workers.count > 1 { addGradients(of: Array(workers.dropFirst())) }
        return loss
    }

    /// Mean token cross-entropy (nats) of `inputs` against `targets`, (B, T) each, without
    /// dropout: `forward` with the batch split across workers as in `forwardBackward`.
    public func meanLoss(inputs: UnsafePointer<Int32>, targets: UnsafePointer<Int32>, B: Int, T: Int) -> Double {
        meanOverShards(B: B, T: T) { m, _, rows, n0 in
            m.forward(inputs: inputs + n0, targets: targets + n0, B: rows.count, T: T, firstRow: n0)!
        }.loss
    }

    /// Contiguous sequence ranges covering 0..<B, one per worker (at most `Parallel.threads`).
    func shardedBatch(B: Int) -> [Range<Int>] {
        let n = max(1, min(Parallel.threads, B))
        return (0..<n).map { w in (B * w / n)..<(B * (w + 1) / n) }
    }

    /// Runs `passMean(model, worker, rows, firstRow)` (the mean token loss of sequences `rows`,
    /// whose first position is row `firstRow` of the batch) for every pass (`BatchPasses`) of
    /// every shard: inline on this model when there is one shard, else the shards all at once,
    /// worker w on its own model with one thread (OpenBLAS and the engine's loops), its passes
    /// in order; with `zeroingReplicaGradients`, a replica's gradients are zeroed before its first
    /// pass. Returns the batch's mean token loss, each pass weighted by its positions, and the
    /// models that ran (this one first).
    private func meanOverShards(
        B: Int, T: Int, zeroingReplicaGradients: Bool = false,
        _ passMean: (_ model: LlamaModel, _ worker: Int, _ rows: Range<Int>, _ firstRow: Int) -> Double
    ) -> (loss: Double, workers: [LlamaModel]) {
        let shards = shardedBatch(B: B)
        let workers = workerModels(shards.count)
        let positions = positionsPerPass
        // Sum of the token losses of one shard, pass by pass.
        func shardSum(_ w: Int) -> Double {
            if w > 0 && zeroingReplicaGradients { workers[w].zeroGradients() }
            return BatchPasses.split(shards[w], T: T, positions: positions).reduce(0) { sum, pass in
                sum + passMean(workers[w], w, pass, pass.lowerBound * T) * Double(pass.count * T)
            }
        }
        guard shards.count > 1 else { return (shardSum(0) / Double(B * T), workers) }
        let sums = BLAS.singleThreadedIf(true) {
            Parallel.concurrentMap(shards.count) { w in Parallel.withThreads(1) { shardSum(w) } }
        }
        return (sums.reduce(0, +) / Double(B * T), workers)
    }

    /// The models that run `shards` shards, one each: this one first, then replicas, made the
    /// first time they are needed (with this model's head chunk size).
    private func workerModels(_ shards: Int) -> [LlamaModel] {
        let count = shards - 1
        while replicas.count < count { replicas.append(LlamaModel(replicaOf: self)) }
        for r in replicas.prefix(count) where r.headChunkRows != headChunkRows { r.headChunkRows = headChunkRows }
        return [self] + replicas.prefix(count)
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
