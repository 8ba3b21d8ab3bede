import Foundation
import Testing

extension SlurmClusterTests {
    @Suite("Tasks Slurm ends early resume from their checkpoints on the next sweep")
    struct Faults {
        /// Every trial of `sweep` completed exactly once, with one metric row per evaluation.
        private func expectCompletedOnce(_ folder: SweepFolder, sweep: String, trials: Int, evaluations: [Int]) throws {
            let db = try ResultsDatabase(folder.database)
            let states = try db.trialStates(sweep: sweep)
            #expect(states.count == trials && states.values.allSatisfy { $0 == "completed" }, "\(states)")
            #expect(try db.duplicatedMetricRows() == 0)
            for (id, steps) in try db.metricSteps(sweep: sweep) { #expect(steps == evaluations, "trial \(id)") }
            for (id, dir) in folder.trialFolders(sweep: sweep) {
                #expect(RunFolder.count("completed at step", in: dir) == 1, "trial \(id): \(RunFolder.logLines(dir))")
                #expect(RunFolder.metricSteps(dir) == evaluations, "trial \(id) metrics.jsonl")
            }
        }

        @Test("scancel of a running array task leaves its trial pending; the next sweep completes it exactly once from its checkpoint")
        func cancelledTaskResumes() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            let spec = try folder.write("cancel.yaml", SlurmSpecs.four("cancel", maxSteps: 400, evalSteps: 50))
            let arguments = folder.sweepArguments(spec, ["--executor", "slurm", "--max-parallel", "2", "--poll-seconds", "0.3"])
            let sweep = try RewarmCommand.Running(arguments, in: folder.url)
            // When a task has evaluated past step 0 and is cancelled with scancel
            var victim: (key: String, dir: URL)?
            let midway = try await waitUntil(timeout: 180) {
                guard let (job, runs) = try? SlurmCluster.array(folder, sweep: "cancel") else { return false }
                for (i, path) in runs.enumerated() {
                    let dir = URL(fileURLWithPath: path)
                    if RunFolder.metricSteps(dir).contains(where: { $0 > 0 }) && RunFolder.count("completed at step", in: dir) == 0 {
                        victim = ("\(job)_\(i)", dir)
                        return true
                    }
                }
                return !sweep.isRunning
            }
            let (key, dir) = try #require(midway ? victim : nil, "no task was caught running")
            try SlurmCluster.run("scancel", [key])
            let first = try await sweep.finish(timeout: 300)
            // Then the sweep follows the rest to their end and says the cancelled trial will resume
            #expect(first.exitCode == 0, "stderr: \(first.stderr)")
            #expect(first.stdout.contains("1 trial was ended by Slurm before finishing"), "\(first.stdout)")
            #expect(try SlurmCluster.state(of: key) == "CANCELLED")
            let id = dir.lastPathComponent
            #expect(try ResultsDatabase(folder.database).trialStates(sweep: "cancel")[id] == "pending")
            #expect(RunFolder.stoppedSteps(dir).count == 1, "\(RunFolder.logLines(dir))")
            // And status names the Slurm state of the cancelled trial
            let status = try await RewarmCommand.run(["status", "cancel", "--results", folder.results.path], in: folder.url)
            #expect(status.stdout.contains("CANCELLED \(id)"), "\(status.stdout)")

            // When the same command runs again
            let second = try await RewarmCommand.run(arguments, in: folder.url, timeout: 300)
            // Then only that trial was submitted again, and every trial completed exactly once
            #expect(second.exitCode == 0, "stderr: \(second.stderr)")
            #expect(second.stdout.contains("submitted 1 trial as Slurm array job"), "\(second.stdout)")
            try expectCompletedOnce(folder, sweep: "cancel", trials: 4, evaluations: evaluationSteps(maxSteps: 400, evalSteps: 50))
            let stops = RunFolder.stoppedSteps(dir)
            #expect(RunFolder.startSteps(dir) == [0] + stops && stops.first ?? 0 > 0, "\(RunFolder.logLines(dir))")
        }

        @Test("A task that hits its --time limit stops with a checkpoint, and the next sweep resumes it there")
        func timeLimitResumes() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            // One trial long enough to outlive a one-minute limit (Slurm checks limits every 30 s):
            // about 150 s of training at this machine's measured speed for the spec's shape
            let evalSteps = try await Self.stepsInSeconds(25)
            let maxSteps = 6 * evalSteps
            let spec = try folder.write("limit.yaml", SlurmSpecs.single("limit", maxSteps: maxSteps, evalSteps: evalSteps))
            let slurm = ["--executor", "slurm", "--poll-seconds", "0.5"]
            // When it runs with --time 1 (minute)
            let first = try await RewarmCommand.run(folder.sweepArguments(spec, slurm + ["--time", "1"]), in: folder.url, timeout: 300)
            #expect(first.exitCode == 0, "stderr: \(first.stderr)")
            let (job, runs) = try SlurmCluster.array(folder, sweep: "limit")
            let dir = URL(fileURLWithPath: try #require(runs.first))
            // Then Slurm ended it at the limit and it stopped itself with a checkpoint, left pending
            try #require(RunFolder.count("completed at step", in: dir) == 0,
                         "the trial finished within the limit; make it longer: \(RunFolder.logLines(dir))")
            #expect(try SlurmCluster.state(of: "\(job)_0") == "TIMEOUT")
            let stops = RunFolder.stoppedSteps(dir)
            #expect(stops.count == 1 && stops[0] > 0, "\(RunFolder.logLines(dir))")
            #expect(try ResultsDatabase(folder.database).trialStates(sweep: "limit").values.map { $0 } == ["pending"])
            let status = try await RewarmCommand.run(["status", "limit", "--results", folder.results.path], in: folder.url)
            #expect(status.stdout.contains("TIMEOUT"), "\(status.stdout)")
            #expect(status.stdout.contains("DUE TO TIME LIMIT"), "the job log's last lines: \(status.stdout)")

            // When the sweep runs again without the limit
            let second = try await RewarmCommand.run(folder.sweepArguments(spec, slurm), in: folder.url, timeout: 400)
            // Then the trial continued from the step it stopped at and completed once
            #expect(second.exitCode == 0, "stderr: \(second.stderr)")
            #expect(RunFolder.startSteps(dir) == [0] + stops, "\(RunFolder.logLines(dir))")
            try expectCompletedOnce(folder, sweep: "limit", trials: 1, evaluations: evaluationSteps(maxSteps: maxSteps, evalSteps: evalSteps))
        }

        /// Training steps of `SweepSpecs`' shape (tiny, 4 x 16 tokens) this machine makes in
        /// `seconds` on one thread, by `rewarm bench` (rounded to 100, at least 1000).
        static func stepsInSeconds(_ seconds: Double) async throws -> Int {
            let dir = FileManager.default.temporaryDirectory
            let bench = try await RewarmCommand.run(
                ["bench", "--dim", "32", "--layers", "2", "--heads", "2", "--context", "16", "--batch", "4",
                 "--steps", "300", "--warmup", "20", "--no-mfu"], in: dir)
            let line = try #require(bench.stdout.split(separator: "\n").last(where: { $0.hasPrefix("{") }), "bench printed: \(bench.stdout) \(bench.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let tokensPerSecond = try #require(object["tokens_per_s"] as? Double)
            return max(1000, Int(seconds * tokensPerSecond / 64 / 100) * 100)
        }
    }
}
