import Foundation
import RewarmEngine

/// Percentile bootstrap intervals (Efron & Tibshirani 1993, "An Introduction to the Bootstrap",
/// ch. 13) for statistics that are not means: a median, a ratio such as the share of the
/// forgetting gap that replay closes, a peak, a slope or a correlation over runs.
///
/// Each group (a condition's per-seed values, or a study's runs) is resampled with replacement
/// to its own size, independently of the others, `resamples` times; the statistic of each
/// resample is kept and the interval is their alpha/2 and 1 - alpha/2 quantiles (linear
/// interpolation between order statistics, numpy's default: h = (B - 1) q). The draws come from
/// `CounterRNG` keyed by `seed`, so the same data and seed give the same interval on any machine.
public enum Bootstrap {
    /// B: 10,000 resamples puts the Monte Carlo error of a 95% percentile bound well under the
    /// width of the interval for the seed counts of a study.
    public static let defaultResamples = 10_000
    /// The seed the report uses (the date of rules v2): fixed, so a report is reproducible.
    public static let defaultSeed: UInt64 = 2026_12_05
    /// More undefined resamples than this share (the statistic returned nil, e.g. a zero
    /// denominator) make the interval unavailable rather than quietly conditional on the rest.
    public static let maximumUndefinedShare = 0.01
    /// The first key of the generator's stream ("BOOT"), so no other user of `CounterRNG`
    /// with the same seed draws the same numbers.
    static let streamTag: UInt64 = 0x424F_4F54

    /// The percentile interval of `statistic` over `groups`, each resampled independently.
    /// Needs >= 2 finite values per group and a statistic defined on the data themselves.
    /// The result's `countA` is the smallest group, `countB` the number of groups.
    public static func percentileInterval(
        _ groups: [[Double]], confidence: Double, resamples: Int = defaultResamples, seed: UInt64 = defaultSeed,
        statistic: ([[Double]]) -> Double?
    ) throws(StatisticUnavailable) -> ConfidenceInterval {
        precondition(confidence > 0 && confidence < 1, "a confidence level lies in (0, 1), got \(confidence)")
        precondition(resamples >= 2, "a bootstrap needs at least 2 resamples, got \(resamples)")
        for (i, g) in groups.enumerated() { try IntervalEstimates.validate(g, side: "group \(i + 1)", need: 2) }
        guard let estimate = statistic(groups), estimate.isFinite else {
            throw .statisticUndefined
        }
        var rng = CounterRNG(keys: [streamTag, seed])
        var values: [Double] = []
        values.reserveCapacity(resamples)
        var buffers = groups.map { [Double](repeating: 0, count: $0.count) }
        for _ in 0..<resamples {
            for (g, group) in groups.enumerated() {
                for k in group.indices { buffers[g][k] = group[rng.uniform(below: group.count)] }
            }
            if let v = statistic(buffers), v.isFinite { values.append(v) }
        }
        let undefined = resamples - values.count
        if Double(undefined) > maximumUndefinedShare * Double(resamples) {
            throw .undefinedResamples(count: undefined, of: resamples)
        }
        values.sort()
        let alpha = 1 - confidence
        return ConfidenceInterval(
            method: .bootstrap, estimate: estimate,
            lower: quantile(sorted: values, alpha / 2), upper: quantile(sorted: values, 1 - alpha / 2),
            confidence: confidence, degreesOfFreedom: nil, standardError: nil,
            countA: groups.map(\.count).min() ?? 0, countB: groups.count)
    }

    /// The percentile interval of `statistic` over one sample (e.g. the median of a condition's
    /// per-seed values).
    public static func percentileInterval(
        _ sample: [Double], confidence: Double, resamples: Int = defaultResamples, seed: UInt64 = defaultSeed,
        statistic: ([Double]) -> Double?
    ) throws(StatisticUnavailable) -> ConfidenceInterval {
        try percentileInterval([sample], confidence: confidence, resamples: resamples, seed: seed) { statistic($0[0]) }
    }

    /// The q-quantile of ascending `sorted` values by linear interpolation between order
    /// statistics: h = (n - 1) q, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
    static func quantile(sorted x: [Double], _ q: Double) -> Double {
        let h = Double(x.count - 1) * q
        let i = Int(h.rounded(.down))
        guard i + 1 < x.count else { return x[x.count - 1] }
        return x[i] + (h - Double(i)) * (x[i + 1] - x[i])
    }
}
