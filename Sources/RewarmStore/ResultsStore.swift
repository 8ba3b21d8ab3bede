import Foundation
import GRDB

/// The results database of a results folder (`RESULTS/rewarm.sqlite`): the one owner of the
/// SQLite connection. Its writer is private; every write is an idempotent operation of this
/// type, and every multi-row write runs in one transaction.
///
/// One process writes (the sweep, holding `rewarm.sqlite.lock`); any number of readers
/// (`rewarm status`, reports) open it with `writer: false`. The database runs in WAL mode, so
/// readers never block the writer. The schema and its documentation live in `StoreSchema`.
public final class ResultsStore: Sendable {
    /// The database as named in messages (the path as given, or `:memory:`).
    public let path: String
    private let reader: any DatabaseReader
    private let writer: (any DatabaseWriter)?
    /// Held for the store's lifetime when opened as the writer of a file.
    private let lock: StoreLock?

    private init(path: String, reader: any DatabaseReader, writer: (any DatabaseWriter)?, lock: StoreLock?) {
        self.path = path
        self.reader = reader
        self.writer = writer
        self.lock = lock
    }

    /// The file name inside a results folder.
    public static let fileName = "rewarm.sqlite"

    /// Opens (and, as a writer, creates and migrates) the database at `url`.
    ///
    /// Before anything is written, an existing file is inspected read-only and refused with
    /// `notRewarm` (another application's file) or `newerSchema` (a newer Rewarm's). A writer
    /// then creates the folder, takes the lock `<file>.lock` (`locked` if another sweep holds
    /// it) and applies the pending migrations. A reader takes no lock, opens the file
    /// read-only, and refuses a missing file (`notFound`) or one not yet migrated (`olderSchema`).
    public static func open(at url: URL, writer: Bool = true) throws(StoreError) -> ResultsStore {
        let file = url.path
        let shown = url.relativePath
        let exists = FileManager.default.fileExists(atPath: file)
        let finding: StoreInspection.Finding = exists
            ? try StoreInspection.inspect(file: file, shownAs: shown) : .empty
        guard writer else { return try openReader(file: file, shownAs: shown, exists: exists, finding: finding) }

        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .io(path: shown, reason: "cannot create folder: \(error.localizedDescription)")
        }
        let lock = try StoreLock.acquire(path: file + ".lock", shownAs: shown)
        var configuration = Configuration()
        configuration.label = "Rewarm.results"
        configuration.busyMode = .timeout(10)
        do {
            let pool = try DatabasePool(path: file, configuration: configuration)
            let store = ResultsStore(path: shown, reader: pool, writer: pool, lock: lock)
            try store.migrate()
            return store
        } catch let error as StoreError {
            throw error
        } catch {
            throw storeError(error, path: shown)
        }
    }

    private static func openReader(file: String, shownAs shown: String, exists: Bool,
                                   finding: StoreInspection.Finding) throws(StoreError) -> ResultsStore {
        guard exists else { throw .notFound(path: shown) }
        let applied: Set<String>
        switch finding {
        case .empty: throw .notRewarm(path: shown, reason: "empty database, no Rewarm tables")
        case let .rewarm(ids): applied = ids
        }
        if let missing = StoreSchema.migrationNames.first(where: { !applied.contains($0) }) {
            throw .olderSchema(path: shown, migration: missing)
        }
        var configuration = Configuration()
        configuration.label = "Rewarm.results.reader"
        configuration.readonly = true
        do {
            let pool = try DatabasePool(path: file, configuration: configuration)
            return ResultsStore(path: shown, reader: pool, writer: nil, lock: nil)
        } catch {
            throw storeError(error, path: shown)
        }
    }

    /// A fresh, migrated database in memory, for tests (no file, no lock).
    public static func inMemory() throws(StoreError) -> ResultsStore {
        do {
            let queue = try DatabaseQueue(configuration: Configuration())
            let store = ResultsStore(path: ":memory:", reader: queue, writer: queue, lock: nil)
            try store.migrate()
            return store
        } catch let error as StoreError {
            throw error
        } catch {
            throw storeError(error, path: ":memory:")
        }
    }

    /// Applies pending migrations, re-checking under the lock that no newer Rewarm got there first.
    private func migrate() throws(StoreError) {
        guard let writer else { throw .readOnly(path: path) }
        do {
            _ = try writer.read { db in try StoreInspection.judge(db, path: path) }
            try StoreSchema.migrator.migrate(writer)
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    // MARK: Access for the operations (ResultsStore+*.swift)

    /// Runs `body` in a read transaction, mapping failures to `StoreError`.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try reader.read(body) } catch { throw Self.storeError(error, path: path) }
    }

    /// Runs `body` in a write transaction (all or nothing), mapping failures to `StoreError`.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        guard let writer else { throw .readOnly(path: path) }
        do { return try writer.write(body) } catch { throw Self.storeError(error, path: path) }
    }

    /// `StoreError`s pass through; SQLite errors become one-line `database` errors.
    static func storeError(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            let message = error.message ?? "\(error.resultCode)"
            return .database(path: path, reason: "\(message) (code \(error.extendedResultCode.rawValue))")
        }
        return .database(path: path, reason: "\(error)")
    }

    // MARK: Health

    /// The lines of `PRAGMA integrity_check`: `["ok"]` for a sound database.
    public func integrityCheck() throws(StoreError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// The migrations applied to the database, in the order this build registers them.
    public func appliedMigrations() throws(StoreError) -> [String] {
        try read { db in try StoreSchema.migrator.appliedMigrations(db) }
    }

    /// Names of the tables and views (SQLite's and GRDB's internal tables excluded), sorted.
    public func schemaNames() throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type IN ('table', 'view')
                AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name
                """)
        }
    }
}
