import Testing
@testable import RewarmEngine

/// `BatchPasses.split` cuts a worker's sequences into the passes `forwardBackward` and
/// `meanLoss` run one after another; the model-level results are checked in "Data-parallel
/// training step".
@Suite("Batch passes")
struct BatchPassesTests {
    @Test("passes hold whole sequences, at most positions / T each, in order and as even as possible")
    func splitExamples() {
        #expect(BatchPasses.split(0..<16, T: 128, positions: 512) == [0..<4, 4..<8, 8..<12, 12..<16])
        #expect(BatchPasses.split(3..<13, T: 128, positions: 512) == [3..<6, 6..<9, 9..<13])
        #expect(BatchPasses.split(0..<8, T: 256, positions: 512) == [0..<2, 2..<4, 4..<6, 6..<8])
        // a sequence longer than a pass still makes a pass of its own
        #expect(BatchPasses.split(0..<3, T: 1024, positions: 512) == [0..<1, 1..<2, 2..<3])
        #expect(BatchPasses.split(0..<3, T: 128, positions: 512) == [0..<3])
        #expect(BatchPasses.split(0..<16, T: 128, positions: nil) == [0..<16])
        #expect(BatchPasses.split(4..<4, T: 128, positions: 512) == [4..<4])
    }

    @Test("for every batch size up to 40 the passes partition the rows with at most positions / T sequences each")
    func splitPartitions() {
        for T in [1, 7, 128] {
            for positions in [1, 16, 100, 512] {
                let perPass = max(1, positions / T)
                for count in 1...40 {
                    let rows = 5..<(5 + count)
                    let passes = BatchPasses.split(rows, T: T, positions: positions)
                    #expect(passes.first?.lowerBound == rows.lowerBound && passes.last?.upperBound == rows.upperBound)
                    #expect(zip(passes, passes.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                    #expect(passes.allSatisfy { !$0.isEmpty && $0.count <= perPass })
                    #expect(passes.count == (count + perPass - 1) / perPass)
                    let sizes = passes.map(\.count)
                    #expect(sizes.max()! - sizes.min()! <= 1)
                }
            }
        }
    }
}
