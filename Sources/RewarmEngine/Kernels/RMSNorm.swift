/// RMSNorm (Zhang & Sennrich 2019; Hugging Face `LlamaRMSNorm`):
/// out = x / sqrt(mean(x^2) + eps) * weight, per row.
///
/// out (N, C), rstd (N) = 1 / sqrt(mean(x^2) + eps) kept for the backward, inp (N, C), weight (C).
/// Rows are split across `Parallel.threads` workers; each row is computed as in the serial loop,
/// 8 lanes at a time (the sum of squares in 8 partial sums, added at the end).
@inline(never)
public func rmsnormForward(
    _ out: UnsafeMutablePointer<Float>, _ rstd: UnsafeMutablePointer<Float>,
    _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, N: Int, C: Int, eps: Float
) {
    let vectorEnd = C & ~7
    Parallel.chunks(N, minChunk: Parallel.minRows(width: C)) { _, rows in
        for n in rows {
            let x = inp + n * C
            let y = out + n * C
            var ss8 = Float8.zero
            var i = 0
            while i < vectorEnd {
                let v = x.load8(i)
                ss8 += v * v
                i += 8
            }
            var ss = ss8.sum()
            for j in vectorEnd..<C { ss += x[j] * x[j] }
            let r = 1 / (ss / Float(C) + eps).squareRoot()
            rstd[n] = r
            i = 0
            while i < vectorEnd {
                y.store8(x.load8(i) * r * weight.load8(i), i)
                i += 8
            }
            for j in vectorEnd..<C { y[j] = x[j] * r * weight[j] }
        }
    }
}

/// Backward of `rmsnormForward`, accumulating. With xhat = x * r:
/// dweight += sum_n dout * xhat;  dinp += r * (dout * w - xhat * mean(dout * w * xhat)).
/// A nil `dweight` skips the weight gradient (frozen norm). dinp is split by rows, dweight by
/// columns (each column sums its N rows in order), so the result is the same on any thread count.
/// `overwrite` writes dinp instead of adding (no zeroing pass before).
@inline(never)
public func rmsnormBackward(
    _ dinp: UnsafeMutablePointer<Float>, _ dweight: UnsafeMutablePointer<Float>?,
    _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    _ rstd: UnsafePointer<Float>, N: Int, C: Int, overwrite: Bool = false
) {
    let vectorEnd = C & ~7
    Parallel.chunks(N, minChunk: Parallel.minRows(width: C)) { _, rows in
        for n in rows {
            let x = inp + n * C
            let g = dout + n * C
            let dx = dinp + n * C
            let r = rstd[n]
            var dot8 = Float8.zero
            var i = 0
            while i < vectorEnd {
                dot8 += g.load8(i) * weight.load8(i) * x.load8(i)
                i += 8
            }
            var dot = dot8.sum()
            for j in vectorEnd..<C { dot += g[j] * weight[j] * x[j] }
            let k = dot * r * r / Float(C)
            i = 0
            while i < vectorEnd {
                dx.store8((overwrite ? .zero : dx.load8(i)) + r * (g.load8(i) * weight.load8(i) - x.load8(i) * k), i)
                i += 8
            }
            for j in vectorEnd..<C { dx[j] = (overwrite ? 0 : dx[j]) + r * (g[j] * weight[j] - x[j] * k) }
        }
    }
    guard let dweight else { return }
    // Column chunks of at least 16 (a multiple of 8 but for the last): whole vectors stay inside a chunk.
    Parallel.chunks(C / 8, minChunk: N * C >= 32_768 ? 2 : C) { _, blocks in
        let lo = blocks.lowerBound * 8
        let hi = blocks.upperBound == C / 8 ? C : blocks.upperBound * 8
        for n in 0..<N {
            let x = inp + n * C
            let g = dout + n * C
            let r = rstd[n]
            var i = lo
            while i + 8 <= hi {
                dweight.store8(dweight.load8(i) + g.load8(i) * x.load8(i) * r, i)
                i += 8
            }
            while i < hi {
                dweight[i] += g[i] * x[i] * r
                i += 1
            }
        }
    }
}
