/// Token embedding lookup (`model.embed_tokens`): out (N, C) = wte (V, C)[tokens (N)].
public func embeddingForward(
    _ out: UnsafeMutablePointer<Float>, _ tokens: UnsafePointer<Int32>, _ wte: UnsafePointer<Float>,
    N: Int, C: Int
) {
    Parallel.chunks(N, minChunk: Parallel.minRows(width: C)) { _, rows in
        for n in rows {
            (out + n * C).update(from: wte + Int(tokens[n]) * C, count: C)
        }
    }
}

/// Backward of `embeddingForward`: dwte[tokens[n]] += dout[n] for every row n. Split by columns
/// (rows of dwte are shared between positions), each column adding the rows in order.
public func embeddingBackward(
    _ dwte: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ tokens: UnsafePointer<Int32>,
    N: Int, C: Int
) {
    Parallel.chunks(C, minChunk: N * C >= 32_768 ? 16 : C) { _, columns in
        for n in 0..<N {
            let row = dwte + Int(tokens[n]) * C
            let g = dout + n * C
            for i in columns { row[i] += g[i] }
        }
    }
}
