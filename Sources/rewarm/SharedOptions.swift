import ArgumentParser
import Foundation

/// `--results DIR`, taken by every command that reads or writes a results folder.
struct ResultsOptions: ParsableArguments {
    @Option(name: .long, help: "Results folder: database, bases, trial run folders, reports.")
    var results: String = "results"

    var url: URL { URL(fileURLWithPath: results).standardizedFileURL }
    var database: URL { url.appendingPathComponent("rewarm.sqlite") }
}

/// The path of this executable (children of a sweep run the same binary).
enum SelfExecutable {
    static var url: URL {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path)
    }
}
