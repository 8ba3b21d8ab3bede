import Foundation
import RewarmStore
import RewarmSweep
import Testing

extension SweepEndToEndTests {
    @Suite("Trials that diverge or crash are recorded and the sweep goes on")
    struct Faults {
        /// Three trials: the defaults (fine), the defaults on a `.txt` corpus at `corpus`, and `boom`,
        /// whose huge constant learning rate without clipping diverges within a few steps.
        static func spec(corpus: URL) -> String {
            SweepSpecs.small("faults", """
                grid:
                  dataset: [synthetic:b, \(corpus.path)]
                trials:
                  - {name: boom, learning_rate: 1.0e4, max_grad_norm: 0, lr_scheduler_type: constant}
                seeds: [1]
                """)
        }

        /// Expands the spec and opens the sweep in this process, removes the corpus file after the
        /// expansion checked it, then runs the trials (children of the debug `rewarm`).
        private func runWithCorpusRemoved(spec: URL, corpus: URL, results: URL) async throws -> SweepSummary {
            let loaded = try SweepSpec.load(file: spec)
            let runner = try SweepRunner(
                spec: loaded, results: results, options: .init(jobs: 2, executable: try RewarmCommand.requireExecutable()))
            #expect(runner.expansion.trials.count == 3)
            try FileManager.default.removeItem(at: corpus)
            return try await runner.run(onEvent: { _ in }, shouldStop: { false })
        }

        @Test("A diverging trial and a crashing trial are marked with their reasons; the others complete; --retry-failed reruns only them")
        func divergedAndFailedTrials() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            let corpus = try folder.write("down.txt", SweepSpecs.textCorpus())
            let spec = try folder.write("faults.yaml", Self.spec(corpus: corpus))
            // Given a sweep whose .txt corpus disappears after the expansion, before the trials run
            let summary = try await runWithCorpusRemoved(spec: spec, corpus: corpus, results: folder.results)
            // Then the summary counts one of each, and names their reasons
            #expect(summary.counts[.completed] == 1 && summary.counts[.failed] == 1 && summary.counts[.diverged] == 1,
                    "\(summary.counts)")
            #expect(summary.failures.count == 2)
            let db = try ResultsDatabase(folder.database)
            #expect(try db.integrityCheck() == ["ok"])
            let crashed = try #require(try db.trialID(sweep: "faults", where: "dataset", is: "\"\(corpus.path)\""))
            let boom = try #require(try db.trialID(sweep: "faults", where: "learning_rate", is: "10000.0"))
            let states = try db.trialStates(sweep: "faults")
            let fine = try #require(Set(states.keys).subtracting([crashed, boom]).first)
            #expect(states == [fine: "completed", crashed: "failed", boom: "diverged"])
            // The crash: a one-line reason naming the missing file
            let crash = try db.trialError(id: crashed)
            let reason = try #require(crash.error)
            #expect(reason.contains(corpus.path) && !reason.contains("\n"), "\(reason)")
            // The divergence: at a step after 0 and before the end, with its metrics up to there
            let divergence = try db.trialError(id: boom)
            let step = try #require(divergence.divergedStep)
            #expect(step > 0 && step < 30)
            #expect(divergence.error?.contains("step \(step)") == true, "\(String(describing: divergence.error))")
            #expect(try db.metricSteps(sweep: "faults")[fine] == SweepSpecs.tinyEvaluations)

            // `rewarm status --json` counts them and lists both with their reasons
            let status = try await RewarmCommand.run(["status", "faults", "--results", folder.results.path, "--json"], in: folder.url)
            #expect(status.exitCode == 0, "stderr: \(status.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let counts = try #require(report["counts"] as? [String: Int])
            #expect(counts["completed"] == 1 && counts["failed"] == 1 && counts["diverged"] == 1, "\(counts)")
            let failures = try #require(report["failures"] as? [[String: Any]])
            #expect(Set(failures.compactMap { $0["id"] as? String }) == [crashed, boom])

            // When the file is back and the sweep runs again with --retry-failed
            try folder.write("down.txt", SweepSpecs.textCorpus())
            let retry = try await folder.sweep(spec, ["--retry-failed"])
            #expect(retry.exitCode == 0, "stderr: \(retry.stderr)")
            #expect(retry.stdout.contains("2 completed") && retry.stdout.contains("1 diverged"), "\(retry.stdout)")
            // Then only the failed and diverged trials ran again: the crashed one completes now
            let trials = folder.trialFolders(sweep: "faults")
            #expect(RunFolder.endedAttempts(trials[fine]!) == 1, "\(RunFolder.logLines(trials[fine]!))")
            #expect(RunFolder.endedAttempts(trials[crashed]!) == 2, "\(RunFolder.logLines(trials[crashed]!))")
            #expect(RunFolder.endedAttempts(trials[boom]!) == 2, "\(RunFolder.logLines(trials[boom]!))")
            let after = try ResultsDatabase(folder.database)
            #expect(try after.trialStates(sweep: "faults") == [fine: "completed", crashed: "completed", boom: "diverged"])
            #expect(try after.metricSteps(sweep: "faults")[crashed] == SweepSpecs.tinyEvaluations)
            #expect(try after.trialError(id: crashed).error == nil)
            #expect(try after.duplicatedMetricRows() == 0)
        }
    }
}
