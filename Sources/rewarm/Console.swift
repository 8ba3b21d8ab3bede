import ArgumentParser
import Foundation
import RewarmReport
import RewarmStore
import RewarmSweep

/// Formatting helpers shared by the commands (only the CLI prints).
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// 1234567 -> "1.23M", 20480 -> "20.5k".
    static func count(_ n: Int) -> String {
        let x = Double(n)
        if x >= 1e9 { return String(format: "%.2fG", x / 1e9) }
        if x >= 1e6 { return String(format: "%.2fM", x / 1e6) }
        if x >= 1e3 { return String(format: "%.1fk", x / 1e3) }
        return "\(n)"
    }

    static func loss(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "-" }

    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        if seconds < 3600 { return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) }
        return String(format: "%dh%02dm", Int(seconds) / 3600, Int(seconds) % 3600 / 60)
    }
}

extension Console {
    /// Flushes standard output so progress shows at once when piped (e.g. to a sweep's log).
    static func flush() {
        fflush(nil)  // all C streams: Swift's print writes through stdio's stdout buffer
    }
}

extension Console {
    /// Runs a report command's body; a bad database, sweep name or notebook (`StoreError`,
    /// `ReportError`) becomes its one line on standard error and exit code 2.
    static func reportingBadInput(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let e as StoreError {
            error(e.description)
            throw ExitCode(2)
        } catch let e as ReportError {
            error(e.description)
            throw ExitCode(2)
        }
    }
}
