import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("Stage boundaries on the charts of staged runs")
struct StageMarksTests {
    /// A trial of `config` evaluated every 5 steps to `steps`, 64 tokens per step.
    static func trial(_ id: String, _ config: [String: ConfigValue], steps: Int) -> TrialSeries {
        let metrics = stride(from: 0, through: steps, by: 5).map { step in
            MetricsRecord(step: step, tokens: step * 64, stepLR: 1e-3, trainLoss: nil, upstreamLoss: 2,
                          downstreamLoss: 3 - Double(step) / 100, upstreamBPB: nil, downstreamBPB: nil, gradNorm: nil,
                          wallSeconds: 1, tokenizer: "bytes")
        }
        return TrialSeries(id: id, name: id, seed: 1, state: .completed, config: config, diff: [:], metrics: metrics,
                           tokenizer: "bytes")
    }

    static let common: [String: ConfigValue] = ["seed": 1, "dataset": "synthetic:b", "init_from": "base@1.0"]

    @Test("a staged condition's boundaries are the cumulative steps of its stages; other runs have none")
    func boundarySteps() {
        var recipe = Self.common
        recipe["recipe"] = "gradual_unfreeze"
        recipe["recipe_stages"] = 3
        recipe["max_steps"] = 30
        #expect(StageMarks.boundarySteps(recipe) == [10, 20])
        var stages = Self.common
        stages["stages"] = [.map(["max_steps": 4, "finetuning_type": "freeze", "trainable_modules": "embed_tokens"]),
                            .map(["max_steps": 8])]
        // as stored: the keys left out at their default are filled in (recipe none, recipe_stages 2)
        stages["recipe"] = "none"
        stages["recipe_stages"] = 2
        #expect(StageMarks.boundarySteps(stages) == [4])
        var plain = Self.common
        plain["max_steps"] = 30
        #expect(StageMarks.boundarySteps(plain).isEmpty)
    }

    @Test("the report draws the staged runs with a dotted line and a label at each boundary, in tokens")
    func stagesChart() throws {
        var recipe = Self.common
        recipe["recipe"] = "two_stage"
        recipe["max_steps"] = 20
        var plain = Self.common
        plain["max_steps"] = 20
        let data = SweepData(name: "staged", specText: "name: staged\n",
                             trials: [Self.trial("two-stage", recipe, steps: 20), Self.trial("full", plain, steps: 20)],
                             baseMetrics: [], baseConfig: [:])
        let report = SweepReport(data: data, findings: [])
        let chart = try #require(report.charts.first { $0.name == "stages-downstream" })
        #expect(chart.script.contains("set arrow from 640, graph 0 to 640, graph 1 nohead dt 3"))
        #expect(chart.script.contains("set label \"#1 two-stage: stage 2\" at 640, graph 0.97"))
        #expect(chart.data.contains("two-stage") && chart.data.contains("full"), "a small sweep draws every run")
        // in a sweep of more than 6 conditions, only the staged runs
        let many = (1...7).map { i -> TrialSeries in
            var c = plain
            c["learning_rate"] = .double(Double(i) * 1e-3)
            return Self.trial("lr\(i)", c, steps: 20)
        }
        let large = SweepReport(data: SweepData(name: "large", specText: "name: large\n",
                                                trials: [Self.trial("two-stage", recipe, steps: 20)] + many,
                                                baseMetrics: [], baseConfig: [:]), findings: [])
        let staged = try #require(large.charts.first { $0.name == "stages-downstream" })
        #expect(staged.data.contains("two-stage") && !staged.data.contains("lr1"))
        #expect(report.charts.contains { $0.name == "stages-upstream" })
        // labels of boundaries at one x are joined, and later boundaries step down
        let lines = StageMarks.settings([("a: stage 2", 10), ("b: stage 2", 10), ("c: stage 2", 20)], divisor: 1)
        #expect(lines.count == 4 && lines[1].contains("\"a: stage 2; b: stage 2\" at 10, graph 0.97"))
        #expect(lines[3].contains("at 20, graph 0.93"))
    }
}
