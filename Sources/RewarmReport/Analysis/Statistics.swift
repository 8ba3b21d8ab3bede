import Foundation

/// The descriptive statistics the finding verdicts use (`docs/findings.md`, "Vocabulary").
/// Pure functions of arrays of numbers; every function that needs more data than it got returns nil.
public enum Statistics {
    /// The middle value of `values` (the mean of the two middle ones when the count is even);
    /// nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// sum(x) / n; nil when empty.
    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Sample standard deviation sqrt(sum((x - mean)^2) / (n - 1)); nil with fewer than 2 values.
    public static func standardDeviation(_ values: [Double]) -> Double? {
        guard values.count >= 2, let m = mean(values) else { return nil }
        let squares = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (squares / Double(values.count - 1)).squareRoot()
    }

    /// max(values) - min(values); nil when empty.
    public static func spread(_ values: [Double]) -> Double? {
        guard let lo = values.min(), let hi = values.max() else { return nil }
        return hi - lo
    }

    /// The largest value (the peak of a series); nil when empty.
    public static func peak(_ values: [Double]) -> Double? { values.max() }

    /// Ranks 1...n of `values` in ascending order, tied values sharing the average of the ranks
    /// they span (`[10, 20, 20, 30]` -> `[1, 2.5, 2.5, 4]`).
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            // Positions start...end (0-based) hold ranks start+1 ... end+1: their average.
            let rank = Double(start + end) / 2 + 1
            for k in start...end { ranks[order[k]] = rank }
            start = end + 1
        }
        return ranks
    }

    /// Pearson's r = sum(dx dy) / sqrt(sum(dx^2) sum(dy^2)), dx = x - mean(x); nil when the counts
    /// differ, fewer than 2 pairs, or either side is constant.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        guard x.count == y.count, x.count >= 2, let mx = mean(x), let my = mean(y) else { return nil }
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return max(-1, min(1, sxy / (sxx * syy).squareRoot()))
    }

    /// The least-squares slope sum(dx dy) / sum(dx^2) of y on x; nil when the counts differ,
    /// fewer than 2 pairs, or x is constant.
    public static func slope(_ x: [Double], _ y: [Double]) -> Double? {
        guard x.count == y.count, x.count >= 2, let mx = mean(x), let my = mean(y) else { return nil }
        var sxy = 0.0, sxx = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
        }
        return sxx > 0 ? sxy / sxx : nil
    }

    /// Spearman's rho: Pearson's r of the average ranks of `x` and of `y` (the tie-correct form).
    /// nil when the counts differ, `x` has fewer than 3 distinct values, or `y` is constant.
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
        guard x.count == y.count, Set(x).count >= 3, Set(y).count >= 2 else { return nil }
        return pearson(averageRanks(x), averageRanks(y))
    }

    /// Whether a rho is exactly `target` (+1 or -1) up to rounding (1e-9).
    public static func isExactly(_ rho: Double, _ target: Double) -> Bool { abs(rho - target) < 1e-9 }

    /// Linear interpolation of the points (xs[i], ys[i]) at `x`: with xs[i] <= x <= xs[i+1],
    /// y = ys[i] + (ys[i+1] - ys[i]) (x - xs[i]) / (xs[i+1] - xs[i]). `xs` ascending. nil outside
    /// [xs.first, xs.last], when empty, or when the counts differ.
    public static func interpolate(xs: [Double], ys: [Double], at x: Double) -> Interpolation? {
        guard xs.count == ys.count, let first = xs.first, let last = xs.last, x >= first, x <= last else { return nil }
        guard let upper = xs.firstIndex(where: { $0 >= x }) else { return nil }
        if xs[upper] == x { return Interpolation(value: ys[upper], lower: xs[upper], upper: xs[upper]) }
        let lower = upper - 1
        let t = (x - xs[lower]) / (xs[upper] - xs[lower])
        return Interpolation(value: ys[lower] + (ys[upper] - ys[lower]) * t, lower: xs[lower], upper: xs[upper])
    }
}

/// A value read off a series by linear interpolation, with the two x (steps) it lies between
/// (equal when an evaluation falls exactly at the point).
public struct Interpolation: Sendable, Equatable {
    public let value: Double
    public let lower: Double
    public let upper: Double

    public var isExact: Bool { lower == upper }
}
