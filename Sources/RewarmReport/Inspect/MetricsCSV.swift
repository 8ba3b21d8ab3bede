import Foundation
import RewarmEngine
import RewarmStore

/// Per-evaluation metrics of a sweep as CSV (RFC 4180), one row per trial and step, for pandas
/// or R: trial identity, its grid values (a `config.KEY` column per key that varies), then the metrics.
public enum MetricsCSV {
    /// The metric columns, as `MetricsRecord.Field` declares them.
    public static let metricColumns = MetricsRecord.Field.allCases.map(\.rawValue)

    public static func make(store: ResultsStore, sweep: String) throws(StoreError) -> String {
        guard try store.sweep(named: sweep) != nil else { throw StoreError.unknownSweep(path: store.path, name: sweep) }
        let trials = try store.trials(sweep: sweep)
        let diffs = trials.map { t in
            (try? JSONSerialization.jsonObject(with: Data(t.diffJSON.utf8)) as? [String: Any]) ?? [:]
        }
        let keys = Array(Set(diffs.flatMap(\.keys))).sorted { a, b in
            (RunConfig.keys.firstIndex { $0.name == a } ?? .max, a)
                < (RunConfig.keys.firstIndex { $0.name == b } ?? .max, b)
        }
        var lines = [(["trial_id", "name", "seed", "state"] + keys.map { "config.\($0)" } + metricColumns)
            .joined(separator: ",")]
        for (t, diff) in zip(trials, diffs) {
            let prefix = [t.id, t.name ?? "", "\(t.seed)", t.state.rawValue]
                + keys.map { diff[$0].map { "\($0)" } ?? "" }
            for m in try store.metrics(trialID: t.id) {
                let metricFields = MetricsRecord.Field.allCases.map { f -> String in
                    guard let v = f.value(in: m) else { return "" }
                    return f == .step || f == .tokens ? String(Int(v)) : "\(v)"
                }
                lines.append((prefix.map(field) + metricFields).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
