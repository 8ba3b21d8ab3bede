/// Why the results store refused or failed an operation. `description` is one line that names
/// the database (or metrics file) and what is wrong, ready for the CLI to print.
public enum StoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file exists but is not a Rewarm results database (another application's SQLite file,
    /// or not SQLite at all). `reason` says what was found, e.g. `application_id 0x12345678`.
    case notRewarm(path: String, reason: String)
    /// The database records a migration this build does not know: a newer Rewarm wrote it.
    case newerSchema(path: String, migration: String)
    /// A read-only opening found a migration not yet applied: an older Rewarm wrote it, and only
    /// a writer (a sweep) may upgrade it.
    case olderSchema(path: String, migration: String)
    /// Another process holds the writer lock (`<database>.lock`); `holder` is what it recorded
    /// there (`pid 4242 on host-a`), when readable.
    case locked(path: String, holder: String?)
    /// A read-only opening of a database that does not exist.
    case notFound(path: String)
    /// A write on a store opened with `writer: false`.
    case readOnly(path: String)
    /// Trials name a sweep that was never recorded (`upsertSweep` comes first).
    case unknownSweep(path: String, name: String)
    /// A write names a trial that was never registered.
    case unknownTrial(path: String, id: String)
    /// A write names a base that was never registered.
    case unknownBase(path: String, hash: String)
    /// A complete line of a `metrics.jsonl` file that is not a metrics record (1-based line).
    case invalidMetrics(path: String, line: Int, reason: String)
    /// A file-system failure (creating the folder, the lock file, reading a metrics file).
    case io(path: String, reason: String)
    /// An SQLite failure not covered above.
    case database(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notRewarm(path, reason):
            return "\(path): not a Rewarm database (\(reason))"
        case let .newerSchema(path, migration):
            return "\(path): written by a newer Rewarm (unknown migration '\(migration)'); upgrade rewarm"
        case let .olderSchema(path, migration):
            return "\(path): written by an older Rewarm (migration '\(migration)' not applied); "
                + "run `rewarm sweep` once to upgrade it"
        case let .locked(path, holder):
            let who = holder.map { " (\($0))" } ?? ""
            return "\(path): locked by another running sweep\(who); wait for it or stop it"
        case let .notFound(path):
            return "\(path): no such results database"
        case let .readOnly(path):
            return "\(path): opened read-only; cannot write"
        case let .unknownSweep(path, name):
            return "\(path): no sweep named '\(name)'"
        case let .unknownTrial(path, id):
            return "\(path): no trial with id '\(id)'"
        case let .unknownBase(path, hash):
            return "\(path): no base with hash '\(hash)'"
        case let .invalidMetrics(path, line, reason):
            return "\(path):\(line): invalid metrics line: \(reason)"
        case let .io(path, reason):
            return "\(path): \(reason)"
        case let .database(path, reason):
            return "\(path): SQLite error: \(reason)"
        }
    }
}
