import Foundation

// AdamW and global-norm gradient clipping as kernels over flat float buffers (llm.c style):
// the caller owns parameters, gradients and the two moment buffers, all of one length N, and
// calls `adamwUpdate` once per tensor (or once per slab when every tensor shares a weight decay).

/// Hugging Face `TrainingArguments` defaults for AdamW (`adam_beta1`, `adam_beta2`,
/// `adam_epsilon`, `weight_decay`, `max_grad_norm`).
public enum AdamWDefaults {
    public static let beta1: Float = 0.9
    public static let beta2: Float = 0.999
    public static let eps: Float = 1e-8
    public static let weightDecay: Float = 0
    public static let maxGradNorm: Double = 1
}

/// One AdamW step in place, `torch.optim.AdamW` semantics (decoupled weight decay), per element:
///
///     p = p x (1 - lr x wd)
///     m = beta1 x m + (1 - beta1) x g
///     v = beta2 x v + (1 - beta2) x g^2
///     p = p - lr x mhat / (sqrt(vhat) + eps),  mhat = m / (1 - beta1^t),  vhat = v / (1 - beta2^t)
///
/// computed as PyTorch's `_single_tensor_adam` does: the bias corrections, the step size
/// `lr / (1 - beta1^t)` and the decay factor in Double, then
/// `p -= stepSize x m / (sqrt(v) / sqrt(1 - beta2^t) + eps)` in Float.
///
/// - Parameters:
///   - params: (N) parameters, updated in place.
///   - grads: (N) gradients of the loss (already averaged over accumulation and clipped).
///   - m: (N) first moment, zero before step 1, updated in place.
///   - v: (N) second moment, zero before step 1, updated in place.
///   - count: N.
///   - t: the 1-based optimizer step (1 on the first update).
///   - learningRate: this step's lr, from the schedule.
///   - weightDecay: decoupled decay; the caller passes 0 for tensors that are not matrices
///     (norm gains), so only matrices decay.
@inline(never)
public func adamwUpdate(
    params: UnsafeMutablePointer<Float>, grads: UnsafePointer<Float>,
    m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, count: Int,
    step t: Int, learningRate: Float, beta1: Float, beta2: Float, eps: Float, weightDecay: Float
) {
    precondition(t >= 1, "adamwUpdate: step t is 1-based, got \(t)")
    let lr = Double(learningRate)
    let biasCorrection1 = 1 - pow(Double(beta1), Double(t))
    let biasCorrection2 = 1 - pow(Double(beta2), Double(t))
    let stepSize = Float(lr / biasCorrection1)
    let biasCorrection2Sqrt = Float(biasCorrection2.squareRoot())
    let decayFactor = Float(1 - lr * Double(weightDecay))
    let oneMinusBeta1 = 1 - beta1
    let oneMinusBeta2 = 1 - beta2
    let decays = weightDecay != 0
    // Elementwise: split across `Parallel.threads`, 8 lanes at a time (IEEE sqrt and division
    // are exact per lane, so the vector loop gives the scalar loop's bits), the same result on
    // any thread count.
    Parallel.chunks(count, minChunk: 16_384) { _, range in
        @inline(__always)
        func update(_ g: Float8, _ p: Float8, _ m0: Float8, _ v0: Float8) -> (p: Float8, m: Float8, v: Float8) {
            var p = p
            if decays { p *= decayFactor }
            let mi = beta1 * m0 + oneMinusBeta1 * g
            let vi = beta2 * v0 + oneMinusBeta2 * g * g
            let denominator = vi.squareRoot() / biasCorrection2Sqrt + eps
            p -= stepSize * mi / denominator
            return (p, mi, vi)
        }
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let (p, mi, vi) = update(grads.load8(i), params.load8(i), m.load8(i), v.load8(i))
            params.store8(p, i)
            m.store8(mi, i)
            v.store8(vi, i)
            i += 8
        }
        while i < range.upperBound {
            let (p, mi, vi) = update(Float8(repeating: grads[i]), Float8(repeating: params[i]),
                                     Float8(repeating: m[i]), Float8(repeating: v[i]))
            params[i] = p[0]
            m[i] = mi[0]
            v[i] = vi[0]
            i += 1
        }
    }
}

/// The L2 norm of several buffers taken as one vector, `sqrt(sum_i x_i^2)`, accumulated in Double
/// (PyTorch's `clip_grad_norm_` total norm with `norm_type = 2`). Each pair is (pointer, count).
/// Returns `inf` or `nan` when a gradient is not finite: the caller treats that as divergence.
public func globalNorm(_ buffers: [(UnsafePointer<Float>, Int)]) -> Double {
    // Four running sums (element i goes to sum i % 4), so the adds do not wait on each other.
    var sums = (0.0, 0.0, 0.0, 0.0)
    for (pointer, count) in buffers {
        var i = 0
        while i + 4 <= count {
            let x0 = Double(pointer[i]), x1 = Double(pointer[i + 1])
            let x2 = Double(pointer[i + 2]), x3 = Double(pointer[i + 3])
            sums.0 += x0 * x0
            sums.1 += x1 * x1
            sums.2 += x2 * x2
            sums.3 += x3 * x3
            i += 4
        }
        while i < count {
            let x = Double(pointer[i])
            sums.0 += x * x
            i += 1
        }
    }
    return ((sums.0 + sums.1) + (sums.2 + sums.3)).squareRoot()
}

/// `p[i] *= factor` for i in 0..<count.
public func scaleInPlace(_ p: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
    for i in 0..<count { p[i] *= factor }
}

/// The factor `clip_grad_norm_` multiplies gradients by: `maxNorm / (totalNorm + 1e-6)` when that
/// is below 1, else 1 (no clipping). `maxNorm <= 0` disables clipping (HF's `max_grad_norm: 0`),
/// and so does a non-finite norm (the caller reports divergence instead of scaling by NaN).
public func gradientClipCoefficient(totalNorm: Double, maxNorm: Double) -> Double {
    guard maxNorm > 0, totalNorm.isFinite else { return 1 }
    let coefficient = maxNorm / (totalNorm + 1e-6)
    return coefficient < 1 ? coefficient : 1
}

/// Global-norm clipping in place, as `torch.nn.utils.clip_grad_norm_`: measures the norm of all
/// the buffers together, scales every buffer by `gradientClipCoefficient` when it is below 1,
/// and returns the norm measured before clipping (what HF logs as `grad_norm`).
@discardableResult
public func clipGradients(_ buffers: [(UnsafeMutablePointer<Float>, Int)], maxNorm: Double) -> Double {
    let norm = globalNorm(buffers.map { (UnsafePointer($0.0), $0.1) })
    let coefficient = gradientClipCoefficient(totalNorm: norm, maxNorm: maxNorm)
    if coefficient < 1 {
        for (pointer, count) in buffers { scaleInPlace(pointer, count: count, by: Float(coefficient)) }
    }
    return norm
}
