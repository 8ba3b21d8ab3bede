import Foundation
import RewarmEngine
@testable import RewarmStore

/// A fresh folder under the temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("rewarm-store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// `results/rewarm.sqlite` inside the folder (the `results` folder does not exist yet).
    var database: URL { url.appendingPathComponent("results").appendingPathComponent(ResultsStore.fileName) }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Names of the files in the folder holding `file`, sorted.
    func listing(besides file: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path).sorted()
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

enum StoreFixtures {
    static let sweepName = "max-lr"
    static let day = Date(timeIntervalSince1970: 1_700_000_000)

    /// A store holding the sweep `max-lr` (no trials).
    static func storeWithSweep(_ store: ResultsStore) throws -> ResultsStore {
        try store.upsertSweep(name: sweepName, specText: "name: max-lr\n", specHash: "a1", trialSetHash: "t1", at: day)
        return store
    }

    static func trial(_ id: String, position: Int, seed: Int = 1, name: String? = nil) -> TrialRecord {
        TrialRecord(id: id, sweep: sweepName, name: name, seed: seed,
                    configJSON: #"{"learning_rate":0.003,"seed":\#(seed)}"#,
                    diffJSON: #"{"learning_rate":0.003}"#, baseHash: nil,
                    runDir: "max-lr/trials/\(id)", position: position)
    }

    /// A metrics record whose numbers are simple functions of the step.
    static func record(step: Int, upstream: Double? = 2.0) -> MetricsRecord {
        MetricsRecord(step: step, tokens: step * 512, stepLR: 0.003,
                      trainLoss: step == 0 ? nil : 3.0 - Double(step) / 100,
                      upstreamLoss: upstream, downstreamLoss: 4.0 - Double(step) / 100,
                      gradNorm: step == 0 ? nil : 1.5, wallSeconds: Double(step) / 10)
    }

    /// One JSON line as the trainer writes it (sorted keys, nulls explicit, newline at the end).
    static func line(_ record: MetricsRecord) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(record), as: UTF8.self) + "\n"
    }

    /// Writes `metrics.jsonl` with one line per step, plus `tail` verbatim.
    static func writeMetrics(_ url: URL, steps: [Int], tail: String = "") throws {
        let text = try steps.map { try line(record(step: $0)) }.joined() + tail
        try Data(text.utf8).write(to: url)
    }
}
