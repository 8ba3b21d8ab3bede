/// Token embedding lookup (`model.embed_tokens`): out (N, C) = wte (V, C)[tokens (N)].
public func embeddingForward(
    _ out: UnsafeMutablePointer<Float>, _ tokens: UnsafePointer<Int32>, _ wte: UnsafePointer<Float>,
    N: Int, C: Int
) {
    for n in 0..<N {
        (out + n * C).update(from: wte + Int(tokens[n]) * C, count: C)
    }
}

/// Backward of `embeddingForward`: dwte[tokens[n]] += dout[n] for every row n.
public func embeddingBackward(
    _ dwte: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ tokens: UnsafePointer<Int32>,
    N: Int, C: Int
) {
    for n in 0..<N {
        let row = dwte + Int(tokens[n]) * C
        let g = dout + n * C
        for i in 0..<C { row[i] += g[i] }
    }
}
