import Foundation
import GRDB
import Testing
@testable import RewarmStore

@Suite("Results store: opening, refusing and locking files")
struct StoreOpeningTests {
    /// Bytes of the file and the names beside it: what "unchanged" means. A read-only look at a
    /// WAL-mode file may leave SQLite's companions `-wal` and `-shm` (as any SQLite reader does);
    /// they are left out of the listing, and a `-wal` must be empty (no page was written).
    private func snapshot(_ file: URL, in folder: TemporaryFolder) throws -> (Data, [String]) {
        let wal = URL(fileURLWithPath: file.path + "-wal")
        if let size = try? FileManager.default.attributesOfItem(atPath: wal.path)[.size] as? Int {
            #expect(size == 0, "\(wal.path) holds \(size) bytes")
        }
        let names = try folder.listing(besides: file).filter { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }
        return (try Data(contentsOf: file), names)
    }

    @Test("A writer creates the folder and file; a reopened store keeps the data")
    func createAndReopen() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Given a store created where no folder exists, holding a sweep
        do { _ = try StoreFixtures.storeWithSweep(ResultsStore.open(at: folder.database)) }
        // When it is opened again, Then the sweep is there and the lock file sits beside the database
        let store = try ResultsStore.open(at: folder.database)
        #expect(try store.sweeps().map(\.name) == [StoreFixtures.sweepName])
        #expect(try folder.listing(besides: folder.database).contains("rewarm.sqlite.lock"))
    }

    @Test("A SQLite file of another application is refused by its application_id and left unchanged")
    func foreignApplicationID() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Given another program's database (application_id 0x12345678, a table of pets)
        let file = folder.file("rewarm.sqlite")
        do {
            let queue = try DatabaseQueue(path: file.path)
            try queue.write { db in
                try db.execute(sql: "PRAGMA application_id = 305419896")
                try db.execute(sql: "CREATE TABLE pet (name TEXT); INSERT INTO pet VALUES ('Rex')")
            }
            try queue.close()
        }
        let before = try snapshot(file, in: folder)
        // When Rewarm opens it as a writer, Then it is refused by name and nothing changed
        let error = #expect(throws: StoreError.self) { try ResultsStore.open(at: file) }
        #expect(error == .notRewarm(path: file.path, reason: "application_id 0x12345678"))
        #expect(error?.description == "\(file.path): not a Rewarm database (application_id 0x12345678)")
        let after = try snapshot(file, in: folder)
        #expect(before.0 == after.0 && before.1 == after.1)
    }

    @Test("A SQLite file with tables but application_id 0 is refused and left unchanged")
    func foreignZeroApplicationID() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Given a plain SQLite file with a random table
        let file = folder.file("rewarm.sqlite")
        do {
            let queue = try DatabaseQueue(path: file.path)
            try queue.write { db in try db.execute(sql: "CREATE TABLE measurements (x REAL)") }
            try queue.close()
        }
        let before = try snapshot(file, in: folder)
        // When opened as a writer and as a reader, Then both refuse it and nothing changed
        #expect(throws: StoreError.notRewarm(path: file.path, reason: "application_id 0, tables: measurements")) {
            try ResultsStore.open(at: file)
        }
        #expect(throws: StoreError.notRewarm(path: file.path, reason: "application_id 0, tables: measurements")) {
            try ResultsStore.open(at: file, writer: false)
        }
        let after = try snapshot(file, in: folder)
        #expect(before.0 == after.0 && before.1 == after.1)
    }

    @Test("A file that is not SQLite at all is refused and left unchanged")
    func notSQLite() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.file("rewarm.sqlite")
        try Data(String(repeating: "name: max-lr\nseeds: [1, 2, 3]\n", count: 10).utf8).write(to: file)
        let before = try snapshot(file, in: folder)
        #expect(throws: StoreError.notRewarm(path: file.path, reason: "not an SQLite file")) {
            try ResultsStore.open(at: file)
        }
        let after = try snapshot(file, in: folder)
        #expect(before.0 == after.0 && before.1 == after.1)
    }

    @Test("A database that records a migration unknown to this build is refused and left unchanged")
    func newerSchema() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Given a Rewarm database on which a newer Rewarm applied 'v3-future'
        let file = folder.database
        do { _ = try ResultsStore.open(at: file) }
        do {
            let queue = try DatabaseQueue(path: file.path)
            try queue.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v3-future')")
            }
            try queue.close()
        }
        let before = try snapshot(file, in: folder)
        // When this build opens it, as writer or reader, Then it says to upgrade, and nothing changed
        let error = #expect(throws: StoreError.self) { try ResultsStore.open(at: file) }
        #expect(error == .newerSchema(path: file.path, migration: "v3-future"))
        #expect(error?.description.hasSuffix("written by a newer Rewarm (unknown migration 'v3-future'); upgrade rewarm") == true)
        #expect(throws: StoreError.newerSchema(path: file.path, migration: "v3-future")) {
            try ResultsStore.open(at: file, writer: false)
        }
        let after = try snapshot(file, in: folder)
        #expect(before.0 == after.0 && before.1 == after.1)
    }

    @Test("A second writer is refused with the holder's pid; the lock is free once the first store is gone")
    func secondWriterIsLocked() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Given a writer holding the database
        var first: ResultsStore? = try ResultsStore.open(at: folder.database)
        _ = try first?.sweeps()
        // When a second writer opens it, Then it is locked by this process
        let holder = "pid \(ProcessInfo.processInfo.processIdentifier) on \(StoreLock.hostName())"
        let error = #expect(throws: StoreError.self) { try ResultsStore.open(at: folder.database) }
        #expect(error == .locked(path: folder.database.path, holder: holder))
        #expect(error?.description.contains("locked by another running sweep (\(holder))") == true)
        // When the first writer is released, Then a new writer opens
        first = nil
        #expect(throws: Never.self) { _ = try ResultsStore.open(at: folder.database) }
    }

    @Test("A reader opens beside a running writer, sees its writes and cannot write")
    func readerBesideWriter() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Given a writer that recorded a sweep and still holds the lock
        let writer = try StoreFixtures.storeWithSweep(ResultsStore.open(at: folder.database))
        // When a reader opens the same file
        let reader = try ResultsStore.open(at: folder.database, writer: false)
        // Then it reads the sweep, and its writes are refused
        #expect(try reader.sweeps().map(\.name) == [StoreFixtures.sweepName])
        try writer.upsertSweep(name: "second", specText: "", specHash: "", trialSetHash: "")
        #expect(try reader.sweeps().count == 2)
        #expect(throws: StoreError.readOnly(path: folder.database.path)) {
            try reader.upsertSweep(name: "x", specText: "", specHash: "", trialSetHash: "")
        }
    }

    @Test("A reader refuses a missing database and does not create it")
    func readerMissingFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(throws: StoreError.notFound(path: folder.database.path)) {
            try ResultsStore.open(at: folder.database, writer: false)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.database.deletingLastPathComponent().path))
    }

    @Test("A reader opens a closed database whose WAL files are gone")
    func readerAfterWriterClosed() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        do { _ = try StoreFixtures.storeWithSweep(ResultsStore.open(at: folder.database)) }
        let reader = try ResultsStore.open(at: folder.database, writer: false)
        #expect(try reader.sweep(named: StoreFixtures.sweepName)?.specHash == "a1")
    }
}
