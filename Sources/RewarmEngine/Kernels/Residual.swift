/// Residual connection: out = a + b, `count` floats (split across `Parallel.threads`).
public func residualForward(
    _ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int
) {
    Parallel.chunks(count, minChunk: 32_768) { _, range in
        for i in range { out[i] = a[i] + b[i] }
    }
}

/// Backward of `residualForward`: da += dout; db += dout.
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
