import Foundation

/// Summary of one metric across the seeds of a condition: the median, the range and the sample
/// standard deviation, over the finite values only.
public struct SeedStatistic: Codable, Sendable, Equatable {
    /// Median (the mean of the two middle values for an even count).
    public var median: Double
    public var min: Double
    public var max: Double
    /// Sample standard deviation, sqrt(sum (x - mean)^2 / (n - 1)); nil for fewer than 2 values.
    public var sd: Double?
    /// How many values (seeds) it summarises.
    public var count: Int

    /// nil when `values` holds no finite number.
    public init?(_ values: [Double]) {
        let xs = values.filter(\.isFinite).sorted()
        guard !xs.isEmpty else { return nil }
        let n = xs.count
        median = n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2
        min = xs[0]
        max = xs[n - 1]
        count = n
        if n >= 2 {
            let mean = xs.reduce(0, +) / Double(n)
            sd = (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)).squareRoot()
        } else {
            sd = nil
        }
    }

    /// The same statistic shifted by `offset` (median, min and max; the SD is unchanged).
    func shifted(by offset: Double) -> SeedStatistic {
        var s = self
        s.median += offset
        s.min += offset
        s.max += offset
        return s
    }
}
