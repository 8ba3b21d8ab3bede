import Foundation
import Testing

extension SlurmClusterTests {
    @Suite("Bad Slurm setups fail with one line and submit nothing")
    struct BadInput {
        private func expectRefused(_ extra: [String], environment: [String: String] = [:], results: String? = nil,
                                   saying expected: [String]) async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            let spec = try folder.write("bad.yaml", SweepSpecs.small("bad", "grid:\n  learning_rate: [1.5e-3]\nseeds: [1]"))
            let before = try SlurmCluster.jobCount()
            var arguments = folder.sweepArguments(spec, ["--executor", "slurm"] + extra)
            if let results { arguments[3] = results }
            let result = try runRewarm(arguments, in: folder.url, environment: environment)
            #expect(result.exitCode == 2, "stdout: \(result.stdout) stderr: \(result.stderr)")
            #expect(result.stderrLines.count == 1, "\(result.stderrLines)")
            for text in expected { #expect(result.stderr.contains(text), "\(result.stderr)") }
            #expect(try SlurmCluster.jobCount() == before, "a job was submitted")
            #expect(!FileManager.default.fileExists(atPath: folder.results.appendingPathComponent("bad/slurm/jobs.json").path))
        }

        @Test("No sbatch on the PATH says how to install or load it")
        func noSbatch() async throws {
            try await expectRefused([], environment: ["PATH": "/nonexistent"],
                                    saying: ["error: sbatch not found on the PATH", "apt-get install slurm-client", "module load slurm"])
        }

        @Test("A partition that does not exist is named, with the ones that do")
        func unknownPartition() async throws {
            try await expectRefused(["--partition", "gpu-nope"], saying: ["partition 'gpu-nope' does not exist on this cluster (partitions: debug)"])
        }

        @Test("An option sbatch rejects passes on sbatch's own message")
        func rejectedOptions() async throws {
            try await expectRefused(["--time", "soon"], saying: ["sbatch rejected the job: Invalid --time specification"])
            try await expectRefused(["--sbatch-arg", "--no-such-option"], saying: ["sbatch rejected the job: unrecognized option '--no-such-option'"])
        }

        @Test("A results folder that cannot be written is refused")
        func unwritableResults() async throws {
            try await expectRefused([], results: "/proc/rewarm-results", saying: ["/proc/rewarm-results", "results folder"])
        }

        @Test("Slurm options without --executor slurm are refused")
        func slurmOptionsNeedSlurm() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            let spec = try folder.write("bad.yaml", SweepSpecs.small("bad", "seeds: [1]"))
            let result = try runRewarm(folder.sweepArguments(spec, ["--partition", "debug"]), in: folder.url, environment: [:])
            #expect(result.exitCode == 2)
            #expect(result.stderr.contains("--partition applies only to --executor slurm"), "\(result.stderr)")
        }

        @Test("--dry-run --executor slurm prints the batch scripts and submits nothing")
        func dryRun() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            let spec = try folder.write("tiny-lr.yaml", SweepSpecs.tiny)
            let before = try SlurmCluster.jobCount()
            let result = try runRewarm(folder.sweepArguments(spec, ["--dry-run", "--executor", "slurm", "--max-parallel", "3", "--partition", "debug"]),
                                       in: folder.url, environment: [:])
            #expect(result.exitCode == 0, "\(result.stderr)")
            for text in ["#SBATCH --array=0-9%3", "#SBATCH --partition=debug", "#SBATCH --job-name=rewarm-base-", "run-trial \"$RUN\"",
                         "--dependency=afterok:<base job>", "12 points -> 10 distinct trials"] {
                #expect(result.stdout.contains(text), "\(text) missing from:\n\(result.stdout)")
            }
            #expect(try SlurmCluster.jobCount() == before)
            #expect(!FileManager.default.fileExists(atPath: folder.results.path))
        }
    }
}
