/// Linear layer without bias, PyTorch `nn.Linear` layout: weight is (OC, IC).
///
/// out (N, OC) = inp (N, IC) @ weight^T (IC, OC); with `accumulate`, out += instead of =.
public func matmulForward(
    _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    N: Int, IC: Int, OC: Int, accumulate: Bool = false
) {
    BLAS.sgemm(
        transA: false, transB: true, M: N, N: OC, K: IC, alpha: 1, inp, lda: IC, weight, ldb: IC,
        beta: accumulate ? 1 : 0, out, ldc: OC)
}

/// Backward of `matmulForward`, accumulating:
/// dinp (N, IC) += dout (N, OC) @ weight (OC, IC); dweight (OC, IC) += dout^T @ inp.
/// A nil `dinp` or `dweight` skips that product (a frozen weight gets no weight gradient;
/// the first layer's input needs no gradient when nothing below it trains). `overwrite` writes
/// dinp instead of adding to it (its first writer in a backward: no zeroing pass before).
public func matmulBackward(
    _ dinp: UnsafeMutablePointer<Float>?, _ dweight: UnsafeMutablePointer<Float>?,
    _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    N: Int, IC: Int, OC: Int, overwrite: Bool = false
) {
    if let dinp {
        BLAS.sgemm(
            transA: false, transB: false, M: N, N: IC, K: OC, alpha: 1, dout, lda: OC, weight, ldb: IC,
            beta: overwrite ? 0 : 1, dinp, ldc: IC)
    }
    if let dweight {
        WeightGradient.accumulate(dweight, dout, inp, N: N, OC: OC, IC: IC)
    }
}
