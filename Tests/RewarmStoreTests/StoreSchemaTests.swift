import Foundation
import GRDB
import RewarmEngine
import Testing
@testable import RewarmStore

@Suite("Results store: schema")
struct StoreSchemaTests {
    @Test("Migrations create the tables and views and record themselves")
    func migrationsCreateSchema() throws {
        // Given a new in-memory store
        let store = try ResultsStore.inMemory()
        // Then it has every table and view, and the migration is recorded
        #expect(try store.schemaNames()
                == ["base", "base_metric", "final_metric", "metric", "sweep", "trial", "trial_summary"])
        #expect(try store.appliedMigrations() == StoreSchema.migrationNames)
        #expect(StoreSchema.migrationNames.first == "v1-results-schema")
    }

    @Test("A new database file gets Rewarm's application_id, WAL mode and the column documentation")
    func newFileIsMarked() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Given a store created in a folder that does not exist yet
        do { _ = try ResultsStore.open(at: folder.database) }
        // Then the file says it is Rewarm's (0x52455741, "REWA"), runs in WAL mode, and keeps the SQL comments
        let queue = try DatabaseQueue(path: folder.database.path)
        try queue.read { db in
            #expect(try Int32.fetchOne(db, sql: "PRAGMA application_id") == 0x5245_5741)
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'metric'") ?? ""
            #expect(sql.contains("-- validation loss on the trial's own dataset"))
        }
    }

    /// A database file migrated up to `migration` holding one sweep `s`, trial `x` and metric row
    /// (step 10, rate 0.0025 in `rateColumn`, downstream loss 3.5).
    static func database(in folder: TemporaryFolder, upTo migration: String, rateColumn: String) throws -> URL {
        let file = folder.file(migration + ".sqlite")
        let queue = try DatabaseQueue(path: file.path)
        try StoreSchema.migrator.migrate(queue, upTo: migration)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO sweep (name, spec_text, spec_hash, trial_set_hash, created_at, updated_at)
                VALUES ('s', 'name: s', 'h', 't', 0, 0);
                INSERT INTO trial (id, sweep, seed, config_json, diff_json, run_dir, state, position)
                VALUES ('x', 's', 1, '{}', '{}', 'd', 'completed', 0);
                INSERT INTO metric (trial_id, step, tokens, \(rateColumn), downstream_loss, wall_s)
                VALUES ('x', 10, 640, 0.0025, 3.5, 1.0);
                """)
        }
        try queue.close()
        return file
    }

    @Test("A version-1 database migrates to step_lr with its metric rows kept, and its sweep has no axes")
    func migratesVersionOne() throws {
        // Given a file with the version-1 schema holding one sweep, trial and metric row
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try Self.database(in: folder, upTo: "v1-results-schema", rateColumn: "learning_rate")
        // When a writer opens it, Then the rate reads as step_lr and the sweep has no recorded axes
        let store = try ResultsStore.open(at: file, writer: true)
        #expect(try store.appliedMigrations() == StoreSchema.migrationNames)
        #expect(try store.metrics(trialID: "x").map(\.stepLR) == [0.0025])
        let sweep = try #require(try store.sweep(named: "s"))
        #expect(sweep.axes == nil && sweep.description == nil)
        // And a sweep recorded now keeps its axes and description
        let axes = [SweepAxis(name: "lr", key: "learning_rate", values: [0.001, 0.003])]
        try store.upsertSweep(name: "s", specText: "name: s", specHash: "h", trialSetHash: "t",
                              description: "two LRs", axes: axes)
        #expect(try store.sweep(named: "s")?.axes == axes)
        #expect(try store.sweep(named: "s")?.description == "two LRs")
    }

    @Test("A version-2 database migrates to v3 with its rows kept, null bits per byte, and tokenizers from new metrics")
    func migratesVersionTwo() throws {
        // Given a file with the version-2 schema holding one sweep, trial, base and metric row
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try Self.database(in: folder, upTo: "v2-step-lr-and-sweep-axes", rateColumn: "step_lr")
        // When a writer opens it, Then the row reads with null bpb and the trial has no tokenizer
        let store = try ResultsStore.open(at: file, writer: true)
        #expect(try store.appliedMigrations() == StoreSchema.migrationNames)
        #expect(StoreSchema.migrationNames.last == "v3-bits-per-byte-and-tokenizer")
        let old = try #require(try store.metrics(trialID: "x").first)
        #expect(old.downstreamLoss == 3.5 && old.downstreamBPB == nil && old.upstreamBPB == nil)
        #expect(try store.trial(id: "x")?.tokenizer == nil)
        // And a metrics file with bpb and a tokenizer fills the new columns
        let metrics = folder.file("metrics.jsonl")
        let record = MetricsRecord(step: 20, tokens: 1280, stepLR: 0.002, trainLoss: 3.0, upstreamLoss: 2.0,
                                   downstreamLoss: 3.0, upstreamBPB: 2.9, downstreamBPB: 4.3, gradNorm: 1,
                                   wallSeconds: 2, tokenizer: "bpe-0123456789abcdef")
        let encoder = JSONEncoder()
        try (encoder.encode(record) + Data("\n".utf8)).write(to: metrics)
        try store.ingestMetrics(trialID: "x", from: metrics)
        #expect(try store.metrics(trialID: "x").last?.downstreamBPB == 4.3)
        #expect(try store.trial(id: "x")?.tokenizer == "bpe-0123456789abcdef")
        #expect(try store.summaries(sweep: "s").first?.upstreamBPB == 2.9)
    }

    @Test("The state column refuses a state outside the five")
    func stateCheckConstraint() throws {
        // Given a database migrated to the Rewarm schema, with one sweep
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let queue = try DatabaseQueue(path: folder.file("raw.sqlite").path)
        try StoreSchema.migrator.migrate(queue)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO sweep (name, spec_text, spec_hash, trial_set_hash, created_at, updated_at)
                VALUES ('s', '', '', '', 0, 0)
                """)
        }
        // When a raw INSERT writes an unknown state, Then SQLite refuses it
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO trial (id, sweep, seed, config_json, diff_json, run_dir, state, position)
                    VALUES ('x', 's', 1, '{}', '{}', 'd', 'paused', 0)
                    """)
            }
        }
    }

    @Test("PRAGMA integrity_check is ok after writes to a file")
    func integrityAfterWrites() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Given a file store with a sweep, trials, states and metrics
        let store = try StoreFixtures.storeWithSweep(ResultsStore.open(at: folder.database))
        try store.registerTrials((0..<5).map { StoreFixtures.trial("t\($0)", position: $0) })
        let metrics = folder.file("metrics.jsonl")
        try StoreFixtures.writeMetrics(metrics, steps: [0, 10, 20])
        for i in 0..<5 {
            try store.setTrialState(id: "t\(i)", state: .running, startedAt: StoreFixtures.day, host: "h")
            try store.ingestMetrics(trialID: "t\(i)", from: metrics)
            try store.setTrialState(id: "t\(i)", state: .completed, wallSeconds: 3)
        }
        // Then SQLite finds nothing wrong
        #expect(try store.integrityCheck() == ["ok"])
    }
}
