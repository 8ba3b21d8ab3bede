import ArgumentParser
import Foundation
import RewarmReport
import RewarmStore
import RewarmSweep

/// `rewarm list`: the sweeps in a results folder's database.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the sweeps in the database.")

    @OptionGroup var results: ResultsOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        var rows: [[String: Any]] = []
        do {
            let store = try ResultsStore.open(at: results.database, writer: false)
            for s in try store.sweeps() {
                let counts = try store.counts(sweep: s.name)
                rows.append([
                    "name": s.name, "trials": counts.values.reduce(0, +),
                    "completed": counts[.completed] ?? 0, "failed": counts[.failed] ?? 0,
                    "diverged": counts[.diverged] ?? 0, "updated_at": ISO8601DateFormatter().string(from: s.updatedAt),
                ])
            }
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        if rows.isEmpty { print("no sweeps in \(results.database.path)") }
        for r in rows {
            print("\(r["name"]!)  \(r["completed"]!)/\(r["trials"]!) completed, \(r["failed"]!) failed, "
                + "\(r["diverged"]!) diverged  (updated \(r["updated_at"]!))")
        }
    }
}
