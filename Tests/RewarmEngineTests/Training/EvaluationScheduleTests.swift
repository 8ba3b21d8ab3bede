import Foundation
import Testing
@testable import RewarmEngine

@Suite("Evaluation schedule")
struct EvaluationScheduleTests {
    @Test("eval_at adds evaluations at fractions of max_steps beside every eval_steps, at least step 1")
    func extraEvaluations() throws {
        let dir = temporaryFolder("eval-at")
        try train(tinyRunConfig(dir, ["max_steps": 40, "eval_steps": 20, "eval_at": .list([.double(0.001), .double(0.05), .double(0.1), .double(0.5)])]))
        // 0.001 x 40 rounds to 0 -> step 1; 0.05 -> 2; 0.1 -> 4; 0.5 -> 20 (already an eval_steps step).
        #expect(try metrics(dir).map(\.step) == [0, 1, 2, 4, 20, 40])
    }

    @Test("eval_at outside (0, 1] is refused with the key and the value")
    func badFraction() {
        #expect(throws: ConfigError.self) {
            try RunConfig(values: ["dataset": .string("synthetic"), "eval_at": .list([.double(1.5)])], source: "test.yaml")
        }
    }
}
