import Foundation
import Testing
@testable import RewarmEngine

/// Slow checks on the real corpora (REWARM_SLOW_TESTS=1; CI sets it).
@Suite("Continual pre-training on the real corpora", .enabled(if: ProcessInfo.processInfo.environment["REWARM_SLOW_TESTS"] == "1"))
struct RealCorpusTests {
    @Test("a tiny base on English fortunes, continued on Chinese fortunes, learns the new corpus and forgets the old")
    func fortunesShift() throws {
        let baseDir = temporaryFolder("fortunes-base")
        let common: [String: ConfigValue] = ["cutoff_len": 32, "per_device_train_batch_size": 8, "eval_tokens": 2048]
        try train(tinyRunConfig(baseDir, common.merging(["dataset": "fortunes-en", "max_steps": 200, "eval_steps": 100]) { $1 }))
        let base = try metrics(baseDir)
        #expect(base.last!.downstreamLoss < 0.6 * base.first!.downstreamLoss, "the base learns English: \(base.map(\.downstreamLoss))")
        let dir = temporaryFolder("fortunes-zh")
        try train(tinyRunConfig(dir, common.merging([
            "dataset": "fortunes-zh", "init_from": .string(baseDir.path), "max_steps": 60, "eval_steps": 20,
        ]) { $1 }))
        let m = try metrics(dir)
        #expect(m.first!.upstreamLoss == base.last!.downstreamLoss, "step 0 is the base")
        #expect(m.first!.downstreamLoss > 2 * base.last!.downstreamLoss, "Chinese bytes are new to the base")
        #expect(m.last!.downstreamLoss < 0.5 * m.first!.downstreamLoss, "learning: \(m.map(\.downstreamLoss))")
        #expect(m.last!.upstreamLoss! > m.first!.upstreamLoss! + 0.1, "forgetting: \(m.map { $0.upstreamLoss! })")
    }
}
