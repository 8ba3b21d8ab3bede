import Testing

@Suite("Kernel test helpers")
struct ApproximateEqualityTests {
    @Test("the closeness check names the worst element, not the first, and counts all outside")
    func worstMismatchNamesWorstElement() {
        let expected: [Double] = [1, 2, 3, 4]
        let actual: [Double] = [1.5, 2, 3 + 1e-9, 6]
        let m = worstMismatch(actual, expected) { _ in 0.1 }
        #expect(m == Mismatch(index: 3, actual: 6, expected: 4, allowed: 0.1, outside: 2))
    }

    @Test("the closeness check treats NaN as outside any tolerance")
    func worstMismatchRejectsNaN() {
        let m = worstMismatch([1, .nan, 3], [1, 2, 3]) { _ in 1e9 }
        #expect(m?.index == 1)
    }

    @Test("central finite differences recover the gradient of a cubic")
    func numericGradientOfCubic() {
        // f(x) = x0^3 + x0 x1, grad = (3 x0^2 + x1, x0)
        let g = numericGradient(at: [2, -1]) { $0[0] * $0[0] * $0[0] + $0[0] * $0[1] }
        expectClose(g, [11.0, 2.0], rel: 1e-8, abs: 0, "gradient")
    }

    @Test("the seeded generator repeats its stream for a seed and stays inside the range")
    func generatorIsDeterministic() {
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7), other = SplitMix64(seed: 8)
        let xs = a.floats(100, -2, 3)
        #expect(xs == b.floats(100, -2, 3))
        #expect(xs != other.floats(100, -2, 3))
        #expect(xs.allSatisfy { $0 >= -2 && $0 < 3 })
    }
}
