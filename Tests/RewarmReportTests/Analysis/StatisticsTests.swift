import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("Statistics: medians, SD, noise, Spearman with ties, interpolation")
struct StatisticsTests {
    @Test("the median of an odd count is the middle value, of an even count the mean of the two middle ones")
    func median() {
        #expect(Statistics.median([3, 1, 2]) == 2)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.median([7]) == 7)
        #expect(Statistics.median([]) == nil)
    }

    @Test("the sample SD divides by n - 1; the least-squares slope of y on x; one value has no SD")
    func standardDeviationAndNoise() throws {
        // mean 5, squared deviations sum to 32, 32 / 7 = 4.571..., sqrt = 2.13809
        let sd = try #require(Statistics.standardDeviation([2, 4, 4, 4, 5, 5, 7, 9]))
        #expect(abs(sd - (32.0 / 7).squareRoot()) < 1e-12)
        #expect(Statistics.standardDeviation([1]) == nil)
        #expect(Statistics.mean([1, 2, 6]) == 3)
        #expect(Statistics.spread([3, 1, 2.5]) == 2)
        #expect(Statistics.peak([1, 5, 2]) == 5)
        // y = 2x + 1 exactly, and a noisy line: sum(dx dy) = 10, sum(dx^2) = 10, slope 1.
        #expect(Statistics.slope([0, 1, 2, 3], [1, 3, 5, 7]) == 2)
        #expect(abs(try #require(Statistics.slope([1, 2, 3, 4, 5], [2, 1, 4, 3, 6])) - 1.0) < 1e-12)
        #expect(Statistics.slope([1, 1], [2, 3]) == nil)
    }

    @Test("tied values share the average of the ranks they span")
    func averageRanks() {
        #expect(Statistics.averageRanks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4])
        #expect(Statistics.averageRanks([3, 1, 3, 3]) == [3, 1, 3, 3])
        #expect(Statistics.averageRanks([]) == [])
    }

    @Test("Spearman rho with ties matches the hand-computed Pearson r of average ranks")
    func spearmanWithTies() throws {
        // x ranks [1, 2.5, 2.5, 4], y ranks [1, 3, 2, 4]: sum dx dy = 4.5, sum dx^2 = 4.5, sum dy^2 = 5
        let rho = try #require(Statistics.spearman([1, 2, 2, 3], [1, 3, 2, 4]))
        #expect(abs(rho - 4.5 / (4.5 * 5.0).squareRoot()) < 1e-12)
        // y tie: x ranks [1, 2, 3], y ranks [3, 1.5, 1.5]: -1.5 / sqrt(2 x 1.5) = -0.866
        let tied = try #require(Statistics.spearman([1, 2, 3], [2, 1, 1]))
        #expect(abs(tied + 1.5 / 3.0.squareRoot()) < 1e-12)
    }

    @Test("Spearman rho is exactly -1 or +1 for a monotone relation, whatever its shape")
    func spearmanMonotone() throws {
        let down = try #require(Statistics.spearman([1e-3, 3e-3, 6e-3], [1.7, 1.6, 1.2]))
        #expect(Statistics.isExactly(down, -1))
        let up = try #require(Statistics.spearman([1, 2, 3, 4], [0.1, 5, 5.1, 100]))
        #expect(Statistics.isExactly(up, 1))
    }

    @Test("Spearman rho is undefined with fewer than 3 distinct x, a constant y, or unequal counts")
    func spearmanUndefined() {
        #expect(Statistics.spearman([1, 2], [3, 4]) == nil)
        #expect(Statistics.spearman([1, 1, 2, 2], [1, 2, 3, 4]) == nil)
        #expect(Statistics.spearman([1, 2, 3], [5, 5, 5]) == nil)
        #expect(Statistics.spearman([1, 2, 3], [1, 2]) == nil)
    }

    @Test("linear interpolation reads between the two points around x, exactly at a point, and nil outside")
    func interpolation() throws {
        let xs: [Double] = [0, 10, 20]
        let ys: [Double] = [1, 3, 2]
        let mid = try #require(Statistics.interpolate(xs: xs, ys: ys, at: 17))
        #expect(abs(mid.value - 2.3) < 1e-12)
        #expect(mid.lower == 10 && mid.upper == 20 && !mid.isExact)
        let exact = try #require(Statistics.interpolate(xs: xs, ys: ys, at: 10))
        #expect(exact.value == 3 && exact.isExact)
        #expect(Statistics.interpolate(xs: xs, ys: ys, at: 20)?.value == 2)
        #expect(Statistics.interpolate(xs: xs, ys: ys, at: 21) == nil)
        #expect(Statistics.interpolate(xs: xs, ys: ys, at: -1) == nil)
        #expect(Statistics.interpolate(xs: [], ys: [], at: 0) == nil)
    }

    @Test("a trial is sampled at 0.17T, 0.34T and T between its evaluations, and the note names the steps")
    func samplingAtFractionsOfT() throws {
        var fixture = SweepFixture()
        fixture.maxSteps = 100
        fixture.evalEvery = 10
        fixture.add([:], seeds: [1], curve: Curve(up: [(0, 2), (1, 3)], down: [(0, 4), (0.5, 2), (1, 2)]))
        let trial = fixture.data.trials[0]
        #expect(abs(try #require(trial.value(.upstream, at: .fraction(0.17))) - 2.17) < 1e-12)
        #expect(abs(try #require(trial.value(.downstream, at: .fraction(0.34))) - 2.64) < 1e-12)
        #expect(trial.value(.downstream, at: .end) == 2)
        #expect(trial.value(.upstream, at: .start) == 2)
        #expect(trial.describe(.fraction(0.17)) == "0.17T = step 17 of 100: interpolated between evaluations at steps 10 and 20")
        #expect(trial.describe(.fraction(0.5)) == "0.5T = step 50 of 100: evaluation at step 50")
        #expect(abs(try #require(trial.peakRise(.upstream)) - 1) < 1e-12)
        #expect(abs(try #require(trial.peak(.upstream, through: .fraction(0.17))) - 2.1) < 1e-12)
        #expect(abs(try #require(trial.netChange(.downstream)) + 2) < 1e-12)
    }
}
