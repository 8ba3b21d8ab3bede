import Foundation
import GRDB

/// Sweeps and bases: recorded once, refreshed idempotently.
extension ResultsStore {
    // MARK: Sweeps

    /// Records a sweep, or refreshes its spec, hashes, description and axes (keeping `created_at`).
    /// The caller compares `trialSetHash` with `sweep(named:)` first to refuse changed trials.
    public func upsertSweep(name: String, specText: String, specHash: String, trialSetHash: String,
                            description: String? = nil, axes: [SweepAxis] = [],
                            at now: Date = Date()) throws(StoreError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let axesJSON = (try? encoder.encode(axes)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        try write { db in
            try db.execute(sql: """
                INSERT INTO sweep (name, spec_text, spec_hash, trial_set_hash, created_at, updated_at,
                                   description, axes_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET spec_text = excluded.spec_text,
                  spec_hash = excluded.spec_hash, trial_set_hash = excluded.trial_set_hash,
                  updated_at = excluded.updated_at, description = excluded.description,
                  axes_json = excluded.axes_json
                """, arguments: [name, specText, specHash, trialSetHash, now, now, description, axesJSON])
        }
    }

    /// The sweep named `name`, or nil.
    public func sweep(named name: String) throws(StoreError) -> SweepRecord? {
        try read { db in try SweepRecord.fetchOne(db, key: name) }
    }

    /// Every sweep, by name.
    public func sweeps() throws(StoreError) -> [SweepRecord] {
        try read { db in try SweepRecord.order(SweepRecord.Columns.name).fetchAll(db) }
    }

    // MARK: Bases

    /// Records a base as `pending` unless it is already recorded, and returns the stored row
    /// (so a completed base is reused, never reset).
    @discardableResult
    public func upsertBase(hash: String, configJSON: String, runDir: String,
                           at now: Date = Date()) throws(StoreError) -> BaseRecord {
        try write { db in
            let base = BaseRecord(hash: hash, configJSON: configJSON, runDir: runDir, state: .pending,
                                  error: nil, wallSeconds: nil, createdAt: now, finishedAt: nil)
            if let stored = try BaseRecord.fetchOne(db, key: hash) { return stored }
            try base.insert(db)
            return try BaseRecord.fetchOne(db, key: hash) ?? base // as stored (dates to the millisecond)
        }
    }

    /// The base with this hash, or nil.
    public func base(hash: String) throws(StoreError) -> BaseRecord? {
        try read { db in try BaseRecord.fetchOne(db, key: hash) }
    }

    /// Sets a base's state. `error`, `wallSeconds` and `finishedAt` are written as given
    /// (nil clears them: they describe how this state was reached).
    public func setBaseState(hash: String, state: RunState, error: String? = nil,
                             wallSeconds: Double? = nil, finishedAt: Date? = nil) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                UPDATE base SET state = ?, error = ?, wall_s = ?, finished_at = ? WHERE hash = ?
                """, arguments: [state, error, wallSeconds, finishedAt, hash])
            if db.changesCount == 0 { throw StoreError.unknownBase(path: path, hash: hash) }
        }
    }
}
