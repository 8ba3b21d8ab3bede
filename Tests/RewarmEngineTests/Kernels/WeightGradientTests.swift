import Testing
@testable import RewarmEngine
#if arch(x86_64)
import RewarmAVX512
#endif

/// `WeightGradient.accumulate`, dW (OC, IC) += dY^T @ X, against the naive Double sum on both
/// kernels, on shapes that reach every path of the AVX-512 one: depth blocks of 256 (or, for
/// wide matrices, fewer) positions and a ragged last block, 8-row tiles and leftover rows,
/// 32-column panels and a last 16-wide one.
@Suite("Weight gradient")
struct WeightGradientTests {
    /// (300, 16, 704): blocks of 182 positions (a block of dY and X within half of L2).
    static let shapes: [(N: Int, OC: Int, IC: Int)] = [(300, 13, 48), (5, 8, 16), (513, 24, 64), (3, 3, 32), (7, 5, 20), (300, 16, 704)]

    /// The kernels this CPU can run: OpenBLAS always, the AVX-512 kernel where the CPU has it.
    static var kernels: [WeightGradient.Kernel] { WeightGradient.cpuHasAVX512 ? [.openblas, .avx512] : [.openblas] }

    func reference(_ dW0: [Float], _ dY: [Float], _ X: [Float], N: Int, OC: Int, IC: Int) -> [Double] {
        var out = widened(dW0)
        for o in 0..<OC {
            for i in 0..<IC {
                var sum = 0.0
                for t in 0..<N { sum += Double(dY[t * OC + o]) * Double(X[t * IC + i]) }
                out[o * IC + i] += sum
            }
        }
        return out
    }

    @Test("both kernels add dY^T X to dW as the naive Double sum does")
    func matchesReference() {
        var rng = SplitMix64(seed: 29)
        for s in Self.shapes {
            let dY = rng.floats(s.N * s.OC), X = rng.floats(s.N * s.IC), dW0 = rng.floats(s.OC * s.IC, -5, 5)
            let expected = reference(dW0, dY, X, N: s.N, OC: s.OC, IC: s.IC)
            for kernel in Self.kernels where kernel == .openblas || s.IC % 16 == 0 {
                let Y = TestBuffer(dY), Xb = TestBuffer(X), W = TestBuffer(dW0)
                WeightGradient.accumulate(W.pointer, Y.pointer, Xb.pointer, N: s.N, OC: s.OC, IC: s.IC, kernel: kernel)
                expectClose(W.array, expected, rel: 1e-5, abs: 1e-5 * Double(s.N), "\(kernel) N \(s.N) OC \(s.OC) IC \(s.IC)")
            }
        }
    }

    @Test("the AVX-512 kernel gives the same bits on one worker, two workers or split row ranges",
          .enabled(if: WeightGradient.cpuHasAVX512, "this CPU has no AVX-512F: the engine uses OpenBLAS"))
    func sameBitsAnySplit() {
        var rng = SplitMix64(seed: 30)
        let (N, OC, IC) = (300, 21, 48)
        let dY = rng.floats(N * OC), X = rng.floats(N * IC), dW0 = rng.floats(OC * IC)
        let Y = TestBuffer(dY), Xb = TestBuffer(X)
        let one = TestBuffer(dW0), two = TestBuffer(dW0), split = TestBuffer(dW0)
        Parallel.withThreads(1) { WeightGradient.accumulate(one.pointer, Y.pointer, Xb.pointer, N: N, OC: OC, IC: IC, kernel: .avx512) }
        Parallel.withThreads(2) { WeightGradient.accumulate(two.pointer, Y.pointer, Xb.pointer, N: N, OC: OC, IC: IC, kernel: .avx512) }
        #if arch(x86_64)
        for rows in [0..<8, 8..<16, 16..<21] {
            WeightGradientAVX512.accumulate(split.pointer, Y.pointer, Xb.pointer, N: N, OC: OC, IC: IC, rows: rows)
        }
        #endif
        #expect(one.array == two.array)
        #expect(one.array == split.array)
    }

    @Test("the AVX-512 kernel needs every feature skylake-avx512 lets the compiler use, not just AVX-512F")
    func requiredFeatures() {
        let all = Set(WeightGradient.requiredCPUFlags + ["sse4_2", "avx512ifma"])
        #expect(WeightGradient.canRunAVX512(cpuFlags: all))
        #expect(!WeightGradient.canRunAVX512(cpuFlags: ["avx2", "fma", "bmi2", "avx512f"]))  // e.g. Xeon Phi: no VL, BW, DQ
        #expect(!WeightGradient.canRunAVX512(cpuFlags: all.subtracting(["avx512vl"])))
        #expect(!WeightGradient.canRunAVX512(cpuFlags: []))  // no /proc/cpuinfo (macOS)
        #expect(WeightGradient.cpuHasAVX512 == WeightGradient.canRunAVX512(cpuFlags: TargetCPU.cpuFlags()))
    }

    @Test("the AVX-512 kernel is chosen only on CPUs with AVX-512, for widths that are multiples of 16 and for narrow matrices")
    func kernelChoice() {
        #expect(WeightGradient.kernel(OC: 64, IC: 20) == .openblas)
        #expect(WeightGradient.kernel(OC: 64, IC: 8) == .openblas)
        #expect(WeightGradient.kernel(OC: 704, IC: 256) == .openblas)
        let own: WeightGradient.Kernel = WeightGradient.cpuHasAVX512 ? .avx512 : .openblas
        #expect(WeightGradient.kernel(OC: 64, IC: 48) == own)
        #expect(WeightGradient.kernel(OC: 352, IC: 128) == own)
        #expect(WeightGradient.kernel(OC: 128, IC: 352) == own)
    }
}
