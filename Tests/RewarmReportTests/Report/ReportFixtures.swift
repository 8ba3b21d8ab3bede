import Foundation
import RewarmEngine
@testable import RewarmReport
@testable import RewarmStore
import RewarmSweep

/// A small constructed sweep for the report tests: a grid of two learning rates crossed with
/// rewarm true/false (rewarm false is one condition: the learning rate is moot), plus a scratch
/// trial, three seeds; the third seed of lr=0.003 failed at step 10.
enum ReportFixtures {
    static let spec = """
        name: fixture
        description: A small constructed sweep for the report tests.
        base:
          model: tiny
          dataset: synthetic:a
          max_steps: 40
          learning_rate: 3.0e-3
        defaults:
          dataset: synthetic:b
          max_steps: 30
          eval_steps: 10
        grid:
          learning_rate: [1.5e-3, 3.0e-3]
          rewarm: [true, false]
        trials:
          - {name: scratch, init_from: scratch}
        seeds: [1, 2, 3]

        """

    /// Base: its own corpus's loss falls to 2.0.
    static let baseMetrics = [(0, 5.5), (20, 2.5), (40, 2.0)].map { step, loss in
        MetricsRecord(step: step, tokens: step * 64, stepLR: 0.003, trainLoss: nil, upstreamLoss: nil,
                      downstreamLoss: loss, gradNorm: nil, wallSeconds: Double(step))
    }

    /// What differs between the conditions: the peak LR of the schedule and how strongly the
    /// losses move (rewarm: Lup rises by `forget`, Ldown falls by `learn`).
    struct ConditionSketch {
        var name: String?
        var lr: Double?
        var rewarm: Bool
        var scratch: Bool
        var forget: Double
        var learn: Double
    }

    static let conditions = [
        ConditionSketch(name: nil, lr: 0.0015, rewarm: true, scratch: false, forget: 0.6, learn: 2.2),
        ConditionSketch(name: nil, lr: 0.003, rewarm: true, scratch: false, forget: 0.9, learn: 2.5),
        ConditionSketch(name: nil, lr: nil, rewarm: false, scratch: false, forget: 0.3, learn: 1.8),
        ConditionSketch(name: "scratch", lr: nil, rewarm: true, scratch: true, forget: 0, learn: 1.5),
    ]

    static func trial(_ c: ConditionSketch, seed: Int, state: RunState = .completed, lastStep: Int = 30, sweep: String = "fixture",
                      shift: Double = 0) -> TrialSeries {
        var config: [String: ConfigValue] = [
            "dataset": "synthetic:b", "max_steps": 30, "eval_steps": 10, "seed": .int(seed),
            "learning_rate": .double(c.lr ?? 5e-5), "rewarm": .bool(c.rewarm),
            "init_from": c.scratch ? .null : "base@1.0",
        ]
        if c.scratch { config["learning_rate"] = 5e-5 }
        var diff: [String: ConfigValue] = [:]
        if let lr = c.lr { diff["learning_rate"] = .double(lr) }
        if !c.rewarm { diff["rewarm"] = false }
        if c.scratch { diff["init_from"] = .null }
        let noise = 0.01 * Double(seed - 2)
        let metrics = stride(from: 0, through: lastStep, by: 10).map { step -> MetricsRecord in
            let f = Double(step) / 30
            let lr = c.rewarm && !c.scratch ? (c.lr ?? 0.003) * (step == 0 ? 0.1 : 1 - 0.9 * f) : 0.0003
            let up = c.scratch ? 5.5 - 0.4 * f + noise : 2.0 + c.forget * min(1, 3 * f) + noise * f + shift
            let down = (c.scratch ? 5.5 : 5.0) - c.learn * f.squareRoot() + noise * f + shift
            return MetricsRecord(step: step, tokens: step * 2048, stepLR: lr, trainLoss: step == 0 ? nil : down + 0.1,
                                 upstreamLoss: up, downstreamLoss: down, gradNorm: step == 0 ? nil : 1.0,
                                 wallSeconds: Double(step) / 10)
        }
        let index = conditions.firstIndex { $0.lr == c.lr && $0.name == c.name && $0.rewarm == c.rewarm } ?? 0
        let id = "\(sweep)-c\(index + 1)-s\(seed)"
        return TrialSeries(id: id, name: c.name, seed: seed, state: state, config: config, diff: diff, metrics: metrics)
    }

    /// The sweep; `seeds` limits it, `name` and `shift` (added to every loss) make a second sweep.
    static func data(seeds: [Int] = [1, 2, 3], name: String = "fixture", shift: Double = 0) -> SweepData {
        var trials: [TrialSeries] = []
        for seed in seeds {
            for (i, c) in conditions.enumerated() {
                let failed = i == 1 && seed == 3
                trials.append(trial(c, seed: seed, state: failed ? .failed : .completed, lastStep: failed ? 10 : 30,
                                    sweep: name, shift: shift))
            }
        }
        let text = spec.replacingOccurrences(of: "name: fixture", with: "name: \(name)")
            .replacingOccurrences(of: "seeds: [1, 2, 3]", with: "seeds: [\(seeds.map(String.init).joined(separator: ", "))]")
        // What a sweep records of its spec (`SweepRunner.register`): the description and the axes.
        let spec = try? SweepSpec.parse(yaml: text, source: name)
        return SweepData(name: name, specText: text, description: spec?.description,
                         axes: spec?.grid.map { SweepAxis(name: $0.name, key: $0.key, values: $0.values) },
                         trials: trials, baseMetrics: baseMetrics,
                         baseConfig: ["dataset": "synthetic:a", "max_steps": 40])
    }

    /// Two verdicts in the form the findings code gives them (rules v2; hand-made: the report
    /// only renders them), with a check of each outcome: holds, straddles, trivially true.
    static let findings = [
        FindingResult(
            id: "F3", title: "Max LR trades learning for forgetting", verdict: .reproduced,
            checks: [FindingCheck("Ldown(T) falls with the max LR (medians lr=0.0015 2.800 > lr=0.003 2.495, in order): holds "
                                  + "[lr=0.003 - lr=0.0015 = -0.305 [95% CI -0.450, -0.160] < 0: holds]", passed: true),
                     FindingCheck("Lup(T) rises with the max LR (medians lr=0.0015 2.600 < lr=0.003 2.895, in order): holds "
                                  + "[lr=0.003 - lr=0.0015 = 0.295 [95% CI 0.180, 0.410] > 0: holds]", passed: true)],
            points: [FindingPoint(label: "lr=0.0015", seeds: 3, values: ["Lup(T)": 2.6, "Ldown(T)": 2.8, "sd Lup(T)": 0.04]),
                     FindingPoint(label: "lr=0.003", seeds: 3, values: ["Lup(T)": 2.895, "Ldown(T)": 2.495, "sd Lup(T)": 0.05])],
            statistics: ["ldown_difference": -0.305, "lup_difference": 0.295],
            hasEnoughSeeds: true),
        FindingResult(
            id: "F4", title: "No rewarm: least forgetting, early win, late loss", verdict: .inconclusive,
            checks: [FindingCheck("Lup(T) constant - lowest rewarmed = -0.300 [95% CI -0.380, -0.220] < 0: holds", passed: true),
                     FindingCheck("Ldown(0.34T) constant - best rewarmed: cannot be judged (no evaluation at 0.34T)", passed: nil),
                     FindingCheck("Ldown(T) constant - worst rewarmed = 0.400 [95% CI 0.310, 0.490] > 0: holds", passed: true),
                     FindingCheck("Ldown falls from Ldown(0) 14.500 > ln 256 = 5.545: trivially true, not counted",
                                  passed: nil, counted: false)],
            points: [], statistics: [:], hasEnoughSeeds: true,
            notes: ["The sweep evaluates every 10 steps; 0.34T fell between evaluations."]),
    ]

    static func report(seeds: [Int] = [1, 2, 3]) -> SweepReport {
        SweepReport(data: data(seeds: seeds), findings: findings)
    }

    /// The folder of the golden files.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Compares `text` with the golden file `name` byte for byte and returns nil, or where they
    /// first differ. With `REWARM_UPDATE_GOLDEN=1` the file is (re)written first.
    static func goldenDifference(_ text: String, _ name: String) throws -> String? {
        let url = fixtures.appendingPathComponent(name)
        if updatingGolden { try Data(text.utf8).write(to: url) }
        let expected = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        if Array(expected.utf8) == Array(text.utf8) { return nil }
        let a = NotebookLines.split(expected), b = NotebookLines.split(text)
        for i in 0..<max(a.count, b.count) where i >= a.count || i >= b.count || Array(a[i].utf8) != Array(b[i].utf8) {
            let want = i < a.count ? String(a[i]) : "(end)", got = i < b.count ? String(b[i]) : "(end)"
            return "\(name):\(i + 1): expected \(want.debugDescription), got \(got.debugDescription)"
        }
        return "\(name): differs"
    }

    static var updatingGolden: Bool { ProcessInfo.processInfo.environment["REWARM_UPDATE_GOLDEN"] == "1" }
}

/// A fresh folder under the temporary directory, removed by `remove()`.
struct ReportTemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("rewarm-report-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    /// Size of a file in bytes (0 when missing).
    func size(_ relative: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.appendingPathComponent(relative).path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
