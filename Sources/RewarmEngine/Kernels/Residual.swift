/// Residual connection: out = a + b, `count` floats.
public func residualForward(
    _ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int
) {
    for i in 0..<count { out[i] = a[i] + b[i] }
}

/// Backward of `residualForward`: da += dout; db += dout.
public func residualBackward(
    _ da: UnsafeMutablePointer<Float>, _ db: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>,
    count: Int
) {
    for i in 0..<count {
        da[i] += dout[i]
        db[i] += dout[i]
    }
}
