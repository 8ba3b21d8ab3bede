import Testing
@testable import RewarmEngine

/// `TileProduct.multiply` against the naive Double sum, on shapes with whole 6 x 16 tiles, a
/// ragged bottom (M % 6 != 0) and a ragged right panel (N % 16 != 0), with A row-major or
/// transposed, alpha != 1, and C overwritten or accumulated. Leading dimensions are wider than
/// the matrices, so a kernel that ignores one reads or writes the wrong elements.
@Suite("Tile product")
struct TileProductTests {
    static let shapes: [(M: Int, N: Int, K: Int)] = [(12, 32, 16), (13, 37, 29), (5, 9, 1), (6, 16, 130)]

    @Test("tile products equal the naive Double sum for row-major and transposed A, overwriting and accumulating")
    func matchesReference() {
        var rng = SplitMix64(seed: 71)
        for s in Self.shapes {
            for transposedA in [false, true] {
                for accumulate in [false, true] {
                    // A (M, K) stored row-major with leading dimension M+K+3, or transposed (K, M) likewise
                    let lda = s.M + s.K + 3, ldb = 16 * ((s.N + 15) / 16) + 5, ldc = s.N + 2
                    let a = rng.floats((transposedA ? s.K : s.M) * lda)
                    // B is readable 16 columns at a time: its padding columns hold values that must not leak
                    let b = rng.floats(s.K * ldb)
                    let c0 = rng.floats(s.M * ldc, -10, 10)
                    let alpha: Float = 0.37
                    let (rowStride, depthStride) = transposedA ? (1, lda) : (lda, 1)
                    var expected = widened(c0)
                    for i in 0..<s.M {
                        for n in 0..<s.N {
                            var sum = 0.0
                            for k in 0..<s.K { sum += Double(a[i * rowStride + k * depthStride]) * Double(b[k * ldb + n]) }
                            expected[i * ldc + n] = (accumulate ? expected[i * ldc + n] : 0) + Double(alpha) * sum
                        }
                    }
                    let A = TestBuffer(a), B = TestBuffer(b), C = TestBuffer(c0)
                    TileProduct.multiply(
                        M: s.M, N: s.N, K: s.K, alpha: alpha, A.pointer, rowStride: rowStride, depthStride: depthStride,
                        B.pointer, ldb: ldb, C.pointer, ldc: ldc, accumulate: accumulate)
                    expectClose(C.array, expected, rel: 1e-5, abs: 1e-5 * Double(s.K),
                                "\(s.M)x\(s.N)x\(s.K) transposedA \(transposedA) accumulate \(accumulate)")
                }
            }
        }
    }
}
