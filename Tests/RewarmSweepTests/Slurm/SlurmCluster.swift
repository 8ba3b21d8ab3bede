import Foundation
import Testing

/// The Slurm tests run against a real one-node cluster (`scripts/slurm-test-cluster start`,
/// which `.ci/run` starts and stops) when REWARM_SLURM_TESTS=1; SLURM_CONF names its config.
enum SlurmCluster {
    static var enabled: Bool { ProcessInfo.processInfo.environment["REWARM_SLURM_TESTS"] == "1" }

    /// Runs a Slurm command (`squeue`, `scancel`, ...) and returns its standard output.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The number of jobs and array tasks squeue knows (any state): unchanged when nothing was submitted.
    static func jobCount() throws -> Int {
        try run("squeue", ["-h", "-r", "-t", "all"]).split(separator: "\n").count
    }

    /// The state squeue reports for `key` (`12_3`), if it knows it.
    static func state(of key: String) throws -> String? {
        let lines = try run("squeue", ["-h", "-r", "-t", "all", "-o", "%i %T"]).split(separator: "\n")
        for line in lines {
            let fields = line.split(separator: " ").map(String.init)
            if fields.count == 2 && fields[0] == key { return fields[1] }
        }
        return nil
    }

    /// The array job id and task file lines (run folders) of a sweep's n-th submitted array (1-based).
    static func array(_ folder: SweepFolder, sweep: String, number: Int = 1) throws -> (job: String, folders: [String]) {
        let slurm = folder.results.appendingPathComponent(sweep).appendingPathComponent("slurm")
        let data = try Data(contentsOf: slurm.appendingPathComponent("jobs.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let arrays = object?["arrays"] as? [[String: Any]] ?? []
        guard arrays.count >= number, let job = arrays[number - 1]["job"] as? String else {
            throw RewarmCommand.Failure(description: "jobs.json lists \(arrays.count) arrays, not \(number)")
        }
        let tasks = try String(contentsOf: slurm.appendingPathComponent(String(format: "array-%03d.tasks", number)), encoding: .utf8)
        return (job, tasks.split(separator: "\n").map(String.init))
    }
}

/// `rewarm ARGS` with `environment` changes (PATH without Slurm), to its end.
func runRewarm(_ arguments: [String], in folder: URL, environment: [String: String]) throws -> RewarmCommand.Result {
    let process = Process()
    process.executableURL = try RewarmCommand.requireExecutable()
    process.arguments = arguments
    process.currentDirectoryURL = folder
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RewarmCommand.Result(exitCode: process.terminationStatus, signal: nil,
                                stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}

/// Every test of a real cluster, one at a time (two cores, shared with the cluster's tasks).
@Suite("Sweeps on a real Slurm cluster (REWARM_SLURM_TESTS=1)", .serialized, .enabled(if: SlurmCluster.enabled))
struct SlurmClusterTests {}

enum SlurmSpecs {
    /// Four trials of `maxSteps` steps (evaluated every `evalSteps`), three from the base, one from scratch.
    static func four(_ name: String, maxSteps: Int, evalSteps: Int) -> String {
        """
        name: \(name)
        \(SweepSpecs.base)
        \(SweepSpecs.defaults(maxSteps: maxSteps, evalSteps: evalSteps))
        grid:
          learning_rate: [1.5e-3, 3.0e-3, 6.0e-3]
        trials:
          - {name: scratch, init_from: scratch}
        seeds: [1]

        """
    }

    /// One trial from scratch (no base job) of `maxSteps` steps.
    static func single(_ name: String, maxSteps: Int, evalSteps: Int) -> String {
        """
        name: \(name)
        \(SweepSpecs.base)
        \(SweepSpecs.defaults(maxSteps: maxSteps, evalSteps: evalSteps))
        trials:
          - {name: alone, init_from: scratch}
        seeds: [1]

        """
    }
}
