import Foundation
@testable import RewarmEngine

/// A temporary folder per test, removed at the end of the process.
func temporaryFolder(_ label: String) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("rewarm-tests-\(ProcessInfo.processInfo.processIdentifier)")
        .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A tiny run on a synthetic corpus: fast in debug builds.
func tinyRunConfig(_ dir: URL, _ extra: [String: ConfigValue] = [:]) throws -> RunConfig {
    var values: [String: ConfigValue] = [
        "model": "tiny", "dataset": "synthetic:a", "max_steps": 40, "eval_steps": 10, "logging_steps": 10,
        "learning_rate": 3e-3, "per_device_train_batch_size": 4, "cutoff_len": 16, "eval_tokens": 512,
        "output_dir": .string(dir.path), "seed": 5,
    ]
    for (k, v) in extra { values[k] = v }
    return try RunConfig(values: values, source: "test")
}

/// Trains `config` to the end (or until `stopAt`), returning the outcome.
@discardableResult
func train(_ config: RunConfig, resume: Bool = false, stopAt: Int? = nil) throws -> TrainingOutcome {
    let trainer = try Trainer(ResolvedRun(config), resume: resume)
    return try trainer.train { event in
        if case .step(let r) = event, let stopAt, r.step >= stopAt { return .stop }
        return .proceed
    }
}

/// The metric lines of a run folder, with wall time zeroed (it differs between runs).
func metrics(_ dir: URL) throws -> [MetricsRecord] {
    let text = try String(contentsOf: dir.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        var r = try JSONDecoder().decode(MetricsRecord.self, from: Data(line.utf8))
        r.wallSeconds = 0
        return r
    }
}
