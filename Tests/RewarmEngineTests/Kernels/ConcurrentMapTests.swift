import Foundation
import Testing
@testable import RewarmEngine

/// `Parallel.concurrentMap`, which the data-parallel step and the bench's concurrent workers use.
@Suite("Concurrent map")
struct ConcurrentMapTests {
    @Test("concurrentMap returns every index's result in index order, for 0, 1 and several workers")
    func resultsInOrder() {
        #expect(Parallel.concurrentMap(0) { $0 * 10 }.isEmpty)
        #expect(Parallel.concurrentMap(1) { $0 * 10 } == [0])
        for count in [2, 3, 7] {
            // Later indices finish first, so a result written to the wrong slot would show.
            let results = Parallel.concurrentMap(count) { i -> Int in
                Thread.sleep(forTimeInterval: 0.002 * Double(count - i))
                return i * i
            }
            #expect(results == (0..<count).map { $0 * $0 })
        }
    }
}
