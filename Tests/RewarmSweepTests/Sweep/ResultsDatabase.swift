import Foundation
import GRDB

/// A read-only look at a results database with plain SQL (independent of `ResultsStore`, so the
/// tests check what a person would see in the `sqlite3` shell).
struct ResultsDatabase {
    private let queue: DatabaseQueue

    init(_ file: URL) throws {
        var configuration = Configuration()
        configuration.readonly = true
        queue = try DatabaseQueue(path: file.path, configuration: configuration)
    }

    /// The lines of `PRAGMA integrity_check` (`["ok"]` for a sound file).
    func integrityCheck() throws -> [String] {
        try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// Each trial's state, by trial id (all sweeps, or one).
    func trialStates(sweep: String? = nil) throws -> [String: String] {
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, state FROM trial WHERE ?1 IS NULL OR sweep = ?1",
                                        arguments: [sweep])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as String, $0["state"] as String) })
        }
    }

    /// A trial's error text and diverged step.
    func trialError(id: String) throws -> (error: String?, divergedStep: Int?) {
        try queue.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT error, diverged_step FROM trial WHERE id = ?", arguments: [id])
            return (row?["error"], row?["diverged_step"])
        }
    }

    /// The id of the trial whose effective config has `key` = `value` (a JSON literal), e.g.
    /// `("dataset", "\"synthetic:b\"")`; nil when none or several match.
    func trialID(sweep: String, where key: String, is jsonValue: String) throws -> String? {
        let ids = try queue.read { db in
            try String.fetchAll(db, sql: """
                SELECT id FROM trial WHERE sweep = ? AND json_extract(config_json, '$.' || ?) = json_extract(?, '$')
                """, arguments: [sweep, key, jsonValue])
        }
        return ids.count == 1 ? ids[0] : nil
    }

    /// The metric steps of every trial (all sweeps, or one), in step order, by trial id; a trial
    /// without metrics maps to [].
    func metricSteps(sweep: String? = nil) throws -> [String: [Int]] {
        try queue.read { db in
            var steps: [String: [Int]] = [:]
            for id in try String.fetchAll(db, sql: "SELECT id FROM trial WHERE ?1 IS NULL OR sweep = ?1", arguments: [sweep]) {
                steps[id] = try Int.fetchAll(db, sql: "SELECT step FROM metric WHERE trial_id = ? ORDER BY step", arguments: [id])
            }
            return steps
        }
    }

    /// The metric steps of each base, by hash.
    func baseMetricSteps() throws -> [String: [Int]] {
        try queue.read { db in
            var steps: [String: [Int]] = [:]
            for hash in try String.fetchAll(db, sql: "SELECT hash FROM base") {
                steps[hash] = try Int.fetchAll(db, sql: "SELECT step FROM base_metric WHERE base_hash = ? ORDER BY step", arguments: [hash])
            }
            return steps
        }
    }

    /// Rows of `SELECT COUNT(*) FROM table` (a table or view name of the schema).
    func count(_ table: String) throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    /// Metric rows that share a (trial, step) with another row: must be 0.
    func duplicatedMetricRows() throws -> Int {
        try queue.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM metric GROUP BY trial_id, step)
                """) ?? 0
        }
    }

    /// Metric rows without bits per byte for either corpus: 0 once every evaluation records them.
    func metricsWithoutBitsPerByte() throws -> Int {
        try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM metric WHERE upstream_bpb IS NULL OR downstream_bpb IS NULL") ?? 0
        }
    }
}
