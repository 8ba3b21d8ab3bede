import Foundation
import RewarmEngine
import RewarmStore

/// The two validation losses a finding reads.
public enum LossMetric: String, Sendable, CaseIterable {
    /// Lup: validation loss on the upstream corpus D0 (a rise is forgetting).
    case upstream = "Lup"
    /// Ldown: validation loss on the run's own dataset D1 (a fall is learning).
    case downstream = "Ldown"

    func value(of record: MetricsRecord) -> Double? {
        switch self {
        case .upstream: record.upstreamLoss
        case .downstream: record.downstreamLoss
        }
    }
}

/// A point of a continual run, as findings.md names it: step 0, a fraction of T, or T, where
/// T = the run's `max_steps`.
public enum TimePoint: Sendable, Equatable, Hashable {
    case start
    case fraction(Double)
    case end

    /// "0", "0.17T", "T".
    public var label: String {
        switch self {
        case .start: "0"
        case .end: "T"
        case .fraction(let f): "\(Self.compact(f))T"
        }
    }

    /// The step of this point in a run of `maxSteps` steps (not rounded: 0.17 x 1000 = 170.0).
    public func step(maxSteps: Int) -> Double {
        switch self {
        case .start: 0
        case .end: Double(maxSteps)
        case .fraction(let f): f * Double(maxSteps)
        }
    }

    static func compact(_ x: Double) -> String {
        x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
    }
}

extension TrialSeries {
    /// The evaluations of `metric` as (steps, values), in step order, records without it left out.
    func points(_ metric: LossMetric) -> (steps: [Double], values: [Double]) {
        var steps: [Double] = []
        var values: [Double] = []
        for record in metrics {
            guard let v = metric.value(of: record), v.isFinite else { continue }
            steps.append(Double(record.step))
            values.append(v)
        }
        return (steps, values)
    }

    /// `metric` at `point`, linearly interpolated between the evaluations around it; nil when
    /// the point lies outside the evaluated steps or the run has no such metric.
    public func sample(_ metric: LossMetric, at point: TimePoint) -> Interpolation? {
        sample(metric, atStep: point.step(maxSteps: maxSteps))
    }

    /// `metric` at `step`, linearly interpolated between the evaluations around it.
    public func sample(_ metric: LossMetric, atStep step: Double) -> Interpolation? {
        let p = points(metric)
        return Statistics.interpolate(xs: p.steps, ys: p.values, at: step)
    }

    public func value(_ metric: LossMetric, at point: TimePoint) -> Double? { sample(metric, at: point)?.value }

    /// The largest evaluation of `metric` at steps 0 < step <= `point` (the whole run for `.end`).
    /// Step 0 is left out (rules v2), so "the peak rises above the start" can be refuted.
    public func peak(_ metric: LossMetric, through point: TimePoint = .end) -> Double? {
        let p = points(metric)
        let limit = point.step(maxSteps: maxSteps)
        return Statistics.peak(zip(p.steps, p.values).filter { $0.0 > 0 && $0.0 <= limit }.map(\.1))
    }

    /// Peak rise: max(metric over 0 < step <= point) - metric(0), the height of the spike; negative
    /// when every later evaluation is below the start.
    public func peakRise(_ metric: LossMetric, through point: TimePoint = .end) -> Double? {
        guard let peak = peak(metric, through: point), let start = value(metric, at: .start) else { return nil }
        return peak - start
    }

    /// metric(T) - metric(0): the net change over the run.
    public func netChange(_ metric: LossMetric) -> Double? {
        guard let end = value(metric, at: .end), let start = value(metric, at: .start) else { return nil }
        return end - start
    }

    /// Which evaluations `point` was read from, for a note: "0.17T = step 170 of 1000: between
    /// evaluations at steps 150 and 200" or "... evaluation at step 200".
    public func describe(_ point: TimePoint, metric: LossMetric = .downstream) -> String {
        let step = point.step(maxSteps: maxSteps)
        // Two decimals at most: 0.34 x 40 is 13.6, not 13.600000000000001.
        let head = "\(point.label) = step \(TimePoint.compact((step * 100).rounded() / 100)) of \(maxSteps)"
        guard let s = sample(metric, at: point) else { return head + ": no evaluation around it" }
        if s.isExact { return head + ": evaluation at step \(TimePoint.compact(s.lower))" }
        return head + ": interpolated between evaluations at steps \(TimePoint.compact(s.lower)) "
            + "and \(TimePoint.compact(s.upper))"
    }
}
