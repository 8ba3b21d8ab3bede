import Foundation

/// SwiGLU gating (Shazeer 2020, "GLU Variants Improve Transformer"), the Llama MLP's middle:
/// out = silu(gate) * up, silu(g) = g * sigmoid(g). out, gate, up: (N, F) as `count` floats,
/// split across `Parallel.threads` (elementwise: same result on any thread count).
public func swigluForward(
    _ out: UnsafeMutablePointer<Float>, _ gate: UnsafePointer<Float>, _ up: UnsafePointer<Float>,
    count: Int
) {
    Parallel.chunks(count, minChunk: 8_192) { _, range in
        for i in range {
            let g = gate[i]
            out[i] = g / (1 + Foundation.exp(-g)) * up[i]
        }
    }
}

/// Backward of `swigluForward`, accumulating, with s = sigmoid(g):
/// dgate += dout * up * s * (1 + g * (1 - s));  dup += dout * g * s.
public func swigluBackward(
    _ dgate: UnsafeMutablePointer<Float>, _ dup: UnsafeMutablePointer<Float>,
    _ dout: UnsafePointer<Float>, _ gate: UnsafePointer<Float>, _ up: UnsafePointer<Float>,
    count: Int
) {
    Parallel.chunks(count, minChunk: 8_192) { _, range in
        for i in range {
            let g = gate[i]
            let s = 1 / (1 + Foundation.exp(-g))
            let d = dout[i]
            dgate[i] += d * up[i] * s * (1 + g * (1 - s))
            dup[i] += d * g * s
        }
    }
}
