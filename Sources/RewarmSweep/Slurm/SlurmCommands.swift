import Foundation
import Subprocess

/// Runs Slurm's own commands (`sbatch`, `squeue`, `sinfo`, `scontrol`, `scancel`) found on the
/// PATH, as child processes. Rewarm never schedules anything itself.
struct SlurmCommands: Sendable {
    /// What a finished command printed.
    struct Output: Sendable {
        var exitCode: Int32?
        var stdout: String
        var stderr: String
        var succeeded: Bool { exitCode == 0 }

        /// Its error message in one line: the `tool: error: ` lines (without that prefix), else all of stderr.
        func message(_ tool: String) -> String {
            let lines = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            let errors = lines.filter { $0.hasPrefix("\(tool): error:") }
                .map { String($0.dropFirst("\(tool): error:".count)).trimmingCharacters(in: .whitespaces) }
            let chosen = errors.isEmpty
                ? lines.map { $0.hasPrefix("\(tool): ") ? String($0.dropFirst(tool.count + 2)) : $0 } : errors
            let text = chosen.joined(separator: "; ")
            return text.isEmpty ? "exit code \(exitCode.map(String.init) ?? "?")" : text
        }
    }

    /// The PATH searched for the commands.
    let searchPath: String

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    }

    /// The executable `tool` on the PATH, or `notInstalled`.
    func locate(_ tool: String) throws(SlurmError) -> URL {
        for folder in searchPath.split(separator: ":") where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(tool)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw .notInstalled(tool: tool)
    }

    /// Runs `tool ARGS` to its end.
    func run(_ tool: String, _ arguments: [String]) async throws(SlurmError) -> Output {
        let executable = try locate(tool)
        do {
            let result = try await Subprocess.run(
                .path(.init(executable.path)), arguments: .init(arguments),
                input: .none, output: .string(limit: 1 << 24), error: .string(limit: 1 << 20))
            let code: Int32? = switch result.terminationStatus {
            case .exited(let c): c
            case .signaled: nil
            }
            return Output(exitCode: code, stdout: result.standardOutput, stderr: result.standardError)
        } catch {
            throw .failed(tool: tool, message: "cannot run \(executable.path): \(error)")
        }
    }

    /// Runs `tool ARGS` and returns its standard output, or throws `failed` with its message.
    func output(_ tool: String, _ arguments: [String]) async throws(SlurmError) -> String {
        let out = try await run(tool, arguments)
        guard out.succeeded else { throw .failed(tool: tool, message: out.message(tool)) }
        return out.stdout
    }
}
