// The output head and the loss, chunk by chunk of positions: logits (N, V) = lnf (N, C) Wlm^T,
// Wlm (V, C) being `lm_head.weight` or, tied (HF `tie_word_embeddings`), the embedding table;
// then the cross-entropy of each position's next token. With V = 49,152 (SmolLM2) the logits
// of 8 x 256 positions are 400 MB, and their gradient as much again: instead, `headRows`
// positions at a time (logits of about 16 MiB), a chunk's logits become its losses and, in a
// training forward, straight away their gradient dlogits = scale * (softmax - onehot), which is
// turned into d(lnf) for the chunk's rows and added into the head's weight gradient
// (dWlm += dlogits^T lnf: into the embedding's gradient when tied, as llm.c's GPT-2 does) before
// the next chunk overwrites the buffer. This is the "fused linear cross-entropy" of Liger Kernel
// (Hsu et al. 2024, arXiv 2410.10989), which also makes the gradient in the forward: the loss
// scale is known then. The losses and gradients equal the unchunked ones up to float rounding
// (the weight gradient's sum over positions is cut at chunk edges).

extension LlamaModel {
    /// Floats a chunk of logits holds at most (16 MiB), unless one position alone is more.
    public static let headChunkFloats = 1 << 22

    /// Positions per chunk of the head for a vocabulary of V tokens: as many as fit in
    /// `headChunkFloats` logits (V = 256: 16,384, more than any pass has; V = 49,152: 85).
    public static func headRows(vocabularySize V: Int) -> Int { max(1, headChunkFloats / max(1, V)) }

    /// The sum of the N token losses of `a.lnf` (N, C) against `targets` (N), chunk by chunk;
    /// `a.losses` (N) holds them after. With `lossScale` also the gradient of
    /// `lossScale * sum of the losses`: d(lnf) written into `a.dln` (N, C), the head's weight
    /// gradient accumulated (when it trains).
    func headForward(_ a: Activations, targets: UnsafePointer<Int32>, N: Int, lossScale: Float?) -> Double {
        let C = config.hiddenSize, V = config.vocabSize
        let head = WeightNames.head(config)
        let W = weights.pointer(head), dW = gradient(head)
        var start = 0
        while start < N {
            let rows = min(a.headRows, N - start)
            let x = a.lnf + start * C, t = targets + start
            matmulForward(a.logits, x, W, N: rows, IC: C, OC: V)
            crossEntropyForward(a.losses + start, a.logits, a.logits, t, N: rows, V: V)
            if let lossScale {
                crossEntropyBackward(a.logits, a.logits, t, scale: lossScale, N: rows, V: V, overwrite: true)
                matmulBackward(a.dln + start * C, dW, a.logits, x, W, N: rows, IC: C, OC: V, overwrite: true)
            }
            start += rows
        }
        // In row order after all chunks: the same sum as one unchunked cross-entropy makes.
        var total = 0.0
        for n in 0..<N { total += Double(a.losses[n]) }
        return total
    }

    /// The logits (B, T, V) of the last forward pass (B, T as given to it), computed now from its
    /// final hidden states: (B*T, V) floats, for one sequence at hand (generation, logit dumps),
    /// not for training batches. After `forwardBackward` or `meanLoss` the activations hold the
    /// last pass only.
    public func logits(B: Int, T: Int) -> [Float] {
        let a = activations(B: B, T: T)
        let C = config.hiddenSize, V = config.vocabSize
        let W = weights.pointer(WeightNames.head(config))
        return [Float](unsafeUninitializedCapacity: B * T * V) { out, count in
            matmulForward(out.baseAddress!, a.lnf, W, N: B * T, IC: C, OC: V)
            count = B * T * V
        }
    }

    /// The logits (B, V) of the last position of each sequence of the last forward pass: what
    /// sampling the next token needs.
    public func lastLogits(B: Int, T: Int) -> [Float] {
        let a = activations(B: B, T: T)
        let C = config.hiddenSize, V = config.vocabSize
        let W = weights.pointer(WeightNames.head(config))
        return [Float](unsafeUninitializedCapacity: B * V) { out, count in
            for b in 0..<B {
                matmulForward(out.baseAddress! + b * V, a.lnf + (b * T + T - 1) * C, W, N: 1, IC: C, OC: V)
            }
            count = B * V
        }
    }

    /// Traps unless every one of the `count` token ids is in 0 ..< V (an id past the table would
    /// read other memory as its embedding).
    func checkTokens(_ tokens: UnsafePointer<Int32>, count: Int) {
        let V = UInt32(config.vocabSize)
        for i in 0..<count where UInt32(bitPattern: tokens[i]) >= V {
            preconditionFailure("token id \(tokens[i]) at position \(i) is outside the vocabulary 0 ..< \(V)")
        }
    }
}
