import Foundation
import GRDB
import RewarmEngine

/// Metrics: ingested idempotently from run folders' `metrics.jsonl`, one row per (run, step).
extension ResultsStore {
    /// Upserts every record of a trial's `metrics.jsonl` into `metric` in one transaction
    /// (`ON CONFLICT(trial_id, step) DO UPDATE`), and returns how many rows were written.
    /// Ingesting a file again never duplicates a row; a torn last line is skipped (see
    /// `MetricsFile`); a missing file writes nothing.
    @discardableResult
    public func ingestMetrics(trialID: String, from metricsFile: URL) throws(StoreError) -> Int {
        let records = try MetricsFile.records(in: metricsFile)
        return try write { db in
            guard try TrialRecord.exists(db, key: trialID) else {
                throw StoreError.unknownTrial(path: path, id: trialID)
            }
            try Self.recordTokenizer(of: records, table: "trial", key: "id", id: trialID, db)
            return try Self.upsert(records, into: "metric", owner: "trial_id", id: trialID, db)
        }
    }

    /// The same as `ingestMetrics`, for a base's `metrics.jsonl` into `base_metric`.
    @discardableResult
    public func ingestBaseMetrics(baseHash: String, from metricsFile: URL) throws(StoreError) -> Int {
        let records = try MetricsFile.records(in: metricsFile)
        return try write { db in
            guard try BaseRecord.exists(db, key: baseHash) else {
                throw StoreError.unknownBase(path: path, hash: baseHash)
            }
            try Self.recordTokenizer(of: records, table: "base", key: "hash", id: baseHash, db)
            return try Self.upsert(records, into: "base_metric", owner: "base_hash", id: baseHash, db)
        }
    }

    /// A trial's metric rows, by step.
    public func metrics(trialID: String) throws(StoreError) -> [MetricsRecord] {
        try read { db in try Self.fetch(from: "metric", owner: "trial_id", id: trialID, db) }
    }

    /// A base's metric rows, by step.
    public func baseMetrics(baseHash: String) throws(StoreError) -> [MetricsRecord] {
        try read { db in try Self.fetch(from: "base_metric", owner: "base_hash", id: baseHash, db) }
    }

    /// A trial's last evaluation (its row of the `final_metric` view), or nil before the first.
    public func finalMetric(trialID: String) throws(StoreError) -> MetricsRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM final_metric WHERE trial_id = ?", arguments: [trialID])
                .map(Self.record)
        }
    }

    // MARK: Shared by trials and bases (table and column names are constants of this file)

    /// The metric columns (`MetricsRecord.Field`, in order), as the tables name them.
    private static let fields = MetricsRecord.Field.allCases
    private static let metricColumns = fields.map(\.rawValue).joined(separator: ", ")

    private static func upsert(_ records: [MetricsRecord], into table: String, owner: String, id: String,
                               _ db: Database) throws -> Int {
        let placeholders = Array(repeating: "?", count: fields.count + 1).joined(separator: ", ")
        let updates = fields.filter { $0 != .step }.map { "\($0.rawValue) = excluded.\($0.rawValue)" }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO \(table) (\(owner), \(metricColumns)) VALUES (\(placeholders))
            ON CONFLICT(\(owner), step) DO UPDATE SET \(updates.joined(separator: ", "))
            """)
        for r in records {
            let values: [(any DatabaseValueConvertible)?] = [id]
                + fields.map { field -> (any DatabaseValueConvertible)? in
                    switch field {
                    case .step: r.step
                    case .tokens: r.tokens
                    default: field.value(in: r)
                    }
                }
            try statement.execute(arguments: StatementArguments(values))
        }
        return records.count
    }

    /// Sets the run's `tokenizer` column to the one its newest metrics line names (if any does).
    private static func recordTokenizer(of records: [MetricsRecord], table: String, key: String, id: String,
                                        _ db: Database) throws {
        guard let tokenizer = records.last(where: { $0.tokenizer != nil })?.tokenizer else { return }
        try db.execute(sql: "UPDATE \(table) SET tokenizer = ? WHERE \(key) = ?", arguments: [tokenizer, id])
    }

    /// Rows of the `metric` table: every trial's evaluations.
    public func metricRowCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM metric") ?? 0 }
    }

    private static func fetch(from table: String, owner: String, id: String,
                              _ db: Database) throws -> [MetricsRecord] {
        try Row.fetchAll(db, sql: "SELECT \(metricColumns) FROM \(table) WHERE \(owner) = ? ORDER BY step",
                         arguments: [id]).map(record)
    }

    private static func record(_ row: Row) -> MetricsRecord {
        MetricsRecord(step: row["step"], tokens: row["tokens"], stepLR: row["step_lr"],
                      trainLoss: row["train_loss"], upstreamLoss: row["upstream_loss"],
                      downstreamLoss: row["downstream_loss"], upstreamBPB: row["upstream_bpb"],
                      downstreamBPB: row["downstream_bpb"], gradNorm: row["grad_norm"], wallSeconds: row["wall_s"])
    }
}
