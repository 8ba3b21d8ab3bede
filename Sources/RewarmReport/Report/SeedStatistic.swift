import Foundation

/// Summary of one metric across the seeds of a condition: the median, the range and the sample
/// standard deviation (`Statistics`), over the finite values only.
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
        let xs = values.filter(\.isFinite)
        guard let median = Statistics.median(xs), let min = xs.min(), let max = xs.max() else { return nil }
        self.median = median
        self.min = min
        self.max = max
        sd = Statistics.standardDeviation(xs)
        count = xs.count
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
