#if arch(x86_64)
import RewarmAVX512
#endif

/// The weight gradients of the linear layers, dW (OC, IC) += dY^T @ X, with dY (N, OC) and
/// X (N, IC): the engine's own AVX-512 kernel (`WeightGradientAVX512`, no packed copies of the
/// two tall operands) for narrow matrices on CPUs with AVX-512 (`cpuHasAVX512`), else OpenBLAS
/// (`kernel(OC:IC:)`).
public enum WeightGradient {
    /// The kernels that can compute a weight gradient.
    public enum Kernel: String, Sendable {
        /// `WeightGradientAVX512`: 16-lane register tiles over dY and X in place.
        case avx512
        /// `cblas_sgemm` (Trans, NoTrans), which packs both operands first.
        case openblas
    }

    /// The `/proc/cpuinfo` flags of the features `-target-cpu skylake-avx512` lets the compiler
    /// use in `RewarmAVX512` (AVX-512 F, CD, BW, DQ, VL and the AVX2-era ones under them).
    public static let requiredCPUFlags = [
        "avx2", "fma", "bmi2", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl",
    ]

    /// Whether the running CPU has every flag of `requiredCPUFlags` (read once).
    public static let cpuHasAVX512: Bool = {
        #if arch(x86_64)
        return canRunAVX512(cpuFlags: TargetCPU.cpuFlags())
        #else
        return false
        #endif
    }()

    /// Whether a CPU with these `/proc/cpuinfo` flags has every one of `requiredCPUFlags`.
    static func canRunAVX512(cpuFlags flags: Set<String>) -> Bool {
        requiredCPUFlags.allSatisfy(flags.contains)
    }

    /// Kernel choice for the process: nil (the default) picks `.avx512` where it can run;
    /// `.openblas` forces OpenBLAS (`rewarm bench --blas-weight-gradients`, to compare).
    nonisolated(unsafe) public static var forced: Kernel?

    /// The kernel that computes the weight gradient of an (OC, IC) matrix on this machine: the
    /// AVX-512 one where the CPU has it, IC is a multiple of 16 and the matrix is narrow
    /// (OC or IC at most `widestNarrowSide`), else OpenBLAS.
    public static func kernel(OC: Int, IC: Int) -> Kernel {
        #if arch(x86_64)
        if forced != .openblas, cpuHasAVX512, WeightGradientAVX512.supports(IC: IC), min(OC, IC) <= widestNarrowSide {
            return .avx512
        }
        #endif
        return .openblas
    }

    /// Above this, on both sides, OpenBLAS's packing pays for itself. Measured on an AMD EPYC
    /// (Zen 4) with `rewarm bench --blas-weight-gradients` against the default: the `small` shape
    /// (dW of 128 x 128, 352 x 128, 128 x 352, 256 x 128) trained about 3% faster with the AVX-512
    /// kernel, the `base` one (256 x 256, 704 x 256, 256 x 704) about 5% slower.
    public static let widestNarrowSide = 128

    /// dW (OC, IC) += dY^T (OC, N) @ X (N, IC) with `kernel` (default: `kernel(OC:IC:)`; `.avx512`
    /// only where `cpuHasAVX512` and IC is a multiple of 16). The AVX-512 kernel splits dW's rows
    /// among `Parallel.threads` workers; every element is summed over the N positions in the
    /// same order whatever the split.
    static func accumulate(
        _ dW: UnsafeMutablePointer<Float>, _ dY: UnsafePointer<Float>, _ X: UnsafePointer<Float>,
        N: Int, OC: Int, IC: Int, kernel: Kernel? = nil
    ) {
        #if arch(x86_64)
        if (kernel ?? self.kernel(OC: OC, IC: IC)) == .avx512 {
            precondition(cpuHasAVX512 && WeightGradientAVX512.supports(IC: IC),
                         "AVX-512 weight gradient for IC \(IC) on this CPU")
            let step = WeightGradientAVX512.tileRows
            let tiles = (OC + step - 1) / step
            // Split only products of at least about 256k multiply-adds per worker.
            Parallel.chunks(tiles, minChunk: max(1, 32_768 / max(1, IC * N))) { _, range in
                WeightGradientAVX512.accumulate(
                    dW, dY, X, N: N, OC: OC, IC: IC, rows: (range.lowerBound * step)..<min(OC, range.upperBound * step))
            }
            return
        }
        #endif
        BLAS.sgemm(transA: true, transB: false, M: OC, N: IC, K: N, alpha: 1, dY, lda: OC, X, ldb: IC, beta: 1,
                   dW, ldc: IC)
    }
}
