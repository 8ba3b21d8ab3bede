import Foundation
import Testing
@testable import RewarmEngine

/// `exp8`, the polynomial exp of the vectorized kernels, against libm's exp.
@Suite("Vector exp")
struct VectorMathTests {
    @Test("exp8 is within 3e-7 relative error of libm exp from -87 to 88")
    func matchesLibm() {
        var worst: Double = 0
        var x: Float = -87
        while x < 88 {
            let lanes = Float8((0..<8).map { x + Float($0) * 0.0123 })
            let got = exp8(lanes)
            for i in 0..<8 {
                let want = Foundation.exp(Double(lanes[i]))
                worst = max(worst, abs(Double(got[i]) - want) / want)
            }
            x += 0.0917
        }
        #expect(worst < 3e-7, "worst relative error \(worst)")
    }

    @Test("exp8 keeps NaN, sends -inf to about 1e-38 and +inf to a finite 2.4e38; exp1 is one lane of exp8")
    func edges() {
        let got = exp8(Float8(.nan, -.infinity, .infinity, 0, 1, -1, 88.3, -87.3))
        #expect(got[0].isNaN)
        #expect(got[1] >= 0 && got[1] < 1e-37)
        #expect(got[2].isFinite && got[2] > 2e38)
        #expect(got[3] == 1)
        #expect(abs(got[4] - Float(M_E)) <= 1e-6)
        for x: Float in [-3.7, 0.25, 12, -60] {
            #expect(exp1(x) == exp8(Float8(repeating: x))[5])
        }
    }

    @Test("multiplyAdd8 is a * b + c within one rounding of the exact value in every lane")
    func multiplyAdd() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<1_000 {
            let a = Float8(generator.floats(8, -10, 10))
            let b = Float8(generator.floats(8, -10, 10))
            let c = Float8(generator.floats(8, -10, 10))
            let got = multiplyAdd8(a, b, c)
            for i in 0..<8 {
                let exact = Double(a[i]) * Double(b[i]) + Double(c[i])
                // a product rounding and a sum rounding at most (one in FMA builds)
                let bound = Double((a[i] * b[i]).magnitude.ulp) + Double(Float(exact).magnitude.ulp)
                #expect(abs(Double(got[i]) - exact) <= bound, "lane \(i): \(a[i]) * \(b[i]) + \(c[i])")
            }
        }
    }

    @Test("largestLane is the largest of the 8 lanes wherever it sits, -inf included")
    func largestOfLanes() {
        var generator = SplitMix64(seed: 11)
        for trial in 0..<500 {
            var lanes = generator.floats(8, -100, 100)
            if trial % 3 == 0 { lanes[trial % 8] = -.infinity }
            if trial % 5 == 0 { lanes = lanes.map { _ in -.infinity } }
            #expect(largestLane(Float8(lanes)) == lanes.max()!, "\(lanes)")
        }
        for position in 0..<8 {
            var lanes = [Float](repeating: -1, count: 8)
            lanes[position] = 3
            #expect(largestLane(Float8(lanes)) == 3)
        }
    }
}

/// `TargetCPU` reads the CPU flags the build needs from a cpuinfo file.
@Suite("Target CPU check")
struct TargetCPUTests {
    @Test("a CPU whose flags lack a feature this build needs is reported; one that has them is not")
    func missingFeatures() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewarm-cpuinfo-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = dir.appendingPathComponent("old").path, new = dir.appendingPathComponent("new").path
        try "processor\t: 0\nflags\t\t: fpu sse sse2 avx\n".write(toFile: old, atomically: true, encoding: .utf8)
        try "processor\t: 0\nflags\t\t: fpu sse sse2 avx avx2 fma\n".write(toFile: new, atomically: true, encoding: .utf8)
        #expect(TargetCPU.missingFeatures(cpuinfo: old) == TargetCPU.requiredFeatures)
        #expect(TargetCPU.missingFeatures(cpuinfo: new).isEmpty)
        #expect(TargetCPU.missingFeatures(cpuinfo: dir.appendingPathComponent("absent").path).isEmpty)
        // This machine runs the tests, so it has what the build needs.
        #expect(TargetCPU.missingFeatures().isEmpty)
    }
}
