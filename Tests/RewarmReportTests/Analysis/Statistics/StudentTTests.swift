import Foundation
import Testing
@testable import RewarmReport

/// |actual - expected| <= tolerance x |expected|, with both values in the failure message.
func expectRelative(_ actual: Double, _ expected: Double, _ tolerance: Double = 1e-8,
                    _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    let error = abs(actual - expected) / max(abs(expected), 1e-300)
    #expect(error <= tolerance, "\(what): got \(actual), expected \(expected), relative error \(error)",
            sourceLocation: sourceLocation)
}

@Suite("Student t: quantiles and CDF against scipy.stats.t")
struct StudentTTests {
    /// (df, p, scipy.stats.t.ppf(p, df)): `python -c "from scipy import stats;
    /// print(repr(stats.t.ppf(p, df)))"` with scipy 1.17.1.
    static let quantiles: [(Double, Double, Double)] = [
        (1, 0.95, 6.313751514675037), (1, 0.975, 12.706204736174694),
        (2, 0.95, 2.9199855803537242), (2, 0.975, 4.302652729749462),
        (2.7, 0.95, 2.4638889362708496), (2.7, 0.975, 3.3921483831737507),
        (4, 0.95, 2.1318467863266495), (4, 0.975, 2.7764451051977934),
        (30, 0.95, 1.697260886593957), (30, 0.975, 2.0422724563012378),
        (1000, 0.95, 1.6463788172854643), (1000, 0.975, 1.9623390808264083),
    ]

    @Test("the quantile matches scipy to 1e-8 relative at df 1, 2, 2.7, 4, 30, 1000 and p 0.95, 0.975")
    func quantilesMatchScipy() {
        for (df, p, expected) in Self.quantiles {
            expectRelative(StudentT.quantile(p, df: df), expected, 1e-8, "t_{\(p), \(df)}")
            expectRelative(StudentT.quantile(1 - p, df: df), -expected, 1e-8, "t_{\(1 - p), \(df)}")
        }
    }

    @Test("the CDF matches scipy to 1e-8 relative, in the body and in the tails")
    func cdfMatchesScipy() {
        // (df, t, scipy.stats.t.cdf(t, df), scipy.stats.t.sf(abs(t), df))
        let cases: [(Double, Double, Double, Double)] = [
            (1, 0.5, 0.6475836176504333, 0.35241638234956674),
            (2.7, -1.3, 0.14672632185192266, 0.14672632185192266),
            (4, 2.5, 0.966616727594006, 0.03338327240599407),
            (30, -0.7, 0.24466022174983582, 0.24466022174983582),
            (1000, 1.96, 0.9748634075221256, 0.025136592477874368),
            (6.3, 4.2, 0.9974487955774307, 0.0025512044225692717),
            (2.7, 12.0, 0.998986566990302, 0.001013433009698063),
        ]
        for (df, t, cdf, tail) in cases {
            expectRelative(StudentT.cdf(t, df: df), cdf, 1e-8, "cdf(\(t), \(df))")
            expectRelative(StudentT.tail(t, df: df), tail, 1e-8, "tail(\(t), \(df))")
        }
    }

    @Test("far tails and very large df stay within 1e-8 of scipy")
    func extremes() {
        // stats.t.ppf(0.975, 1e5), stats.t.ppf(1e-6, 3), stats.t.ppf(0.9995, 1.5), stats.t.sf(40, 2.2)
        expectRelative(StudentT.quantile(0.975, df: 1e5), 1.9599877075346095, 1e-8, "df 1e5")
        expectRelative(StudentT.quantile(1e-6, df: 3), -103.29946778041935, 1e-8, "p 1e-6")
        expectRelative(StudentT.quantile(0.9995, df: 1.5), 82.84744670366369, 1e-8, "df 1.5")
        expectRelative(StudentT.tail(40, df: 2.2), 0.00017115773828230282, 1e-8, "tail at 40")
    }

    @Test("the closed forms at df 1 (Cauchy) and df 2 agree with the quantile function")
    func closedForms() {
        for p in [0.6, 0.9, 0.95, 0.975, 0.999] {
            expectRelative(StudentT.quantile(p, df: 1), tan(Double.pi * (p - 0.5)), 1e-10, "Cauchy \(p)")
            let two = (2 * p - 1) / (2 * p * (1 - p)).squareRoot()
            expectRelative(StudentT.quantile(p, df: 2), two, 1e-10, "df 2 \(p)")
        }
        #expect(StudentT.quantile(0.5, df: 3.3) == 0)
        #expect(StudentT.cdf(0, df: 7) == 0.5)
    }

    @Test("the quantile inverts the CDF for fractional df")
    func roundTrip() {
        for df in [1.3, 2.7, 5.5, 17.25] {
            for p in [0.55, 0.8, 0.95, 0.995] {
                expectRelative(StudentT.cdf(StudentT.quantile(p, df: df), df: df), p, 1e-12, "df \(df) p \(p)")
            }
        }
    }
}
