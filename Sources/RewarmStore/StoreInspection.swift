import Foundation
import GRDB

/// Looks at an existing database file through a read-only connection, before anything may write
/// to it, and says whether Rewarm may use it. Nothing in the file is modified.
enum StoreInspection {
    /// What an acceptable file holds.
    enum Finding: Equatable {
        /// No tables and application_id 0: an empty SQLite file (or a zero-byte one).
        case empty
        /// A Rewarm database with these migrations applied (all known to this build).
        case rewarm(applied: Set<String>)
    }

    /// Opens `file` read-only and judges it; throws `notRewarm` or `newerSchema` otherwise.
    static func inspect(file: String, shownAs path: String) throws(StoreError) -> Finding {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "Rewarm.inspection"
        do {
            let queue = try DatabaseQueue(path: file, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in try judge(db, path: path) }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw .notRewarm(path: path, reason: "not an SQLite file")
        } catch {
            throw ResultsStore.storeError(error, path: path)
        }
    }

    /// The rules, in order: a foreign application_id, or tables without Rewarm's migrations
    /// table, mean another application's file; a migration this build does not know means a
    /// newer Rewarm wrote it.
    static func judge(_ db: Database, path: String) throws -> Finding {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let names = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master
            WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name
            """)
        if applicationID != 0 && applicationID != StoreSchema.applicationID {
            throw StoreError.notRewarm(path: path, reason: "application_id \(hex(applicationID))")
        }
        if names.isEmpty { return .empty }
        guard applicationID == StoreSchema.applicationID else {
            throw StoreError.notRewarm(path: path, reason: "application_id 0, tables: \(list(names))")
        }
        guard names.contains("grdb_migrations") else {
            throw StoreError.notRewarm(path: path, reason: "no migrations table; tables: \(list(names))")
        }
        let applied = try StoreSchema.migrator.appliedIdentifiers(db)
        let known = Set(StoreSchema.migrationNames)
        if let unknown = applied.subtracting(known).sorted().first {
            throw StoreError.newerSchema(path: path, migration: unknown)
        }
        return .rewarm(applied: applied)
    }

    /// `0x52455741`: an application_id as SQLite tools show it in hex.
    static func hex(_ id: Int32) -> String {
        "0x" + String(UInt32(bitPattern: id), radix: 16, uppercase: true)
            .leftPadded(to: 8)
    }

    private static func list(_ names: [String]) -> String {
        names.count <= 5 ? names.joined(separator: ", ")
            : names.prefix(5).joined(separator: ", ") + ", ... (\(names.count) in all)"
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
