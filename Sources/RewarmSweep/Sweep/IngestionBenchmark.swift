import Foundation
import RewarmEngine
import RewarmStore

/// How fast the single SQLite writer ingests run folders: the one central piece of a sweep
/// spread over a cluster, since every trial's `metrics.jsonl` goes through it.
///
/// `run(in:)` writes a synthetic results folder of `trials` run folders with `evaluations`
/// metrics lines each (as the trainer writes them), then ingests every folder the way a sweep
/// does (`SweepRunner.reconcile`: one transaction per trial), twice. The second pass is a resumed
/// sweep, or `rewarm status`, scanning folders that have nothing new. `rewarm bench-ingest`
/// prints the result as JSON.
public struct IngestionBenchmark: Sendable {
    public var trials: Int
    public var evaluations: Int

    public init(trials: Int = 10_000, evaluations: Int = 21) {
        self.trials = trials
        self.evaluations = evaluations
    }

    public struct Result: Sendable, Equatable {
        public var trials: Int
        /// trials x evaluations: the metric rows a complete ingestion stores.
        public var rows: Int
        /// `metric` rows in the database after both passes (equals `rows` when each row is stored once).
        public var storedRows: Int
        /// Seconds to write the synthetic folders.
        public var generateSeconds: Double
        /// Seconds of the first pass (every row new), and of the second (nothing new).
        public var firstSeconds: Double
        public var againSeconds: Double

        public var firstRowsPerSecond: Double { Self.rate(rows, firstSeconds) }
        public var againRowsPerSecond: Double { Self.rate(rows, againSeconds) }
        /// Trial folders (transactions) per second in the first pass.
        public var firstTrialsPerSecond: Double { Self.rate(trials, firstSeconds) }

        private static func rate(_ count: Int, _ seconds: Double) -> Double {
            seconds > 0 ? Double(count) / seconds : 0
        }
    }

    /// Runs in `folder` (created if missing, left for the caller to remove): the database is
    /// `folder/results/rewarm.sqlite`, the run folders `folder/results/bench/trials/<id>`.
    public func run(in folder: URL) throws(StoreError) -> Result {
        let results = folder.appendingPathComponent("results")
        let store = try ResultsStore.open(at: results.appendingPathComponent(ResultsStore.fileName), writer: true)
        let generation = Date()
        try store.upsertSweep(name: Self.sweep, specText: "name: \(Self.sweep)\n", specHash: "bench",
                              trialSetHash: "bench")
        let records = (0..<trials).map(Self.trial)
        for record in records {
            try writeMetrics(in: results.appendingPathComponent(record.runDir))
        }
        _ = try store.registerTrials(records)
        let generateSeconds = Date().timeIntervalSince(generation)

        let firstSeconds = try Self.ingestAll(records, store: store, results: results)
        let againSeconds = try Self.ingestAll(records, store: store, results: results)
        let stored = try store.metricRowCount()
        return Result(trials: trials, rows: trials * evaluations, storedRows: stored, generateSeconds: generateSeconds,
                      firstSeconds: firstSeconds, againSeconds: againSeconds)
    }

    private static let sweep = "bench"

    private static func trial(_ position: Int) -> TrialRecord {
        let id = String(format: "%016x", position)
        return TrialRecord(id: id, sweep: sweep, seed: position, configJSON: #"{"seed":\#(position)}"#,
                           diffJSON: #"{"seed":\#(position)}"#, baseHash: nil, runDir: "\(sweep)/trials/\(id)",
                           position: position)
    }

    /// `metrics.jsonl` with one evaluation every 100 steps, encoded as the trainer encodes it.
    private func writeMetrics(in directory: URL) throws(StoreError) {
        let file = directory.appendingPathComponent("metrics.jsonl")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var text = Data()
            for r in 0..<evaluations {
                let step = r * 100
                let record = MetricsRecord(
                    step: step, tokens: step * 512, stepLR: 0.003, trainLoss: r == 0 ? nil : 3.9 - Double(r) * 0.01,
                    upstreamLoss: 3.1, downstreamLoss: 4.0 - Double(r) * 0.01, gradNorm: r == 0 ? nil : 0.9,
                    wallSeconds: Double(r) * 1.5)
                text.append(try encoder.encode(record))
                text.append(0x0A)
            }
            try text.write(to: file)
        } catch {
            throw .io(path: file.path, reason: "cannot write the benchmark's metrics: \(error.localizedDescription)")
        }
    }

    private static func ingestAll(
        _ records: [TrialRecord], store: ResultsStore, results: URL
    ) throws(StoreError) -> Double {
        let start = Date()
        for record in records {
            try SweepRunner.reconcile(store: store, id: record.id,
                                      directory: results.appendingPathComponent(record.runDir))
        }
        return Date().timeIntervalSince(start)
    }
}
