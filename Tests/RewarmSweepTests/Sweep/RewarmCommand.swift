import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The debug `rewarm` executable built beside these tests (`<repo>/.build/debug/rewarm`; `swift
/// test` builds it with the test targets), run as a real process the way a user runs it.
enum RewarmCommand {
    /// Why a command could not be run or did not end in time (one line).
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `<repo>/.build/debug/rewarm`, found from this file's path (`<repo>/Tests/RewarmLabTests/Sweep/`).
    static var executable: URL {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        return root.appendingPathComponent(".build/debug/rewarm")
    }

    /// The executable, or a clear failure when it was not built.
    static func requireExecutable() throws -> URL {
        let url = executable
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw Failure(description: "\(url.path): no rewarm executable; build it with `swift build` (swift test builds it too)")
        }
        return url
    }

    /// How a finished command ended and what it printed.
    struct Result {
        /// The exit code, or nil when a signal ended the process.
        let exitCode: Int32?
        let signal: Int32?
        let stdout: String
        let stderr: String

        /// The non-empty lines of standard error.
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init).filter { !$0.isEmpty } }
    }

    /// Runs `rewarm ARGS` in `folder` to its end (at most `timeout` seconds, then it is killed and
    /// this throws).
    static func run(_ arguments: [String], in folder: URL, timeout: Double = 120) async throws -> Result {
        let running = try Running(arguments, in: folder)
        return try await running.finish(timeout: timeout)
    }

    /// A `rewarm` process started in the background; its output goes to files in `folder`.
    final class Running {
        let process = Process()
        private let stdoutFile: URL
        private let stderrFile: URL
        let arguments: [String]

        init(_ arguments: [String], in folder: URL) throws {
            self.arguments = arguments
            let tag = UUID().uuidString.prefix(8)
            stdoutFile = folder.appendingPathComponent("rewarm-\(tag).stdout")
            stderrFile = folder.appendingPathComponent("rewarm-\(tag).stderr")
            _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
            _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
            process.executableURL = try RewarmCommand.requireExecutable()
            process.arguments = arguments
            process.currentDirectoryURL = folder
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
            process.standardError = try FileHandle(forWritingTo: stderrFile)
            try process.run()
        }

        var pid: Int32 { process.processIdentifier }
        var isRunning: Bool { process.isRunning }

        /// Sends `signal` (SIGKILL, SIGINT, ...) to the process alone (not to its children).
        func send(_ signal: Int32) {
            _ = kill(pid, signal)
        }

        /// Waits for the process to end (killing it after `timeout` seconds) and returns its result.
        func finish(timeout: Double) async throws -> Result {
            let ended = try await waitUntil(timeout: timeout) { !self.process.isRunning }
            if !ended {
                send(SIGKILL)
                _ = try await waitUntil(timeout: 10) { !self.process.isRunning }
                throw Failure(description: "rewarm \(arguments.joined(separator: " ")) did not end within \(timeout) s; output: \(output(stdoutFile))")
            }
            let signaled = process.terminationReason == .uncaughtSignal
            return Result(exitCode: signaled ? nil : process.terminationStatus,
                          signal: signaled ? process.terminationStatus : nil,
                          stdout: output(stdoutFile), stderr: output(stderrFile))
        }

        private func output(_ url: URL) -> String {
            (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        }
    }
}

/// Polls `condition` every 50 ms until it holds (true) or `timeout` seconds pass (false).
func waitUntil(timeout: Double, _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() > deadline { return false }
        try await Task.sleep(nanoseconds: 50_000_000)
    }
}

/// Process ids of the `rewarm run-trial` processes whose run folder lies inside `results`
/// (read from `/proc/<pid>/cmdline`).
func trialProcesses(under results: URL) -> [Int32] {
    let prefix = results.path + "/"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return names.compactMap { name -> Int32? in
        guard let pid = Int32(name),
              let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return nil }
        let args = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard args.contains("run-trial"), args.contains(where: { $0.hasPrefix(prefix) }) else { return nil }
        return pid
    }
}
