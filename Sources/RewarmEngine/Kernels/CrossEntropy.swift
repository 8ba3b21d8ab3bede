import Foundation

/// Softmax cross-entropy of next-token prediction (the language-modelling loss, in nats).
///
/// losses (N) = logsumexp(logits[n]) - logits[n, targets[n]]; probs (N, V) = softmax(logits),
/// kept for the backward. `probs` may alias `logits`. Returns the sum of the N losses (Double,
/// added in row order after the rows are done, so the sum does not depend on the thread count).
@discardableResult
@inline(never)
public func crossEntropyForward(
    _ losses: UnsafeMutablePointer<Float>, _ probs: UnsafeMutablePointer<Float>,
    _ logits: UnsafePointer<Float>, _ targets: UnsafePointer<Int32>, N: Int, V: Int
) -> Double {
    Parallel.chunks(N, minChunk: Parallel.minRows(width: V)) { _, rows in
        for n in rows {
            let z = logits + n * V
            let p = probs + n * V
            let zt = z[Int(targets[n])]  // read before `p`, which may alias `z`, is written
            losses[n] = softmaxRow(p, z, count: V) - zt
        }
    }
    var total: Double = 0
    for n in 0..<N { total += Double(losses[n]) }
    return total
}

/// Backward of the loss `scale * sum_n losses[n]` with respect to the logits, accumulating:
/// dlogits[n] += scale * (probs[n] - onehot(targets[n])). `dlogits` may alias `probs` only when
/// the caller zeroed nothing else there, i.e. pass `overwrite: true` to write instead of add.
@inline(never)
public func crossEntropyBackward(
    _ dlogits: UnsafeMutablePointer<Float>, _ probs: UnsafePointer<Float>,
    _ targets: UnsafePointer<Int32>, scale: Float, N: Int, V: Int, overwrite: Bool = false
) {
    Parallel.chunks(N, minChunk: Parallel.minRows(width: V)) { _, rows in
        for n in rows {
            let p = probs + n * V
            let d = dlogits + n * V
            let vectorEnd = V & ~7
            var i = 0
            if overwrite {
                while i < vectorEnd { d.store8(scale * p.load8(i), i); i += 8 }
                for j in vectorEnd..<V { d[j] = scale * p[j] }
            } else {
                while i < vectorEnd { d.store8(d.load8(i) + scale * p.load8(i), i); i += 8 }
                for j in vectorEnd..<V { d[j] += scale * p[j] }
            }
            d[Int(targets[n])] -= scale
        }
    }
}
