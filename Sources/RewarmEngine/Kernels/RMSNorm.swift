/// RMSNorm (Zhang & Sennrich 2019; Hugging Face `LlamaRMSNorm`):
/// out = x / sqrt(mean(x^2) + eps) * weight, per row.
///
/// out (N, C), rstd (N) = 1 / sqrt(mean(x^2) + eps) kept for the backward, inp (N, C), weight (C).
public func rmsnormForward(
    _ out: UnsafeMutablePointer<Float>, _ rstd: UnsafeMutablePointer<Float>,
    _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, N: Int, C: Int, eps: Float
) {
    for n in 0..<N {
        let x = inp + n * C
        let y = out + n * C
        var ss: Float = 0
        for i in 0..<C { ss += x[i] * x[i] }
        let r = 1 / (ss / Float(C) + eps).squareRoot()
        rstd[n] = r
        for i in 0..<C { y[i] = x[i] * r * weight[i] }
    }
}

/// Backward of `rmsnormForward`, accumulating. With xhat = x * r:
/// dweight += sum_n dout * xhat;  dinp += r * (dout * w - xhat * mean(dout * w * xhat)).
/// A nil `dweight` skips the weight gradient (frozen norm).
public func rmsnormBackward(
    _ dinp: UnsafeMutablePointer<Float>, _ dweight: UnsafeMutablePointer<Float>?,
    _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    _ rstd: UnsafePointer<Float>, N: Int, C: Int
) {
    for n in 0..<N {
        let x = inp + n * C
        let g = dout + n * C
        let dx = dinp + n * C
        let r = rstd[n]
        var dot: Float = 0
        for i in 0..<C { dot += g[i] * weight[i] * x[i] }
        let k = dot * r * r / Float(C)
        for i in 0..<C { dx[i] += r * (g[i] * weight[i] - x[i] * k) }
        if let dweight {
            for i in 0..<C { dweight[i] += g[i] * x[i] * r }
        }
    }
}
