import ArgumentParser
import Foundation
import RewarmReport
import RewarmStore
import RewarmSweep

/// `rewarm bench-ingest`: how many metric rows per second the results database's single writer
/// ingests from run folders (`IngestionBenchmark`), as one JSON line.
struct BenchIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-ingest",
        abstract: "Measure how fast the SQLite writer ingests run folders (synthetic results folder); prints JSON.")

    @Option(help: "Synthetic trial folders.") var trials = 10_000
    @Option(help: "Evaluations (metrics.jsonl lines) per trial.") var evaluations = 21
    @Option(help: """
        Folder to work in, kept afterwards; it must not hold a results folder yet \
        (default: a temporary folder, removed at the end).
        """)
    var folder: String?

    func validate() throws {
        guard trials > 0, evaluations > 0 else {
            throw ValidationError("--trials and --evaluations must be positive, got \(trials) and \(evaluations)")
        }
        if let folder {
            let results = URL(fileURLWithPath: folder).appendingPathComponent("results")
            guard !FileManager.default.fileExists(atPath: results.path) else {
                throw ValidationError(
                    "\(results.path) already exists; bench-ingest writes a synthetic results folder there")
            }
        }
    }

    func run() throws {
        let work = folder.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("rewarm-bench-ingest-\(UUID().uuidString)")
        defer { if folder == nil { try? FileManager.default.removeItem(at: work) } }
        FileHandle.standardError.write(Data(
            ("bench-ingest: \(trials) trial folders x \(evaluations) evaluations in \(work.path) "
                + "(ingested twice)\n").utf8))
        let r: IngestionBenchmark.Result
        do {
            r = try IngestionBenchmark(trials: trials, evaluations: evaluations).run(in: work)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        let object: [String: Any] = [
            "trials": r.trials, "rows": r.rows, "stored_rows": r.storedRows,
            "generate_s": round2(r.generateSeconds), "first_s": round2(r.firstSeconds),
            "again_s": round2(r.againSeconds),
            "first_rows_per_s": Int(r.firstRowsPerSecond), "first_trials_per_s": Int(r.firstTrialsPerSecond),
            "again_rows_per_s": Int(r.againRowsPerSecond),
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    private func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}
