import COpenBLAS
import Foundation

/// Thin, row-major wrappers over OpenBLAS `cblas_sgemm`: the matrix-product entry point of the
/// engine's linear layers, LoRA and initialization, so a profile shows their BLAS time in one
/// place. Attention's small causal products are the engine's own (`TileProduct`).
public enum BLAS {
    /// C (M, N) = alpha * op(A) @ op(B) + beta * C, all row-major.
    /// op(A) is (M, K): A is (M, K) with leading dimension lda, or (K, M) when `transA`.
    /// op(B) is (K, N): B is (K, N) with leading dimension ldb, or (N, K) when `transB`.
    @inline(__always)
    public static func sgemm(
        transA: Bool, transB: Bool, M: Int, N: Int, K: Int,
        alpha: Float, _ A: UnsafePointer<Float>, lda: Int,
        _ B: UnsafePointer<Float>, ldb: Int,
        beta: Float, _ C: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(M), Int32(N), Int32(K), alpha, A, Int32(lda), B, Int32(ldb), beta, C, Int32(ldc))
    }

    /// Number of threads OpenBLAS uses for one product, and the engine's own loops
    /// (`Parallel.threads`); set once per process by the trainer and the bench.
    public static func setThreads(_ n: Int) {
        threads = max(1, n)
        openblas_set_num_threads(Int32(threads))
        Parallel.setThreads(threads)
    }

    /// The thread count last given to `setThreads`.
    nonisolated(unsafe) public private(set) static var threads = 1

    /// Runs `body` with OpenBLAS on one thread when `condition` holds (a parallel region whose
    /// workers each make their own products), then restores `threads`.
    @inline(__always)
    static func singleThreadedIf<R>(_ condition: Bool, _ body: () -> R) -> R {
        guard condition, threads > 1 else { return body() }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(threads)) }
        return body()
    }

    /// The kernel family OpenBLAS picked when it loaded (e.g. "Haswell", "SkylakeX", "Prescott");
    /// it follows `OPENBLAS_CORETYPE` when that variable is set.
    public static var coreName: String {
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p).trimmingCharacters(in: .whitespaces)
    }
}
