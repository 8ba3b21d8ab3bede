import Foundation
import Testing
@testable import RewarmEngine

@Suite("Subnormal floats flushed to zero while training")
struct SubnormalFlushTests {
    /// 1e-30 x 1e-10 = 1e-40, a subnormal float (the smallest normal is 1.18e-38); the operands
    /// come through an array so the product is computed at run time.
    static func subnormalProduct(_ operands: [Float] = [1e-30, 1e-10]) -> Float { operands[0] * operands[1] }

    @Test("inside run a subnormal result is zero, and the thread's own setting comes back after")
    func flushesAndRestores() {
        #expect(Self.subnormalProduct() > 0 && Self.subnormalProduct() < Float.leastNormalMagnitude)
        let inside = SubnormalFlush.run { Self.subnormalProduct() }
        #expect(inside == 0)
        #expect(Self.subnormalProduct() > 0, "restored after run")
        // a subnormal input reads as zero too (DAZ)
        let subnormal = Self.subnormalProduct()
        #expect(SubnormalFlush.run { [subnormal][0] * 2 } == 0)
        #expect(SubnormalFlush.run(false) { Self.subnormalProduct() } > 0)
    }

    @Test("the engine's worker threads flush as the thread that starts them does")
    func workersFollowTheCaller() {
        func workerProducts() -> [Float] {
            var results = [Float](repeating: -1, count: 4)
            results.withUnsafeMutableBufferPointer { out in
                let base = UncheckedPointer(base: out.baseAddress!)
                Parallel.withThreads(4) {
                    Parallel.chunks(4) { _, range in for i in range { base.base[i] = Self.subnormalProduct() } }
                }
            }
            return results
        }
        #expect(SubnormalFlush.run { workerProducts() } == [0, 0, 0, 0])
        #expect(workerProducts().allSatisfy { $0 > 0 })
    }

    struct UncheckedPointer: @unchecked Sendable { let base: UnsafeMutablePointer<Float> }
}
