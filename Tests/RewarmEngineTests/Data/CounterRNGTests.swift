import Testing
@testable import RewarmEngine

@Suite("Counter-based RNG")
struct CounterRNGTests {
    @Test("The stream is a pure function of the keys, their order and their number")
    func streamDependsOnKeys() {
        var a = CounterRNG(keys: [7, 3, 1])
        var b = CounterRNG(7, 3, 1)
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first == (0..<8).map { CounterRNG(keys: [7, 3, 1]).value(at: UInt64($0)) })
        var swapped = CounterRNG(keys: [7, 1, 3])
        var longer = CounterRNG(keys: [7, 3, 1, 0])
        #expect(swapped.next() != first[0] && longer.next() != first[0])
        #expect(Set(first).count == 8)
    }

    @Test("Uniform integers stay in range and fill it evenly")
    func uniformIsUniform() {
        var rng = CounterRNG(keys: [42])
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<20_000 { counts[rng.uniform(below: 10)] += 1 }
        // Expected 2,000 per bin, standard deviation about 42.
        #expect(counts.allSatisfy { abs($0 - 2_000) < 200 })
        #expect((0..<1_000).allSatisfy { _ in rng.uniform(below: 1) == 0 })
        let u = (0..<10_000).map { _ in rng.unitDouble() }
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(u.reduce(0, +) / 10_000 - 0.5) < 0.02)
    }
}
