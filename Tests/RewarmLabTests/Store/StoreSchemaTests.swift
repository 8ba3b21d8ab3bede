import Foundation
import GRDB
import Testing
@testable import RewarmLab

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

    @Test("The state column refuses a state outside the five")
    func stateCheckConstraint() throws {
        // Given a database migrated to the Rewarm schema, with one sweep
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let queue = try DatabaseQueue(path: folder.file("raw.sqlite").path)
        try StoreSchema.migrator.migrate(queue)
        try queue.write { db in try db.execute(sql: "INSERT INTO sweep VALUES ('s', '', '', '', 0, 0)") }
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
