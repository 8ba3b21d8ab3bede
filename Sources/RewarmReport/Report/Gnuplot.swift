import Foundation
import Subprocess

/// The gnuplot executable the reports render charts with, and how long one chart may take.
public struct Gnuplot: Sendable, Equatable {
    /// The gnuplot binary.
    public var executable: URL
    /// Seconds one chart may take before gnuplot is killed.
    public var timeoutSeconds: Double

    public init(executable: URL, timeoutSeconds: Double = 30) {
        self.executable = executable
        self.timeoutSeconds = timeoutSeconds
    }

    /// What to tell a user without gnuplot (one line).
    public static let installHint = "apt-get install gnuplot-nox"

    /// The first executable `gnuplot` on `path` (a `PATH`-style list, by default the process's), or nil.
    public static func locate(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> Gnuplot? {
        for dir in (path ?? "").split(separator: ":") where !dir.isEmpty {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("gnuplot")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return Gnuplot(executable: candidate) }
        }
        return nil
    }

    /// Runs `gnuplot SCRIPT` in `directory` (the script reads and writes files relative to it).
    /// Returns nil on success, or a one-line reason: gnuplot's first error line, its exit status,
    /// a timeout, or why it could not start.
    func run(script: String, in directory: URL) async -> String? {
        let executable = executable
        let timeout = timeoutSeconds
        do {
            return try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    let result = try await Subprocess.run(
                        .path(.init(executable.path)), arguments: [script],
                        workingDirectory: .init(directory.path),
                        input: .none, output: .discarded, error: .string(limit: 1 << 16))
                    let stderr = result.standardError
                    switch result.terminationStatus {
                    case .exited(0): return nil
                    case .exited(let code): return Self.reason(stderr) ?? "gnuplot exited with status \(code)"
                    case .signaled(let signal): return "gnuplot was stopped by signal \(signal)"
                    }
                }
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                    return "gnuplot took longer than \(ReportFormat.compact(timeout)) s and was stopped"
                }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
        } catch {
            return "gnuplot could not run: " + "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
        }
    }

    /// The most telling line of gnuplot's error output: the one with the error, else the last.
    static func reason(_ stderr: String) -> String? {
        let lines = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.allSatisfy { $0 == "^" } }
        guard !lines.isEmpty else { return nil }
        let pick = lines.first { $0.contains("error") || $0.contains("Error") } ?? lines.last!
        return "gnuplot: " + pick
    }
}
