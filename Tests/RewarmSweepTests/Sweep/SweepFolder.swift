import Foundation
import Testing

/// A fresh temporary folder for one end-to-end test: the specs it writes, the command outputs,
/// and `results/` (the results folder the sweeps fill, not created here). `remove()` deletes it.
struct SweepFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.resolvingSymlinksInPath()
            .appendingPathComponent("rewarm-sweep-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var results: URL { url.appendingPathComponent("results") }
    var database: URL { results.appendingPathComponent("rewarm.sqlite") }

    /// Writes `text` to `name` in the folder and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file
    }

    /// `rewarm sweep SPEC --results results --jobs N` plus `extra` arguments.
    func sweepArguments(_ spec: URL, jobs: Int = 2, _ extra: [String] = []) -> [String] {
        ["sweep", spec.path, "--results", results.path, "--jobs", "\(jobs)"] + extra
    }

    func sweep(_ spec: URL, jobs: Int = 2, _ extra: [String] = []) async throws -> RewarmCommand.Result {
        try await RewarmCommand.run(sweepArguments(spec, jobs: jobs, extra), in: url)
    }

    /// The run folders of a sweep's trials, by trial id.
    func trialFolders(sweep: String) -> [String: URL] {
        let trials = results.appendingPathComponent(sweep).appendingPathComponent("trials")
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: trials.path)) ?? []
        return Dictionary(uniqueKeysWithValues: ids.map { ($0, trials.appendingPathComponent($0)) })
    }

    /// The cached bases' run folders.
    func baseFolders() -> [URL] {
        let bases = results.appendingPathComponent("bases")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: bases.path)) ?? []
        return names.sorted().map { bases.appendingPathComponent($0) }
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// What a run folder's files say about the attempts made on it.
enum RunFolder {
    /// Each trial of `interrupted` that had started was stopped once at a step N (by itself,
    /// with a checkpoint) and started again at N; at least one had got past step 0.
    static func expectResumedWhereStopped(_ interrupted: [String: URL]) {
        var furthest = 0
        for (id, dir) in interrupted {
            let starts = RunFolder.startSteps(dir)
            let stops = RunFolder.stoppedSteps(dir)
            if starts.count == 1 { continue }  // not started before the interruption
            #expect(stops.count == 1 && starts == [0] + stops, "trial \(id): \(RunFolder.logLines(dir))")
            furthest = max(furthest, stops.first ?? 0)
        }
        #expect(furthest > 0, "no trial was stopped past step 0: \(interrupted.mapValues(RunFolder.logLines))")
    }


    /// The lines of `DIR/trial.log` without their `[timestamp] ` prefix.
    static func logLines(_ directory: URL) -> [String] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("trial.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return String(line) }
            return String(line[line.index(after: close)...]).trimmingCharacters(in: .whitespaces)
        }
    }

    /// How many `trial.log` lines start with `prefix` (`start at step`, `completed at step`, ...).
    static func count(_ prefix: String, in directory: URL) -> Int {
        logLines(directory).filter { $0.hasPrefix(prefix) }.count
    }

    /// Attempts that ended: lines `completed|failed|diverged|stopped at step N`.
    static func endedAttempts(_ directory: URL) -> Int {
        logLines(directory).filter { line in
            ["completed", "failed", "diverged", "stopped"].contains { line.hasPrefix("\($0) at step ") }
        }.count
    }

    /// The steps at which attempts started (`start at step N of M ...`).
    static func startSteps(_ directory: URL) -> [Int] {
        logLines(directory).compactMap { line in
            guard line.hasPrefix("start at step ") else { return nil }
            return Int(line.dropFirst("start at step ".count).prefix { $0.isNumber })
        }
    }

    /// The steps at which attempts were stopped to resume later (`stopped at step N`).
    static func stoppedSteps(_ directory: URL) -> [Int] {
        logLines(directory).compactMap { line in
            guard line.hasPrefix("stopped at step ") else { return nil }
            return Int(line.dropFirst("stopped at step ".count).prefix { $0.isNumber })
        }
    }

    /// The `step` of every line of `DIR/metrics.jsonl`, in file order (empty without the file).
    static func metricSteps(_ directory: URL) -> [Int] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["step"] as? Int
        }
    }

    /// The `state` recorded in `DIR/status.json`, if any.
    static func statusState(_ directory: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("status.json").path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["state"] as? String
    }
}

/// The evaluation steps of a run: 0, every `evalSteps`, and `maxSteps`.
func evaluationSteps(maxSteps: Int, evalSteps: Int) -> [Int] {
    Array(Set(Array(stride(from: 0, through: maxSteps, by: evalSteps)) + [maxSteps])).sorted()
}
