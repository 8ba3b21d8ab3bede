import Foundation
import Testing

import RewarmEngine

/// AdamW written out in Double from the formula (decay, moments, bias-corrected update), the
/// oracle for the Float kernel. Returns the parameters after each step.
private func referenceAdamW(
    params: [Double], grads: [[Double]], lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double
) -> [[Double]] {
    var p = params
    var m = [Double](repeating: 0, count: p.count)
    var v = [Double](repeating: 0, count: p.count)
    var history: [[Double]] = []
    for (index, g) in grads.enumerated() {
        let t = Double(index + 1)
        for i in p.indices {
            p[i] *= 1 - lr * weightDecay
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            let mHat = m[i] / (1 - pow(beta1, t))
            let vHat = v[i] / (1 - pow(beta2, t))
            p[i] -= lr * mHat / (vHat.squareRoot() + eps)
        }
        history.append(p)
    }
    return history
}

/// Runs the kernel for `grads.count` steps from zero moments; returns params after each step and the final moments.
private func runAdamW(
    params: [Float], grads: [[Float]], lr: Float, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8,
    weightDecay: Float
) -> (history: [[Float]], m: [Float], v: [Float]) {
    var p = params
    var m = [Float](repeating: 0, count: p.count)
    var v = [Float](repeating: 0, count: p.count)
    var history: [[Float]] = []
    for (index, g) in grads.enumerated() {
        p.withUnsafeMutableBufferPointer { pp in
            m.withUnsafeMutableBufferPointer { mm in
                v.withUnsafeMutableBufferPointer { vv in
                    g.withUnsafeBufferPointer { gg in
                        adamwUpdate(
                            params: pp.baseAddress!, grads: gg.baseAddress!, m: mm.baseAddress!, v: vv.baseAddress!,
                            count: pp.count, step: index + 1, learningRate: lr, beta1: beta1, beta2: beta2, eps: eps,
                            weightDecay: weightDecay)
                    }
                }
            }
        }
        history.append(p)
    }
    return (history, m, v)
}

/// The worst element of `actual` vs `expected`, for a failure message that says where and how much.
private func worst(_ actual: [Float], _ expected: [Double]) -> (index: Int, difference: Double) {
    var result = (index: 0, difference: 0.0)
    for i in actual.indices where abs(Double(actual[i]) - expected[i]) > result.difference {
        result = (i, abs(Double(actual[i]) - expected[i]))
    }
    return result
}

@Suite struct AdamWTests {
    let params: [Float] = [1.0, -0.5, 2.0]
    let grads: [[Float]] = [[0.5, -0.25, 0.0], [0.1, 0.3, -1.0]]

    @Test("one and two AdamW steps match the formula computed in Double")
    func matchesDoubleReference() {
        for weightDecay in [0.0, 0.01] {
            let run = runAdamW(params: params, grads: grads, lr: 0.1, weightDecay: Float(weightDecay))
            let reference = referenceAdamW(
                params: params.map(Double.init), grads: grads.map { $0.map(Double.init) }, lr: 0.1, beta1: 0.9,
                beta2: 0.999, eps: 1e-8, weightDecay: weightDecay)
            for step in 0..<2 {
                let (index, difference) = worst(run.history[step], reference[step])
                #expect(
                    difference < 5e-6,
                    "wd \(weightDecay) step \(step + 1): element \(index) is \(run.history[step][index]), expected \(reference[step][index])"
                )
            }
        }
    }

    @Test("the first and second steps give the values computed by hand (python3, float64)")
    func literalValues() {
        let run = runAdamW(params: params, grads: grads, lr: 0.1, weightDecay: 0.01)
        // Step 1: p x (1 - 0.1 x 0.01) - 0.1 x g / (|g| + 1e-8): 0.999 - 0.1, -0.4995 + 0.1, 1.998 - 0.
        let step1: [Double] = [0.899000002, -0.39950000399999985, 1.998]
        let step2: [Double] = [0.8177969063826518, -0.413394976543747, 2.070415681304593]
        #expect(worst(run.history[0], step1).difference < 2e-6)
        #expect(worst(run.history[1], step2).difference < 2e-6)
        // Moments after step 2: m = 0.9 x 0.1 g1 + 0.1 g2, v = 0.999 x 0.001 g1^2 + 0.001 g2^2.
        #expect(worst(run.m, [0.055, 0.0075, -0.1]).difference < 1e-7)
        #expect(worst(run.v, [0.00025975, 0.0001524375, 0.001]).difference < 2e-8)
    }

    @Test("the first step moves each parameter by about lr against the sign of its gradient")
    func firstStepIsSignDescent() {
        let run = runAdamW(params: [0, 0, 0], grads: [[3, -0.002, 0]], lr: 0.01, weightDecay: 0)
        #expect(abs(run.history[0][0] - -0.01) < 1e-7)
        #expect(abs(run.history[0][1] - 0.01) < 1e-7)
        #expect(run.history[0][2] == 0)  // zero gradient: m = 0, update 0 / (0 + eps)
    }

    @Test("weight decay shrinks parameters by (1 - lr x wd) only when wd > 0")
    func weightDecayOnlyWhenPositive() {
        let zero: [[Float]] = [[0, 0, 0]]
        let decayed = runAdamW(params: params, grads: zero, lr: 0.1, weightDecay: 0.5)
        for i in params.indices { #expect(abs(decayed.history[0][i] - params[i] * 0.95) < 1e-7) }
        let kept = runAdamW(params: params, grads: zero, lr: 0.1, weightDecay: 0)
        #expect(kept.history[0] == params)
    }

    @Test("the global norm is the L2 norm of all buffers taken together")
    func globalNormOfSeveralBuffers() {
        let a: [Float] = [3, 0], b: [Float] = [4], c: [Float] = [12]
        let norm = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeBufferPointer { pc in
                    globalNorm([(pa.baseAddress!, 2), (pb.baseAddress!, 1), (pc.baseAddress!, 1)])
                }
            }
        }
        #expect(norm == 13)
        // Accumulated in Double: a sequential Float sum of these squares is off by 1.7e-4 in the norm (numpy).
        let many = [Float](repeating: 1e-3, count: 100_000)
        let manyNorm = many.withUnsafeBufferPointer { globalNorm([($0.baseAddress!, $0.count)]) }
        #expect(abs(manyNorm - (100_000 * Double(Float(1e-3)) * Double(Float(1e-3))).squareRoot()) < 1e-12)
        // A length that is not a multiple of the four running sums, against a one-by-one sum.
        let odd = (0..<1_003).map { Float(($0 * 37) % 101) / 50 - 1 }
        let naive = odd.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let oddNorm = odd.withUnsafeBufferPointer { globalNorm([($0.baseAddress!, $0.count)]) }
        #expect(abs(oddNorm - naive) <= 1e-12 * naive)
    }

    @Test("the clip coefficient is max_norm / (norm + 1e-6) below 1, else 1, as clip_grad_norm_")
    func clipCoefficient() {
        #expect(gradientClipCoefficient(totalNorm: 10, maxNorm: 1) == 1 / (10 + 1e-6))
        #expect(gradientClipCoefficient(totalNorm: 4, maxNorm: 2) == 2 / (4 + 1e-6))
        #expect(gradientClipCoefficient(totalNorm: 0.5, maxNorm: 1) == 1)
        #expect(gradientClipCoefficient(totalNorm: 1, maxNorm: 1) < 1)  // 1 / (1 + 1e-6), as PyTorch
        #expect(gradientClipCoefficient(totalNorm: 10, maxNorm: 0) == 1)  // max_grad_norm 0 disables clipping
        #expect(gradientClipCoefficient(totalNorm: .nan, maxNorm: 1) == 1)
    }

    @Test("clipping scales every buffer to the max norm, returns the norm before clipping, and leaves small gradients alone")
    func clipping() {
        var a: [Float] = [3, 0], b: [Float] = [4]
        let before = a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in clipGradients([(pa.baseAddress!, 2), (pb.baseAddress!, 1)], maxNorm: 1) }
        }
        #expect(before == 5)
        let coefficient = Float(1 / (5 + 1e-6))
        #expect(a == [3 * coefficient, 0] && b == [4 * coefficient])
        var small: [Float] = [0.3, -0.4]
        let smallNorm = small.withUnsafeMutableBufferPointer { clipGradients([($0.baseAddress!, 2)], maxNorm: 1) }
        #expect(abs(smallNorm - 0.5) < 1e-7)
        #expect(small == [0.3, -0.4])
    }

    @Test("scaleInPlace multiplies every element")
    func scale() {
        var x: [Float] = [1, -2, 0.5]
        x.withUnsafeMutableBufferPointer { scaleInPlace($0.baseAddress!, count: $0.count, by: -2) }
        #expect(x == [-2, 4, -1])
    }
}
