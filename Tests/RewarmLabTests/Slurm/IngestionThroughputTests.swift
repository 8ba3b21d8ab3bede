import Foundation
import Testing
@testable import RewarmLab

/// How many metric rows per second the single SQLite writer ingests from run folders: the one
/// central piece of a sweep spread over a cluster. Behind REWARM_INGEST_BENCH=1 (it writes
/// 10,000 run folders); REWARM_INGEST_TRIALS and REWARM_INGEST_ROWS change the size. Prints one
/// JSON line (`ingest-throughput {...}`); the README's cluster section quotes it.
@Suite("Ingestion throughput (REWARM_INGEST_BENCH=1)", .enabled(if: ProcessInfo.processInfo.environment["REWARM_INGEST_BENCH"] == "1"))
struct IngestionThroughputTests {
    @Test("10,000 synthetic trial folders are ingested once, then again without a new row")
    func throughput() throws {
        let environment = ProcessInfo.processInfo.environment
        let trials = Int(environment["REWARM_INGEST_TRIALS"] ?? "") ?? 10_000
        let rows = Int(environment["REWARM_INGEST_ROWS"] ?? "") ?? 21
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let results = folder.url.appendingPathComponent("results")
        // Given a results folder of `trials` run folders, each with `rows` evaluations in metrics.jsonl
        let generation = Date()
        let store = try StoreFixtures.storeWithSweep(ResultsStore.open(at: folder.database, writer: true))
        var records: [TrialRecord] = []
        for t in 0..<trials {
            let id = String(format: "%016x", t)
            var record = StoreFixtures.trial(id, position: t, seed: t)
            record.runDir = "\(StoreFixtures.sweepName)/trials/\(id)"
            records.append(record)
            let dir = results.appendingPathComponent(record.runDir)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let lines = (0..<rows).map { r in
                let step = r * 100
                return #"{"downstream_loss":\#(4.0 - Double(r) * 0.01),"grad_norm":0.9,"learning_rate":0.003,"step":\#(step),"#
                    + #""tokens":\#(step * 512),"train_loss":\#(3.9 - Double(r) * 0.01),"upstream_loss":3.1,"wall_s":\#(Double(r) * 1.5)}"#
            }
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("metrics.jsonl"))
        }
        try store.registerTrials(records)
        let generated = Date().timeIntervalSince(generation)

        // When every folder is ingested the way a sweep does (one transaction per trial)
        let first = try Self.ingestAll(records, store: store, results: results)
        // And again (a resumed sweep, or rewarm status, scanning folders that have nothing new)
        let again = try Self.ingestAll(records, store: store, results: results)

        // Then every row is there once
        let total = trials * rows
        let stored = try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM metric")! }
        #expect(stored == total)
        let report = """
            {"trials":\(trials),"rows":\(total),"generate_s":\(Self.round(generated)),\
            "first_s":\(Self.round(first)),"first_rows_per_s":\(Int(Double(total) / first)),\
            "again_s":\(Self.round(again)),"again_rows_per_s":\(Int(Double(total) / again))}
            """
        print("ingest-throughput \(report)")
    }

    private static func ingestAll(_ records: [TrialRecord], store: ResultsStore, results: URL) throws -> Double {
        let start = Date()
        for record in records {
            try SweepRunner.reconcile(store: store, id: record.id, directory: results.appendingPathComponent(record.runDir))
        }
        return Date().timeIntervalSince(start)
    }

    private static func round(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}
