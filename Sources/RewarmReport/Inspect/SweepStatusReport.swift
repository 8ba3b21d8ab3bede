import Foundation
import RewarmStore

/// What `rewarm status SWEEP` shows: trials by state, failures with reasons, time used and left.
public struct SweepStatusReport: Codable, Sendable {
    public struct Failure: Codable, Sendable {
        public var id: String
        public var label: String
        public var state: String
        public var error: String
        public var step: Int?
    }

    public var sweep: String
    public var trials: Int
    public var counts: [String: Int]
    public var failures: [Failure]
    /// Seconds of trial time spent so far (finished trials, and the latest evaluation of the others).
    public var secondsUsed: Double
    /// Trial-seconds still to run: mean time of a completed trial x trials not finished
    /// (divide by the number of parallel jobs); nil before any trial completed.
    public var secondsLeft: Double?

    enum CodingKeys: String, CodingKey {
        case sweep, trials, counts, failures
        case secondsUsed = "seconds_used"
        case secondsLeft = "seconds_left_one_job"
    }

    public static func make(store: ResultsStore, sweep: String) throws(StoreError) -> SweepStatusReport {
        guard try store.sweep(named: sweep) != nil else { throw StoreError.unknownSweep(path: store.path, name: sweep) }
        let records = try store.trials(sweep: sweep)
        let summaries = Dictionary(uniqueKeysWithValues: try store.summaries(sweep: sweep).map { ($0.id, $0) })
        let counts = try store.counts(sweep: sweep)
        let failures = records.filter { $0.state == .failed || $0.state == .diverged }.map {
            Failure(id: $0.id, label: $0.label, state: $0.state.rawValue, error: $0.error ?? "", step: $0.divergedStep)
        }
        let used = summaries.values.compactMap(\.wallSeconds).reduce(0, +)
        let completed = records.filter { $0.state == .completed }.compactMap { summaries[$0.id]?.wallSeconds }
        let open = records.filter { $0.state == .pending || $0.state == .running }.count
        let left = completed.isEmpty ? nil : completed.reduce(0, +) / Double(completed.count) * Double(open)
        return SweepStatusReport(
            sweep: sweep, trials: records.count,
            counts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }),
            failures: failures, secondsUsed: used, secondsLeft: left)
    }
}
