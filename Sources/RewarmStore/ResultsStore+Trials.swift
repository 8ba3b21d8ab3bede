import Foundation
import GRDB

/// Trials: registered once per expansion, then moved through their states by the sweep.
extension ResultsStore {
    /// Inserts the trials not yet recorded, in one transaction, and returns how many were new.
    /// A trial already recorded (same id) is left exactly as it is: a completed trial is never
    /// reset, a running one keeps its start time. Every trial's sweep must be recorded.
    ///
    /// (Not `INSERT OR IGNORE`: that would also skip rows violating a CHECK or NOT NULL.)
    @discardableResult
    public func registerTrials(_ trials: [TrialRecord]) throws(StoreError) -> Int {
        try write { db in
            var inserted = 0
            for sweep in Set(trials.map(\.sweep)) where try !SweepRecord.exists(db, key: sweep) {
                throw StoreError.unknownSweep(path: path, name: sweep)
            }
            for trial in trials where try !TrialRecord.exists(db, key: trial.id) {
                try trial.insert(db)
                inserted += 1
            }
            return inserted
        }
    }

    /// Moves a trial to `state`.
    ///
    /// The start facts, `startedAt` and `host`, are kept when nil (pass them when launching).
    /// The outcome facts, `error`, `divergedStep`, `finishedAt` and `wallSeconds`, are written
    /// as given, so relaunching a trial (`running`) clears the previous attempt's outcome.
    public func setTrialState(id: String, state: RunState, error: String? = nil, divergedStep: Int? = nil,
                              startedAt: Date? = nil, finishedAt: Date? = nil, wallSeconds: Double? = nil,
                              host: String? = nil) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                UPDATE trial SET state = ?, error = ?, diverged_step = ?,
                  started_at = COALESCE(?, started_at), finished_at = ?, wall_s = ?,
                  host = COALESCE(?, host)
                WHERE id = ?
                """, arguments: [state, error, divergedStep, startedAt, finishedAt, wallSeconds, host, id])
            if db.changesCount == 0 { throw StoreError.unknownTrial(path: path, id: id) }
        }
    }

    /// The trial with this id, or nil.
    public func trial(id: String) throws(StoreError) -> TrialRecord? {
        try read { db in try TrialRecord.fetchOne(db, key: id) }
    }

    /// The sweep's trials in expansion order.
    public func trials(sweep: String) throws(StoreError) -> [TrialRecord] {
        try read { db in
            try TrialRecord
                .filter(TrialRecord.Columns.sweep == sweep)
                .order(TrialRecord.Columns.position, TrialRecord.Columns.id)
                .fetchAll(db)
        }
    }

    /// The sweep's trials in `state`, in expansion order.
    public func trials(sweep: String, state: RunState) throws(StoreError) -> [TrialRecord] {
        try read { db in
            try TrialRecord
                .filter(TrialRecord.Columns.sweep == sweep && TrialRecord.Columns.state == state)
                .order(TrialRecord.Columns.position, TrialRecord.Columns.id)
                .fetchAll(db)
        }
    }

    /// The sweep's trials with their last evaluation (the `trial_summary` view), in expansion order.
    public func summaries(sweep: String) throws(StoreError) -> [TrialSummary] {
        try read { db in
            try TrialSummary.fetchAll(db, sql: "SELECT * FROM trial_summary WHERE sweep = ? ORDER BY position, id",
                                      arguments: [sweep])
        }
    }

    /// How many of the sweep's trials are in each state (every state present, zero included).
    public func counts(sweep: String) throws(StoreError) -> [RunState: Int] {
        try read { db in
            var counts = Dictionary(uniqueKeysWithValues: RunState.allCases.map { ($0, 0) })
            let rows = try Row.fetchAll(db, sql: """
                SELECT state, COUNT(*) AS n FROM trial WHERE sweep = ? GROUP BY state
                """, arguments: [sweep])
            for row in rows {
                guard let state = RunState(rawValue: row["state"]) else { continue }
                counts[state] = row["n"]
            }
            return counts
        }
    }
}
