/// SwiGLU gating (Shazeer 2020, "GLU Variants Improve Transformer"), the Llama MLP's middle:
/// out = silu(gate) * up, silu(g) = g * sigmoid(g). out, gate, up: (N, F) as `count` floats,
/// split across `Parallel.threads`, 8 lanes at a time (`exp8`; a chunk's last few elements go
/// through the same 8-lane formula one at a time, so the result does not depend on the split).
@inline(never)
public func swigluForward(
    _ out: UnsafeMutablePointer<Float>, _ gate: UnsafePointer<Float>, _ up: UnsafePointer<Float>,
    count: Int
) {
    Parallel.chunks(count, minChunk: 8_192) { _, range in
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            out.store8(swiglu8(gate.load8(i), up.load8(i)), i)
            i += 8
        }
        while i < range.upperBound {
            out[i] = swiglu8(Float8(repeating: gate[i]), Float8(repeating: up[i]))[0]
            i += 1
        }
    }
}

@inline(__always)
private func swiglu8(_ g: Float8, _ u: Float8) -> Float8 {
    g * sigmoid8(g) * u
}

/// Backward of `swigluForward`, accumulating, with s = sigmoid(g):
/// dgate += dout * up * s * (1 + g * (1 - s));  dup += dout * g * s.
/// `overwrite` writes dgate and dup instead of adding (no zeroing pass before).
@inline(never)
public func swigluBackward(
    _ dgate: UnsafeMutablePointer<Float>, _ dup: UnsafeMutablePointer<Float>,
    _ dout: UnsafePointer<Float>, _ gate: UnsafePointer<Float>, _ up: UnsafePointer<Float>,
    count: Int, overwrite: Bool = false
) {
    Parallel.chunks(count, minChunk: 8_192) { _, range in
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let (dg, du) = swigluGradients8(dout.load8(i), gate.load8(i), up.load8(i))
            dgate.store8(overwrite ? dg : dgate.load8(i) + dg, i)
            dup.store8(overwrite ? du : dup.load8(i) + du, i)
            i += 8
        }
        while i < range.upperBound {
            let (dg, du) = swigluGradients8(
                Float8(repeating: dout[i]), Float8(repeating: gate[i]), Float8(repeating: up[i]))
            dgate[i] = overwrite ? dg[0] : dgate[i] + dg[0]
            dup[i] = overwrite ? du[0] : dup[i] + du[0]
            i += 1
        }
    }
}

@inline(__always)
private func swigluGradients8(_ d: Float8, _ g: Float8, _ u: Float8) -> (dgate: Float8, dup: Float8) {
    let s = sigmoid8(g)
    return (d * u * s * (1 + g * (1 - s)), d * g * s)
}
