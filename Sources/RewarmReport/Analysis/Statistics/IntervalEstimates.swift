import Foundation

/// A two-sided confidence interval of one estimate (a difference of seed means, a mean of
/// per-seed differences, or a bootstrapped statistic), with what it was computed from.
public struct ConfidenceInterval: Sendable, Equatable, Codable {
    public enum Method: String, Sendable, Codable {
        /// Difference of the means of two independent samples, Welch's t (unequal variances).
        case welch
        /// Mean of per-seed differences of two conditions that share seeds: paired t.
        case paired
        /// Mean of one sample of per-seed values (e.g. peak - value at step 0): one-sample t.
        case oneSample = "one-sample"
        /// Percentile bootstrap of any statistic (`Bootstrap`).
        case bootstrap
    }

    public var method: Method
    /// The point estimate: mean(a) - mean(b), the mean difference, or the statistic on the data.
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    /// The two-sided coverage, e.g. 0.95.
    public var confidence: Double
    /// Degrees of freedom of the t quantile (Welch's are fractional); nil for the bootstrap.
    public var degreesOfFreedom: Double?
    /// The standard error of the estimate; nil for the bootstrap.
    public var standardError: Double?
    /// Values on each side: for `paired` both are the number of pairs; `countB` is 0 for
    /// `oneSample`; for `bootstrap`, the smallest group and the number of groups.
    public var countA: Int
    public var countB: Int

    public init(method: Method, estimate: Double, lower: Double, upper: Double, confidence: Double,
                degreesOfFreedom: Double?, standardError: Double?, countA: Int, countB: Int) {
        self.method = method
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.confidence = confidence
        self.degreesOfFreedom = degreesOfFreedom
        self.standardError = standardError
        self.countA = countA
        self.countB = countB
    }

    /// Whether the interval lies entirely above or below `value` (for 0: a real difference).
    public func excludes(_ value: Double) -> Bool { lower > value || upper < value }
}

/// Why an interval could not be computed: the check that needed it cannot be judged.
public enum StatisticUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    /// A side has fewer values than the interval needs (2 for a t interval).
    case tooFewValues(side: String, have: Int, need: Int)
    /// A paired interval was asked for conditions that share fewer than 2 seeds.
    case tooFewSharedSeeds(have: Int)
    /// A value is NaN or infinite.
    case notFinite(side: String)
    /// The statistic has no finite value on the data themselves.
    case statisticUndefined
    /// Too many bootstrap resamples gave no value of the statistic (e.g. a zero denominator).
    case undefinedResamples(count: Int, of: Int)

    public var description: String {
        switch self {
        case .tooFewValues(let side, let have, let need): "\(side) has \(have) value(s), needs \(need)"
        case .tooFewSharedSeeds(let have): "the two conditions share \(have) seed(s), a paired interval needs 2"
        case .notFinite(let side): "\(side) has a value that is not finite"
        case .statisticUndefined: "the statistic is undefined on the data"
        case .undefinedResamples(let count, let of):
            "the statistic is undefined on \(count) of \(of) bootstrap resamples"
        }
    }
}

/// How two conditions' per-seed values are compared.
public enum Pairing: String, Sendable, Codable {
    /// Welch's t on the two samples, whatever their seeds.
    case welch
    /// Paired t on the seeds both have (the others are left out).
    case paired
    /// Paired when both have exactly the same seeds (same seeds give the same data order, so
    /// the pairs share that part of the noise), else Welch on all values. The rules' default.
    case pairedWhenSameSeeds = "paired when same seeds"
}

/// t intervals of a mean or of a difference of means over seeds (rules v2: "a difference is
/// real when the 95% CI of the difference of seed means excludes 0").
///
/// Zero variance: when every value (or every per-seed difference) is equal, the standard error
/// is 0 and the interval is the point [estimate, estimate]: the data show no seed noise, so a
/// claim is then decided by the estimate alone, and an estimate exactly on a claim's threshold
/// straddles it. Welch's df is then undefined (0 / 0) and is reported as nA + nB - 2.
public enum IntervalEstimates {
    /// Welch's interval (Welch 1947, "The generalization of Student's problem when several
    /// different population variances are involved") of mean(a) - mean(b):
    /// d +/- t_{1-alpha/2, nu} sqrt(sA^2/nA + sB^2/nB), with the Welch-Satterthwaite df
    /// nu = (sA^2/nA + sB^2/nB)^2 / ((sA^2/nA)^2/(nA-1) + (sB^2/nB)^2/(nB-1)).
    /// Needs >= 2 values on each side.
    public static func welch(_ a: [Double], _ b: [Double], confidence: Double) throws(StatisticUnavailable)
        -> ConfidenceInterval
    {
        try validate(a, side: "a", need: 2)
        try validate(b, side: "b", need: 2)
        let na = Double(a.count), nb = Double(b.count)
        let va = variance(a) / na, vb = variance(b) / nb
        let se = (va + vb).squareRoot()
        let denominator = va * va / (na - 1) + vb * vb / (nb - 1)
        let df = denominator > 0 ? (va + vb) * (va + vb) / denominator : na + nb - 2
        return interval(.welch, estimate: mean(a) - mean(b), se: se, df: df, confidence: confidence,
                        countA: a.count, countB: b.count)
    }

    /// The one-sample t interval of mean(x): x-bar +/- t_{1-alpha/2, n-1} s / sqrt(n) (Student
    /// 1908). Needs >= 2 values.
    public static func oneSample(_ x: [Double], confidence: Double) throws(StatisticUnavailable)
        -> ConfidenceInterval
    {
        try validate(x, side: "the sample", need: 2)
        let n = Double(x.count)
        return interval(.oneSample, estimate: mean(x), se: (variance(x) / n).squareRoot(), df: n - 1,
                        confidence: confidence, countA: x.count, countB: 0)
    }

    /// The paired t interval of mean(a_i - b_i) over the seeds i both have: the one-sample
    /// interval of the differences, df = pairs - 1. Needs >= 2 shared seeds.
    public static func paired(_ a: [Int: Double], _ b: [Int: Double], confidence: Double)
        throws(StatisticUnavailable) -> ConfidenceInterval
    {
        let seeds = Set(a.keys).intersection(b.keys).sorted()
        guard seeds.count >= 2 else { throw .tooFewSharedSeeds(have: seeds.count) }
        var ci = try oneSample(seeds.map { a[$0]! - b[$0]! }, confidence: confidence)
        ci.method = .paired
        ci.countB = seeds.count
        return ci
    }

    /// mean(a) - mean(b) by `pairing`: see `Pairing`.
    public static func difference(_ a: [Int: Double], _ b: [Int: Double], pairing: Pairing, confidence: Double)
        throws(StatisticUnavailable) -> ConfidenceInterval
    {
        switch pairing {
        case .paired:
            return try paired(a, b, confidence: confidence)
        case .pairedWhenSameSeeds where Set(a.keys) == Set(b.keys):
            return try paired(a, b, confidence: confidence)
        case .welch, .pairedWhenSameSeeds:
            return try welch(a.keys.sorted().map { a[$0]! }, b.keys.sorted().map { b[$0]! }, confidence: confidence)
        }
    }

    static func interval(_ method: ConfidenceInterval.Method, estimate: Double, se: Double, df: Double,
                         confidence: Double, countA: Int, countB: Int) -> ConfidenceInterval {
        precondition(confidence > 0 && confidence < 1, "a confidence level lies in (0, 1), got \(confidence)")
        let half = se > 0 ? StudentT.quantile(1 - (1 - confidence) / 2, df: df) * se : 0
        return ConfidenceInterval(method: method, estimate: estimate, lower: estimate - half, upper: estimate + half,
                                  confidence: confidence, degreesOfFreedom: df, standardError: se,
                                  countA: countA, countB: countB)
    }

    static func validate(_ x: [Double], side: String, need: Int) throws(StatisticUnavailable) {
        guard x.count >= need else { throw .tooFewValues(side: side, have: x.count, need: need) }
        guard x.allSatisfy(\.isFinite) else { throw .notFinite(side: side) }
    }

    /// The sample mean (`Statistics.mean`; callers have checked that x is not empty).
    static func mean(_ x: [Double]) -> Double { Statistics.mean(x) ?? .nan }

    /// The sample variance sum((x - mean)^2) / (n - 1), n >= 2 (`Statistics.standardDeviation` squared).
    static func variance(_ x: [Double]) -> Double {
        let sd = Statistics.standardDeviation(x) ?? .nan
        return sd * sd
    }
}
