import Foundation

/// A quick check of the BLAS kernels this process loaded: are they right, and how fast?
///
/// Correctness: `sgemm` against a naive triple loop in Double on small odd shapes in all four
/// transpose combinations. Speed: GFLOP/s of single-threaded products of the given shape
/// (2 M N K floating-point operations each).
public struct BLASProbeResult: Codable, Sendable, Equatable {
    public var core: String
    public var gflops: Double
    /// Worst |fast - naive| / (|naive| + 1) over the correctness shapes.
    public var maxError: Double
    public var correct: Bool { maxError < 1e-4 }
}

public enum BLASProbe {
    /// Runs the correctness check, then times products of (M, K) @ (K, N) for about `seconds`.
    public static func run(M: Int = 2048, N: Int = 256, K: Int = 256, seconds: Double = 0.25) -> BLASProbeResult {
        BLAS.setThreads(1)
        var worst = 0.0
        for (m, n, k) in [(37, 29, 41), (64, 48, 40), (5, 130, 17)] {
            for ta in [false, true] {
                for tb in [false, true] {
                    worst = max(worst, productError(M: m, N: n, K: k, transA: ta, transB: tb))
                }
            }
        }
        return BLASProbeResult(
            core: BLAS.coreName, gflops: sgemmRate(M: M, N: N, K: K, seconds: seconds), maxError: worst)
    }

    /// GFLOP/s of `C = A B^T`-shaped products (the layout of a linear layer's forward).
    public static func sgemmRate(M: Int, N: Int, K: Int, seconds: Double, transB: Bool = true) -> Double {
        let a = [Float](repeating: 0.5, count: M * K)
        let b = [Float](repeating: 0.25, count: N * K)
        var c = [Float](repeating: 0, count: M * N)
        var reps = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    repeat {
                        BLAS.sgemm(transA: false, transB: transB, M: M, N: N, K: K, alpha: 1, pa.baseAddress!,
                                   lda: K, pb.baseAddress!, ldb: transB ? K : N, beta: 0, pc.baseAddress!, ldc: N)
                        reps += 1
                        elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    } while elapsed < seconds || reps < 3
                }
            }
        }
        return 2.0 * Double(M * N * K) * Double(reps) / elapsed / 1e9
    }

    static func productError(M: Int, N: Int, K: Int, transA: Bool, transB: Bool) -> Double {
        var rng = SeededGenerator(seed: UInt64(M * 131 + N * 17 + K))
        let a = (0..<(M * K)).map { _ in rng.nextGaussian() }
        let b = (0..<(K * N)).map { _ in rng.nextGaussian() }
        var c = [Float](repeating: 0, count: M * N)
        let lda = transA ? M : K, ldb = transB ? K : N
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemm(transA: transA, transB: transB, M: M, N: N, K: K, alpha: 1, pa.baseAddress!, lda: lda,
                               pb.baseAddress!, ldb: ldb, beta: 0, pc.baseAddress!, ldc: N)
                }
            }
        }
        var worst = 0.0
        for i in 0..<M {
            for j in 0..<N {
                var s = 0.0
                for p in 0..<K {
                    let av = transA ? a[p * lda + i] : a[i * lda + p]
                    let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                    s += Double(av) * Double(bv)
                }
                worst = max(worst, abs(Double(c[i * N + j]) - s) / (abs(s) + 1))
            }
        }
        return worst
    }
}
