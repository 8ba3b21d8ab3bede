import Foundation
import RewarmEngine
@testable import RewarmReport
@testable import RewarmStore

/// Loss curves as piecewise-linear knots (fraction of T, loss): what a synthetic trial reports.
struct Curve {
    var up: [(Double, Double)]
    var down: [(Double, Double)]

    static func at(_ knots: [(Double, Double)], _ f: Double) -> Double {
        Statistics.interpolate(xs: knots.map(\.0), ys: knots.map(\.1), at: f)!.value
    }

    /// A rewarmed run: Lup rises from 1.7 to `peak` at `peakAt` x T and ends at `lupEnd`; Ldown
    /// starts at `down0` (4.0), optionally rises to `downRise` at 0.03T, and falls through
    /// `downThird` at 0.34T to `downEnd`.
    static func rewarm(peak: Double = 3.2, peakAt: Double = 0.1, lupEnd: Double = 3.0, lupEarly: Double? = nil,
                       downEarly: Double? = nil, downThird: Double = 1.9, downEnd: Double = 1.6, down0: Double = 4.0,
                       downRise: Double? = nil) -> Curve {
        var up = [(0.0, 1.7), (peakAt, peak)]
        if let lupEarly { up.append((0.17, lupEarly)) }
        up.append((1.0, lupEnd))
        var down = [(0.0, down0)]
        if let downRise { down.append((0.03, downRise)) }
        if let downEarly { down.append((0.17, downEarly)) }
        down += [(0.34, downThird), (1.0, downEnd)]
        return Curve(up: up, down: down)
    }
}

/// Builds a `SweepData` of conditions x seeds with curves the test controls.
///
/// Each trial evaluates every `evalEvery` steps of `maxSteps`. Seed number k (0-based) of a
/// condition adds `offsets[k] x jitter` to both losses after step 0, with offsets 0, -1, +1, -2,
/// +2...: with 3 seeds the median is the curve itself and the noise is exactly 2 x jitter.
struct SweepFixture {
    var maxSteps = 100
    var evalEvery = 5
    var baseConfig: [String: ConfigValue] = ["dataset": "fortunes-en", "max_steps": 1000]
    /// The base's final loss on D0 (the last base metric's downstream loss); nil = no base metrics.
    var baseUpstreamLoss: Double? = 1.7
    var defaults: [String: ConfigValue] = [
        "dataset": "fortunes-zh", "upstream": "fortunes-en", "init_from": "base@1.0", "rewarm": true,
        "learning_rate": 3e-3, "warmup_ratio": 0.01, "warmup_steps": 0, "lr_scheduler_type": "cosine",
        "finetuning_type": "full", "lora_rank": nil, "replay_ratio": 0.0, "eval_steps": 5,
        "min_lr_ratio": 0.1, "num_cycles": 1, "power": 1.0, "decay_ratio": 0.1,
    ]
    private(set) var trials: [TrialSeries] = []

    static let offsets: [Double] = [0, -1, 1, -2, 2, -3, 3]

    /// Adds one condition: `overrides` on `defaults`, one trial per seed. A seed given a state
    /// in `states` other than completed stops at step 30 with absurd losses (99), so a verdict
    /// that counted it would change. `rewarm: false` resets the schedule keys as the spec does.
    mutating func add(_ overrides: [String: ConfigValue], name: String? = nil, seeds: [Int] = [1, 2, 3],
                      jitter: Double = 0.01, states: [Int: RunState] = [:], curve: Curve,
                      tokenizer: String? = nil, tokensPerByte: (down: Double, up: Double)? = nil) {
        var config = defaults.merging(overrides) { _, new in new }
        config["max_steps"] = .int(maxSteps)
        if config["rewarm"] == .bool(false) {
            for key in RunConfig.mootWithoutRewarm { config[key] = RunConfig.key(named: key)?.defaultValue }
            // as a trial's canonical config: the infinite schedule's keys are left out at their defaults
            for key in RunConfig.keysOmittedAtDefault where config[key] == RunConfig.key(named: key)?.defaultValue {
                config[key] = nil
            }
        }
        for (k, seed) in seeds.enumerated() {
            var c = config
            c["seed"] = .int(seed)
            let state = states[seed] ?? .completed
            let offset = Self.offsets[k % Self.offsets.count] * jitter
            var records: [MetricsRecord] = []
            for step in stride(from: 0, through: maxSteps, by: evalEvery) {
                if state != .completed && step > 30 { break }
                let f = Double(step) / Double(maxSteps)
                let shift = step == 0 ? 0 : offset
                let broken = state != .completed && step > 0
                let up = broken ? 99 : Curve.at(curve.up, f) + shift
                let down = broken ? 99 : Curve.at(curve.down, f) + shift
                records.append(MetricsRecord(
                    step: step, tokens: step * 64, stepLR: 3e-3, trainLoss: nil, upstreamLoss: up, downstreamLoss: down,
                    upstreamBPB: tokensPerByte.map { up * $0.up / log(2.0) },
                    downstreamBPB: tokensPerByte.map { down * $0.down / log(2.0) }, gradNorm: nil, wallSeconds: Double(step)))
            }
            trials.append(TrialSeries(id: "t\(trials.count)", name: name, seed: seed, state: state, config: c,
                                      diff: overrides, metrics: records, tokenizer: tokenizer))
        }
    }

    var data: SweepData {
        let base = baseUpstreamLoss.map {
            [MetricsRecord(step: 1000, tokens: 0, stepLR: 3e-4, trainLoss: nil, upstreamLoss: nil,
                           downstreamLoss: $0, gradNorm: nil, wallSeconds: 0)]
        } ?? []
        return SweepData(name: "fixture", specText: "name: fixture\n", trials: trials, baseMetrics: base, baseConfig: baseConfig)
    }

    /// The verdicts by finding id.
    var results: [String: FindingResult] {
        Dictionary(uniqueKeysWithValues: Findings.evaluate(data).map { ($0.id, $0) })
    }
}

extension FindingResult {
    /// Every check text, one per line, for failure messages.
    var dump: String {
        "\(id) \(verdict.rawValue)\n" + checks.map {
            "  [\(!$0.counted ? "--" : $0.passed.map { $0 ? "ok" : "FAIL" } ?? "??")] \($0.text)"
        }
            .joined(separator: "\n") + "\n  notes: " + notes.joined(separator: " | ")
    }
}
