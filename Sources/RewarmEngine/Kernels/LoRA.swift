/// LoRA branch (Hu et al. 2021, arXiv 2106.09685) added to a frozen or trained linear layer:
/// out (N, OC) += scale * (x (N, IC) @ A^T (IC, r)) @ B^T (r, OC), scale = alpha / r.
///
/// t (N, r) = x A^T is kept for the backward. A is (r, IC), B is (OC, r) (PEFT's
/// `lora_A.weight` / `lora_B.weight` layouts). `x` is the input after LoRA dropout.
public func loraForward(
    _ out: UnsafeMutablePointer<Float>, _ t: UnsafeMutablePointer<Float>,
    _ x: UnsafePointer<Float>, _ A: UnsafePointer<Float>, _ B: UnsafePointer<Float>,
    scale: Float, N: Int, IC: Int, OC: Int, r: Int
) {
    BLAS.sgemm(transA: false, transB: true, M: N, N: r, K: IC, alpha: 1, x, lda: IC, A, ldb: IC, beta: 0, t, ldc: r)
    BLAS.sgemm(transA: false, transB: true, M: N, N: OC, K: r, alpha: scale, t, lda: r, B, ldb: r, beta: 1,
               out, ldc: OC)
}

/// Backward of `loraForward`, accumulating. `dt` (N, r) is scratch (overwritten).
/// dB += scale * dout^T t;  dt = scale * dout B;  dA += dt^T x;  dx += dt A (dx nil: not needed;
/// `overwrite`: dx = dt A).
public func loraBackward(
    _ dx: UnsafeMutablePointer<Float>?, _ dA: UnsafeMutablePointer<Float>, _ dB: UnsafeMutablePointer<Float>,
    scratch dt: UnsafeMutablePointer<Float>,
    _ dout: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
    _ A: UnsafePointer<Float>, _ B: UnsafePointer<Float>,
    scale: Float, N: Int, IC: Int, OC: Int, r: Int, overwrite: Bool = false
) {
    BLAS.sgemm(transA: true, transB: false, M: OC, N: r, K: N, alpha: scale, dout, lda: OC, t, ldb: r, beta: 1,
               dB, ldc: r)
    BLAS.sgemm(transA: false, transB: false, M: N, N: r, K: OC, alpha: scale, dout, lda: OC, B, ldb: r, beta: 0,
               dt, ldc: r)
    BLAS.sgemm(transA: true, transB: false, M: r, N: IC, K: N, alpha: 1, dt, lda: r, x, ldb: IC, beta: 1, dA, ldc: IC)
    if let dx {
        BLAS.sgemm(transA: false, transB: false, M: N, N: IC, K: r, alpha: 1, dt, lda: r, A, ldb: IC,
                   beta: overwrite ? 0 : 1, dx, ldc: IC)
    }
}
