/// RMSNorm (Zhang & Sennrich 2019; Hugging Face `LlamaRMSNorm`):
/// out = x / sqrt(mean(x^2) + eps) * weight, per row.
///
/// out (N, C), rstd (N) = 1 / sqrt(mean(x^2) + eps) kept for the backward, inp (N, C), weight (C).
/// Rows are split across `Parallel.threads` workers; each row is computed as in the serial loop.
public func rmsnormForward(
    _ out: UnsafeMutablePointer<Float>, _ rstd: UnsafeMutablePointer<Float>,
    _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, N: Int, C: Int, eps: Float
) {
    Parallel.chunks(N, minChunk: Parallel.minRows(width: C)) { _, rows in
        for n in rows {
            let x = inp + n * C
            let y = out + n * C
            var ss: Float = 0
            for i in 0..<C { ss += x[i] * x[i] }
            let r = 1 / (ss / Float(C) + eps).squareRoot()
            rstd[n] = r
            for i in 0..<C { y[i] = x[i] * r * weight[i] }
        }
    }
}

/// Backward of `rmsnormForward`, accumulating. With xhat = x * r:
/// dweight += sum_n dout * xhat;  dinp += r * (dout * w - xhat * mean(dout * w * xhat)).
/// A nil `dweight` skips the weight gradient (frozen norm). dinp is split by rows, dweight by
/// columns (each column sums its N rows in order), so the result is the same on any thread count.
public func rmsnormBackward(
    _ dinp: UnsafeMutablePointer<Float>, _ dweight: UnsafeMutablePointer<Float>?,
    _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    _ rstd: UnsafePointer<Float>, N: Int, C: Int
) {
    Parallel.chunks(N, minChunk: Parallel.minRows(width: C)) { _, rows in
        for n in rows {
            let x = inp + n * C
            let g = dout + n * C
            let dx = dinp + n * C
            let r = rstd[n]
            var dot: Float = 0
            for i in 0..<C { dot += g[i] * weight[i] * x[i] }
            let k = dot * r * r / Float(C)
            for i in 0..<C { dx[i] += r * (g[i] * weight[i] - x[i] * k) }
        }
    }
    guard let dweight else { return }
    Parallel.chunks(C, minChunk: N * C >= 32_768 ? 16 : C) { _, columns in
        for n in 0..<N {
            let x = inp + n * C
            let g = dout + n * C
            let r = rstd[n]
            for i in columns { dweight[i] += g[i] * x[i] * r }
        }
    }
}
