import Foundation
import Subprocess

/// Runs `rewarm run-trial DIR` as a child process, streaming its JSON progress lines and
/// stopping it (SIGTERM: it saves a checkpoint and exits) when `shouldStop` turns true.
/// Its standard error goes to `DIR/trial.log`.
enum ChildRun {
    struct Outcome: Sendable {
        var exitCode: Int32?
        var signal: Int32?
    }

    static func run(
        executable: URL, directory: URL, onProgress: @escaping @Sendable (TrialProcess.Progress) -> Void,
        shouldStop: @escaping @Sendable () -> Bool
    ) async throws -> Outcome {
        let log = directory.appendingPathComponent("trial.log")
        let result = try await Subprocess.run(
            .path(.init(executable.path)),
            arguments: ["run-trial", directory.path, "--parent-pid", "\(ProcessInfo.processInfo.processIdentifier)"],
            environment: .inherit.updating(["OPENBLAS_NUM_THREADS": "1"]),
            input: .none, output: .sequence, error: .string(limit: 1 << 20)
        ) { execution in
            let watcher = Task {
                while !Task.isCancelled {
                    if shouldStop() {
                        try? execution.send(signal: .terminate)
                        return
                    }
                    try? await Task.sleep(nanoseconds: 200_000_000)
                }
            }
            defer { watcher.cancel() }
            let decoder = JSONDecoder()
            for try await line in execution.standardOutput.strings() {
                let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if let p = try? decoder.decode(TrialProcess.Progress.self, from: Data(text.utf8)) { onProgress(p) }
            }
        }
        let stderr = result.standardError
        if !stderr.isEmpty {
            append(stderr, to: log)
        }
        switch result.terminationStatus {
        case .exited(let code): return Outcome(exitCode: code, signal: nil)
        case .signaled(let sig): return Outcome(exitCode: nil, signal: sig)
        }
    }

    static func append(_ text: String, to url: URL) {
        if let handle = try? FileHandle(forWritingTo: url) {
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: Data(text.utf8))
            try? handle.close()
        } else {
            try? Data(text.utf8).write(to: url)
        }
    }

    /// The last `n` lines of a trial's log (for failure reasons).
    static func tail(_ url: URL, lines n: Int = 5) -> String {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(n).joined(separator: " | ")
    }
}
