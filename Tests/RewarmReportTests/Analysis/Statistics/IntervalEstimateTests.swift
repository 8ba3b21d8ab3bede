import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport

@Suite("Intervals: Welch, paired, one-sample t, TOST and the percentile bootstrap")
struct IntervalEstimateTests {
    static let a: [Double] = [1.62, 1.58, 1.65, 1.60]
    static let b: [Double] = [1.70, 1.66, 1.73]

    @Test("Welch's interval and fractional df match scipy's ttest_ind(equal_var=False)")
    func welchMatchesScipy() throws {
        // r = stats.ttest_ind(a, b, equal_var=False); r.confidence_interval(0.95); r.df
        let ci = try IntervalEstimates.welch(Self.a, Self.b, confidence: 0.95)
        expectRelative(ci.lower, -0.1542345929536599, 1e-8, "lower")
        expectRelative(ci.upper, -0.014098740379673541, 1e-8, "upper")
        expectRelative(try #require(ci.degreesOfFreedom), 3.9773498298970704, 1e-10, "df")
        expectRelative(ci.estimate, 6.45 / 4 - 5.09 / 3, 1e-12, "estimate")
        #expect(ci.countA == 4 && ci.countB == 3 && ci.method == .welch)
        // r.confidence_interval(0.90)
        let ninety = try IntervalEstimates.welch(Self.a, Self.b, confidence: 0.90)
        expectRelative(ninety.lower, -0.1379343260939657, 1e-8, "90% lower")
        expectRelative(ninety.upper, -0.030399007239367774, 1e-8, "90% upper")
    }

    @Test("the paired interval over shared seeds matches scipy's ttest_rel")
    func pairedMatchesScipy() throws {
        let a: [Int: Double] = [1: 3.07, 2: 3.10, 3: 3.05, 4: 3.12, 5: 3.08]
        let b: [Int: Double] = [1: 2.83, 2: 2.88, 3: 2.80, 4: 2.86, 5: 2.85]
        // stats.ttest_rel(a, b).confidence_interval(0.95), df 4
        let ci = try IntervalEstimates.paired(a, b, confidence: 0.95)
        expectRelative(ci.lower, 0.22036756838522445, 1e-8, "lower")
        expectRelative(ci.upper, 0.2596324316147756, 1e-8, "upper")
        #expect(ci.degreesOfFreedom == 4 && ci.method == .paired)
        // The same seeds: the default pairing is paired; a missing seed falls back to Welch.
        #expect(try IntervalEstimates.difference(a, b, pairing: .pairedWhenSameSeeds, confidence: 0.95) == ci)
        let fewer = b.filter { $0.key != 5 }
        #expect(try IntervalEstimates.difference(a, fewer, pairing: .pairedWhenSameSeeds, confidence: 0.95).method
            == .welch)
    }

    @Test("fewer than 2 values or shared seeds give a typed reason, not an interval")
    func tooFewValues() {
        #expect(throws: StatisticUnavailable.tooFewValues(side: "b", have: 1, need: 2)) {
            try IntervalEstimates.welch([1, 2, 3], [1], confidence: 0.95)
        }
        #expect(throws: StatisticUnavailable.tooFewSharedSeeds(have: 1)) {
            try IntervalEstimates.paired([1: 1, 2: 2], [2: 1, 3: 2], confidence: 0.95)
        }
        #expect(throws: StatisticUnavailable.notFinite(side: "a")) {
            try IntervalEstimates.welch([1, .nan], [1, 2], confidence: 0.95)
        }
    }

    @Test("with no seed noise the interval is the point estimate, and Welch's df is nA + nB - 2")
    func zeroVariance() throws {
        let ci = try IntervalEstimates.welch([2, 2, 2], [1.5, 1.5, 1.5], confidence: 0.95)
        #expect(ci.lower == 0.5 && ci.upper == 0.5 && ci.degreesOfFreedom == 4 && ci.standardError == 0)
        // One side constant: the df is the other side's n - 1 (the formula's limit).
        let one = try IntervalEstimates.welch([2, 2, 2], [1, 2, 3, 4], confidence: 0.95)
        expectRelative(try #require(one.degreesOfFreedom), 3, 1e-12, "df")
        #expect(Claim.above(0).judge(ci) == .holds)
        #expect(Claim.above(0.5).judge(ci) == .straddles)
    }

    @Test("TOST: a 90% interval inside the margin holds, across an edge straddles, wholly outside fails")
    func equivalenceByTwoOneSidedTests() throws {
        // stats.ttest_1samp([0.004, -0.006, 0.010, 0.002, 0.000], 0).confidence_interval(0.90)
        let ci = try IntervalEstimates.oneSample([0.004, -0.006, 0.010, 0.002, 0.000], confidence: 0.90)
        expectRelative(ci.lower, -0.003559176278777696, 1e-8, "lower")
        expectRelative(ci.upper, 0.007559176278777693, 1e-8, "upper")
        #expect(Claim.within(margin: 0.017).judge(ci) == .holds)
        #expect(Claim.within(margin: 0.005).judge(ci) == .straddles)
        #expect(Claim.within(margin: 0.001).judge(ci) == .straddles)  // wider than the whole band
        let far = ConfidenceInterval(method: .welch, estimate: 0.05, lower: 0.03, upper: 0.07, confidence: 0.9,
                                     degreesOfFreedom: 4, standardError: 0.01, countA: 5, countB: 5)
        #expect(Claim.within(margin: 0.017).judge(far) == .fails)
        // More noise makes the pass harder: the same mean with a wider interval no longer holds.
        let noisy = try IntervalEstimates.oneSample([0.04, -0.06, 0.10, 0.02, -0.09], confidence: 0.90)
        #expect(Claim.within(margin: 0.017).judge(noisy) == .straddles)
    }

    @Test("the percentile bootstrap with a fixed seed gives the same interval every time")
    func bootstrapIsDeterministic() throws {
        let x: [Double] = [1.56, 1.61, 1.58, 1.70, 1.57]
        let median = { (v: [Double]) in Statistics.median(v) }
        let ci = try Bootstrap.percentileInterval(x, confidence: 0.95, statistic: median)
        let again = try Bootstrap.percentileInterval(x, confidence: 0.95, statistic: median)
        #expect(ci == again)
        #expect(ci.estimate == 1.58 && ci.method == .bootstrap && ci.countA == 5 && ci.countB == 1)
        // With 5 seeds the median's bootstrap interval spans the data: what 5 seeds can say about a median.
        #expect(ci.lower == 1.56 && ci.upper == 1.70, "\(ci)")
        // A ratio of two conditions' means (share of a gap closed), each condition resampled on its own.
        let closed = try Bootstrap.percentileInterval([[0.30, 0.34, 0.29, 0.33], [0.50, 0.55, 0.52, 0.49]],
                                                      confidence: 0.95) { g in
            guard let x = Statistics.mean(g[0]), let y = Statistics.mean(g[1]), y != 0 else { return nil }
            return x / y
        }
        expectRelative(closed.estimate, 1.26 / 2.06, 1e-12, "ratio")
        expectRelative(closed.lower, 0.5639810426540284, 1e-12, "pinned lower")
        expectRelative(closed.upper, 0.6585365853658538, 1e-12, "pinned upper")
        let other = try Bootstrap.percentileInterval(x, confidence: 0.95, seed: 7, statistic: median)
        #expect(other.lower >= 1.56 && other.upper <= 1.70)
    }

    @Test("the percentile bootstrap of a mean matches the exact bootstrap distribution worked out by hand")
    func bootstrapMatchesExactDistribution() throws {
        // Resampling [0, 0, 0, 1] with replacement, the resample's mean is k / 4 with k ~ Binomial(4, 1/4):
        // P(k <= 0) = 0.316, P(k <= 1) = 0.738, P(k <= 2) = 0.949, P(k <= 3) = 0.996. So the 2.5% quantile
        // is 0 and the 97.5% quantile is 3/4 (not the data's maximum 1); with 2,000 resamples the
        // empirical CDF at k = 2 has an SD of 0.005, five SDs from 0.975, whatever the seed.
        for seed: UInt64 in [1, 2, 3] {
            let ci = try Bootstrap.percentileInterval([0, 0, 0, 1], confidence: 0.95, resamples: 2000, seed: seed) {
                Statistics.mean($0)
            }
            #expect(ci.estimate == 0.25 && ci.lower == 0 && ci.upper == 0.75, "seed \(seed): \(ci)")
        }
    }

    @Test("the bootstrap quantile interpolates between order statistics like numpy's default")
    func bootstrapQuantile() {
        // numpy.quantile([1, 2, 3, 4], [0.025, 0.975]) = [1.075, 3.925]
        expectRelative(Bootstrap.quantile(sorted: [1, 2, 3, 4], 0.025), 1.075, 1e-12, "lower")
        expectRelative(Bootstrap.quantile(sorted: [1, 2, 3, 4], 0.975), 3.925, 1e-12, "upper")
    }

    @Test("the bootstrap interval of a mean covers the true mean in about 95% of simulated studies")
    func bootstrapCoverage() throws {
        var rng = CounterRNG(keys: [42])
        var covered = 0
        let studies = 200
        for study in 0..<studies {
            // 20 draws of U(0, 1): the true mean is 0.5.
            let sample = (0..<20).map { _ in rng.unitDouble() }
            let ci = try Bootstrap.percentileInterval(sample, confidence: 0.95, resamples: 1000, seed: UInt64(study)) {
                Statistics.mean($0)
            }
            if ci.lower < 0.5 && 0.5 < ci.upper { covered += 1 }
        }
        let coverage = Double(covered) / Double(studies)
        #expect(coverage > 0.88 && coverage < 0.99, "coverage \(coverage)")
    }

    @Test("a statistic undefined on the data or on many resamples gives a typed reason")
    func bootstrapUndefined() {
        #expect(throws: StatisticUnavailable.statisticUndefined) {
            try Bootstrap.percentileInterval([1, 2, 3], confidence: 0.95, resamples: 100) { _ in nil }
        }
        // Undefined whenever the resample repeats its first value: far more than 1% of resamples.
        #expect(throws: StatisticUnavailable.self) {
            try Bootstrap.percentileInterval([1, 2, 3], confidence: 0.95, resamples: 100) { v in
                v.dropFirst().contains(v[0]) ? nil : v[0]
            }
        }
    }
}
