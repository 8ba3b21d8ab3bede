import Foundation

/// Rotary position embedding tables (Su et al. 2021, RoFormer), Hugging Face Llama convention:
/// inv_freq[i] = theta^(-2i / hs), angle[t][i] = t * inv_freq[i], for i < hs/2.
public struct RotaryTables: Sendable {
    /// (T, hs/2) each.
    public let cos: [Float]
    public let sin: [Float]
    public let maxLength: Int
    public let headDim: Int

    public init(maxLength T: Int, headDim hs: Int, theta: Double) {
        let half = hs / 2
        var c = [Float](repeating: 0, count: T * half)
        var s = [Float](repeating: 0, count: T * half)
        for i in 0..<half {
            // float32 inverse frequencies, as transformers computes them
            let invFreq = Float(1.0 / Foundation.pow(theta, Double(2 * i) / Double(hs)))
            for t in 0..<T {
                let angle = Double(Float(t) * invFreq)
                c[t * half + i] = Float(Foundation.cos(angle))
                s[t * half + i] = Float(Foundation.sin(angle))
            }
        }
        cos = c
        sin = s
        maxLength = T
        headDim = hs
    }
}

/// Applies the rotation to every head of every position, HF `rotate_half` pairing (i, i + hs/2):
/// out[i] = x[i] cos - x[i+half] sin;  out[i+half] = x[i+half] cos + x[i] sin.
/// out, inp (B, T, NH, hs) = (B*T, C); cos, sin (T, hs/2). `out` may alias `inp`.
@inline(never)
public func rotaryForward(
    _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>,
    cos: UnsafePointer<Float>, sin: UnsafePointer<Float>, B: Int, T: Int, NH: Int, hs: Int
) {
    let half = hs / 2
    let vectorEnd = half & ~7
    let C = NH * hs
    Parallel.chunks(B * T, minChunk: Parallel.minRows(width: C)) { _, rows in
        for row in rows {
            let t = row % T
            let c = cos + t * half
            let s = sin + t * half
            for h in 0..<NH {
                let base = row * C + h * hs
                let x = inp + base
                let y = out + base
                var i = 0
                while i < vectorEnd {
                    let x1 = x.load8(i), x2 = x.load8(i + half), ci = c.load8(i), si = s.load8(i)
                    y.store8(x1 * ci - x2 * si, i)
                    y.store8(x2 * ci + x1 * si, i + half)
                    i += 8
                }
                for i in vectorEnd..<half {
                    let x1 = x[i], x2 = x[i + half]
                    y[i] = x1 * c[i] - x2 * s[i]
                    y[i + half] = x2 * c[i] + x1 * s[i]
                }
            }
        }
    }
}

/// Backward of `rotaryForward` (the transpose rotation), accumulating into dinp:
/// dinp[i] += dout[i] cos + dout[i+half] sin;  dinp[i+half] += dout[i+half] cos - dout[i] sin.
/// `overwrite` writes dinp instead of adding (no zeroing pass before).
@inline(never)
public func rotaryBackward(
    _ dinp: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>,
    cos: UnsafePointer<Float>, sin: UnsafePointer<Float>, B: Int, T: Int, NH: Int, hs: Int, overwrite: Bool = false
) {
    let half = hs / 2
    let vectorEnd = half & ~7
    let C = NH * hs
    Parallel.chunks(B * T, minChunk: Parallel.minRows(width: C)) { _, rows in
        for row in rows {
            let t = row % T
            let c = cos + t * half
            let s = sin + t * half
            for h in 0..<NH {
                let base = row * C + h * hs
                let g = dout + base
                let dx = dinp + base
                var i = 0
                while i < vectorEnd {
                    let g1 = g.load8(i), g2 = g.load8(i + half), ci = c.load8(i), si = s.load8(i)
                    dx.store8((overwrite ? .zero : dx.load8(i)) + (g1 * ci + g2 * si), i)
                    dx.store8((overwrite ? .zero : dx.load8(i + half)) + (g2 * ci - g1 * si), i + half)
                    i += 8
                }
                for i in vectorEnd..<half {
                    let g1 = g[i], g2 = g[i + half]
                    dx[i] = (overwrite ? 0 : dx[i]) + (g1 * c[i] + g2 * s[i])
                    dx[i + half] = (overwrite ? 0 : dx[i + half]) + (g2 * c[i] - g1 * s[i])
                }
            }
        }
    }
}
