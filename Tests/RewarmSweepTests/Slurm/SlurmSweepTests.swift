import Foundation
import Testing

extension SlurmClusterTests {
    @Suite("A sweep through Slurm gives what a local sweep gives")
    struct Runs {
        /// `rewarm export SWEEP --format csv` without the wall_s column (the last).
        private func exportWithoutWallTimes(_ folder: SweepFolder, sweep: String) async throws -> [String] {
            let export = try await RewarmCommand.run(["export", sweep, "--results", folder.results.path, "--format", "csv"], in: folder.url)
            try #require(export.exitCode == 0, "stderr: \(export.stderr)")
            let lines = export.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasSuffix(",grad_norm,wall_s") == true)
            return lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") }
        }

        @Test("The tiny sweep as a Slurm job array gives the same export CSV as run locally, wall times aside")
        func sameRowsAsLocal() async throws {
            let local = try SweepFolder(), slurm = try SweepFolder()
            defer { local.remove(); slurm.remove() }
            let localSpec = try local.write("tiny-lr.yaml", SweepSpecs.tiny)
            let slurmSpec = try slurm.write("tiny-lr.yaml", SweepSpecs.tiny)
            // When the tiny sweep runs locally and through Slurm, two tasks at a time
            let ran = try await local.sweep(localSpec)
            try #require(ran.exitCode == 0, "stderr: \(ran.stderr)")
            let submitted = try await RewarmCommand.run(
                slurm.sweepArguments(slurmSpec, ["--executor", "slurm", "--max-parallel", "2", "--poll-seconds", "0.3"]), in: slurm.url, timeout: 300)
            // Then the Slurm sweep succeeds: base as one job, the ten trials as one array, all completed
            #expect(submitted.exitCode == 0, "stderr: \(submitted.stderr)")
            #expect(submitted.stdout.contains("submitted the base as Slurm job"), "\(submitted.stdout)")
            #expect(submitted.stdout.contains("submitted 10 trials as Slurm array job"), "\(submitted.stdout)")
            #expect(submitted.stdout.contains("sweep tiny-lr: 10 completed"), "\(submitted.stdout)")
            let script = try String(contentsOf: slurm.results.appendingPathComponent("tiny-lr/slurm/array-001.sbatch"), encoding: .utf8)
            #expect(script.contains("#SBATCH --array=0-9%2"))
            // And both databases export the same rows
            let a = try await exportWithoutWallTimes(local, sweep: "tiny-lr")
            let b = try await exportWithoutWallTimes(slurm, sweep: "tiny-lr")
            #expect(a.count == 1 + SweepSpecs.tinyTrials * SweepSpecs.tinyEvaluations.count)
            #expect(a == b, "first difference: \(zip(a, b).first { $0 != $1 }.map { "\($0.0)\n\($0.1)" } ?? "row counts \(a.count) vs \(b.count)")")
            let db = try ResultsDatabase(slurm.database)
            #expect(try db.duplicatedMetricRows() == 0)
            #expect(try db.integrityCheck() == ["ok"])
            let bases = slurm.baseFolders()
            #expect(bases.count == 1 && RunFolder.count("start at step", in: bases[0]) == 1)
            for (id, dir) in slurm.trialFolders(sweep: "tiny-lr") {
                #expect(RunFolder.startSteps(dir) == [0], "trial \(id): \(RunFolder.logLines(dir))")
            }
        }

        @Test("--detach returns at once; status later ingests what the jobs finished; the next sweep submits nothing again")
        func detached() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            let spec = try folder.write("detached.yaml", SweepSpecs.small("detached", """
                grid:
                  learning_rate: [1.5e-3, 3.0e-3]
                seeds: [1]
                """))
            let slurmArguments = ["--executor", "slurm", "--poll-seconds", "0.3"]
            // When the sweep is submitted with --detach
            let submitted = try await folder.sweep(spec, slurmArguments + ["--detach"])
            #expect(submitted.exitCode == 0, "stderr: \(submitted.stderr)")
            #expect(submitted.stdout.contains("submitted; the Slurm jobs run on their own"), "\(submitted.stdout)")
            let (job, runFolders) = try SlurmCluster.array(folder, sweep: "detached")
            #expect(runFolders.count == 2)
            // Then the array waits for the base job and, in time, ends
            let ended = try await waitUntil(timeout: 180) {
                try (0..<2).allSatisfy { i in try SlurmCluster.state(of: "\(job)_\(i)") == "COMPLETED" }
            }
            let queue = (try? SlurmCluster.run("squeue", ["-r", "-t", "all"])) ?? ""
            try #require(ended, "array \(job) did not complete: \(queue)")
            // When status runs, it ingests the finished run folders and shows Slurm's view
            let status = try await RewarmCommand.run(["status", "detached", "--results", folder.results.path], in: folder.url)
            #expect(status.exitCode == 0, "stderr: \(status.stderr)")
            #expect(status.stdout.contains("2 trials: 2 completed"), "\(status.stdout)")
            #expect(status.stdout.contains("array job \(job): ended"), "\(status.stdout)")
            #expect(try ResultsDatabase(folder.database).metricSteps(sweep: "detached").values.allSatisfy { $0 == SweepSpecs.tinyEvaluations })
            // And the next sweep finds nothing to submit
            let again = try await folder.sweep(spec, slurmArguments)
            #expect(again.exitCode == 0, "stderr: \(again.stderr)")
            #expect(!again.stdout.contains("submitted"), "\(again.stdout)")
            for (id, dir) in folder.trialFolders(sweep: "detached") {
                #expect(RunFolder.count("start at step", in: dir) == 1, "trial \(id): \(RunFolder.logLines(dir))")
            }
        }
    }
}
