import RewarmEngine
import RewarmStore

/// A metric of one condition along training: at each evaluated step, the median and range across
/// the seeds that reached it. Failed and diverged trials are left out (their last losses would
/// swamp the others); running ones count for the steps they reached.
struct SeedBand: Sendable, Equatable {
    struct Point: Sendable, Equatable {
        var step: Int
        var tokens: Int
        var median: Double
        var min: Double
        var max: Double
        var seeds: Int
    }

    var points: [Point]

    /// Whether any step has a range (more than one distinct value across seeds).
    var hasSpread: Bool { points.contains { $0.max > $0.min } }

    init(trials: [TrialSeries], metric: (MetricsRecord) -> Double?) {
        let usable = trials.filter { $0.state != .failed && $0.state != .diverged }
        var byStep: [Int: (tokens: Int, values: [Double])] = [:]
        for t in usable {
            for m in t.metrics {
                guard let v = metric(m), v.isFinite else { continue }
                byStep[m.step, default: (m.tokens, [])].values.append(v)
            }
        }
        points = byStep.keys.sorted().compactMap { step in
            let entry = byStep[step]!
            guard let s = SeedStatistic(entry.values) else { return nil }
            return Point(step: step, tokens: entry.tokens, median: s.median, min: s.min, max: s.max, seeds: s.count)
        }
    }

    /// Rows for a `.dat` block: tokens, median, min, max, seeds.
    var rows: [[String]] {
        points.map { [String($0.tokens), GnuplotScript.number($0.median), GnuplotScript.number($0.min),
                      GnuplotScript.number($0.max), String($0.seeds)] }
    }
}

/// Which loss a chart draws.
enum LossKind: String, Sendable, CaseIterable {
    case upstream, downstream

    func value(_ m: MetricsRecord) -> Double? {
        self == .upstream ? m.upstreamLoss : m.downstreamLoss
    }

    var symbol: String { self == .upstream ? "Lup" : "Ldown" }

    func axisLabel(_ unit: LossUnit) -> String {
        self == .upstream ? "upstream validation loss Lup (\(unit.rawValue))"
            : "downstream validation loss Ldown (\(unit.rawValue))"
    }
}
