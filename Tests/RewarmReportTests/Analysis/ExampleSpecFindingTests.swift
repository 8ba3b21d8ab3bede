import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore
import RewarmSweep

/// The findings of the checked-in max-lr spec's real canonical trial configs (every registry key
/// present, moot keys reset), with synthetic curves that follow G23.
@Suite("Findings on the max-lr example spec's expanded trials")
struct ExampleSpecFindingTests {
    /// Curves by role: forgetting and learning grow with the max LR; the constant LR forgets least
    /// and learns least; scratch learns least of all; an early checkpoint is worse everywhere.
    static func curve(_ c: [String: ConfigValue]) -> Curve {
        let lr = c["learning_rate"]?.number ?? 1e-3
        if c["init_from"] == .null { return Curve(up: [(0, 5.5), (1, 4.0)], down: [(0, 5.5), (1, 2.6)]) }
        if c["rewarm"] == .bool(false) { return .rewarm(peak: 2.51, peakAt: 0.5, lupEnd: 2.51, downThird: 1.87, downEnd: 1.86) }
        let early = c["init_from"] == .string("base@0.07") ? 0.4 : 0
        let warm0 = c["warmup_ratio"]?.number == 0 ? 0.01 : 0
        return .rewarm(peak: 2.8 + 100 * lr + warm0 + early, lupEnd: 2.7 + 100 * lr + early,
                       downThird: 1.88 + early, downEnd: 1.7 - 20 * lr + early, downRise: 4.2)
    }

    /// The spec of the sweeps issue's example (`Tests/Fixtures/max-lr-spec.yaml`).
    static let maxLR: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/max-lr-spec.yaml")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? "missing fixture \(url.path)"
    }()

    static func sweep(_ yaml: String) throws -> SweepData {
        let expansion = try SweepSpec.parse(yaml: yaml, source: "max-lr.yaml").expand()
        let trials = expansion.trials.map { t in
            let curve = curve(t.values)
            let records = stride(from: 0, through: 1000, by: 50).map { step -> MetricsRecord in
                let f = Double(step) / 1000
                return MetricsRecord(step: step, tokens: step, stepLR: 3e-3, trainLoss: nil,
                                     upstreamLoss: Curve.at(curve.up, f), downstreamLoss: Curve.at(curve.down, f),
                                     gradNorm: nil, wallSeconds: 0)
            }
            return TrialSeries(id: t.id, name: t.name, seed: t.seed, state: .completed, config: t.values,
                               diff: [:], metrics: records)
        }
        let base = [MetricsRecord(step: 2000, tokens: 0, stepLR: 3e-4, trainLoss: nil, upstreamLoss: nil,
                                  downstreamLoss: 1.7, gradNorm: nil, wallSeconds: 0)]
        return SweepData(name: expansion.sweepName, specText: yaml, trials: trials, baseMetrics: base,
                         baseConfig: expansion.base.values)
    }

    @Test("max-lr as written tests F1-F5; its from-7pct extra (registry-default LR) has no final twin, so F7 is absent")
    func asWritten() throws {
        let results = Findings.evaluate(try Self.sweep(Self.maxLR))
        #expect(results.map(\.id) == ["F1", "F2", "F3", "F4", "F5", "F13"])
        let byID = Dictionary(uniqueKeysWithValues: results.map { ($0.id, $0) })
        for id in ["F1", "F2", "F3", "F4", "F5"] {
            #expect(byID[id]?.verdict == .reproduced, "\(byID[id]?.dump ?? id)")
        }
        #expect(try #require(byID["F1"]).checks.count == 3 * 3)  // one family per max LR
        #expect(try #require(byID["F3"]).checks.count == 2 * 2)  // one family per warmup, two orderings each
        #expect(try #require(byID["F4"]).points.count == 7)  // the constant run and 6 rewarmed
    }

    @Test("with the extras on the grid's schedule, the early checkpoint gets its final twin and F7 is tested")
    func extrasOnTheGrid() throws {
        let yaml = Self.maxLR.replacingOccurrences(
            of: "init_from: base@0.07}", with: "init_from: base@0.07, learning_rate: 3.0e-3, warmup_ratio: 0.01}")
        let results = Findings.evaluate(try Self.sweep(yaml))
        let f7 = try #require(results.first { $0.id == "F7" })
        #expect(f7.points.count == 2)
        #expect(f7.verdict == .reproduced, "\(f7.dump)")  // two checkpoints: each ordering is one pair
        #expect(f7.checks.count == 4)
    }
}
