/// Residual connection: out = a + b, `count` floats (split across `Parallel.threads`, 8 lanes
/// at a time). `out` may alias `a` or `b`.
@inline(never)
public func residualForward(
    _ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int
) {
    Parallel.chunks(count, minChunk: 32_768) { _, range in
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            out.store8(a.load8(i) + b.load8(i), i)
            i += 8
        }
        while i < range.upperBound {
            out[i] = a[i] + b[i]
            i += 1
        }
    }
}

/// Backward of `residualForward`: da += dout; db += dout.
@inline(never)
public func residualBackward(
    _ da: UnsafeMutablePointer<Float>, _ db: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>,
    count: Int
) {
    Parallel.chunks(count, minChunk: 32_768) { _, range in
        for i in range {
            da[i] += dout[i]
            db[i] += dout[i]
        }
    }
}
