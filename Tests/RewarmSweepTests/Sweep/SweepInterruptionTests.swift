import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension SweepEndToEndTests {
    @Suite("A sweep killed or interrupted resumes without running anything twice")
    struct Interruption {
        /// Starts the long sweep and returns once a trial has evaluated past step 0 while others
        /// are unfinished (the moment to interrupt it), with the ids of the unfinished trials.
        private func startLongSweep(in folder: SweepFolder) async throws -> (RewarmCommand.Running, URL, unfinished: Set<String>) {
            let spec = try folder.write("long.yaml", SweepSpecs.long)
            let sweep = try RewarmCommand.Running(folder.sweepArguments(spec), in: folder.url)
            var unfinished: Set<String> = []
            let midway = try await waitUntil(timeout: 90) {
                let trials = folder.trialFolders(sweep: "long")
                let evaluated = trials.values.contains { RunFolder.metricSteps($0).contains { $0 > 0 } }
                unfinished = Set(trials.keys.filter { RunFolder.count("completed at step", in: trials[$0]!) == 0 })
                let started = trials.count
                return !sweep.isRunning || (evaluated && (unfinished.count > 0 || started < SweepSpecs.longTrials))
            }
            try #require(midway && sweep.isRunning, "the sweep ended or stalled before a trial evaluated past step 0")
            return (sweep, spec, unfinished)
        }

        /// Checks a results folder after the long sweep finished: every trial completed exactly
        /// once, metric rows unique (database and metrics.jsonl), a sound database.
        private func expectCompletedOnce(_ folder: SweepFolder) throws {
            let db = try ResultsDatabase(folder.database)
            #expect(try db.integrityCheck() == ["ok"])
            let states = try db.trialStates(sweep: "long")
            #expect(states.count == SweepSpecs.longTrials)
            #expect(states.values.allSatisfy { $0 == "completed" }, "\(states)")
            #expect(try db.duplicatedMetricRows() == 0)
            for (id, steps) in try db.metricSteps(sweep: "long") {
                #expect(steps == SweepSpecs.longEvaluations, "trial \(id)")
            }
            let trials = folder.trialFolders(sweep: "long")
            #expect(trials.count == SweepSpecs.longTrials)
            for (id, dir) in trials {
                #expect(RunFolder.count("completed at step", in: dir) == 1, "trial \(id): \(RunFolder.logLines(dir))")
                #expect(RunFolder.metricSteps(dir) == SweepSpecs.longEvaluations, "trial \(id) metrics.jsonl")
            }
        }

        @Test("A sweep killed with SIGKILL while trials run resumes: every trial completes exactly once")
        func killedSweepResumes() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            let (sweep, spec, unfinished) = try await startLongSweep(in: folder)
            // When the sweep process is killed outright
            sweep.send(SIGKILL)
            let killed = try await sweep.finish(timeout: 20)
            #expect(killed.signal == SIGKILL)
            // Then its trial processes notice and stop by themselves
            let orphansGone = try await waitUntil(timeout: 20) { trialProcesses(under: folder.results).isEmpty }
            #expect(orphansGone, "run-trial processes still running: \(trialProcesses(under: folder.results))")
            // And the trials it was running are left `running` in the database until the next run
            let before = try ResultsDatabase(folder.database).trialStates(sweep: "long")
            #expect(before.values.contains("running"), "\(before)")

            // When the same command runs again
            let resumed = try await RewarmCommand.run(folder.sweepArguments(spec), in: folder.url)
            // Then it succeeds and every trial completed exactly once, none left running
            #expect(resumed.exitCode == 0, "stderr: \(resumed.stderr)")
            try expectCompletedOnce(folder)
            // And the trials that were cut short stopped themselves with a checkpoint and continued from it
            let trials = folder.trialFolders(sweep: "long")
            RunFolder.expectResumedWhereStopped(trials.filter { unfinished.contains($0.key) })
        }

        @Test("SIGINT stops a sweep cleanly with exit code 130, and the next run completes every trial once")
        func interruptedSweepResumes() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            let (sweep, spec, _) = try await startLongSweep(in: folder)
            // When the sweep gets SIGINT, as from Ctrl-C
            sweep.send(SIGINT)
            let stopped = try await sweep.finish(timeout: 60)
            // Then it exits 130 with its children gone and no trial left running
            #expect(stopped.exitCode == 130, "signal \(String(describing: stopped.signal)); stderr: \(stopped.stderr)")
            #expect(trialProcesses(under: folder.results).isEmpty)
            let states = try ResultsDatabase(folder.database).trialStates(sweep: "long")
            #expect(!states.values.contains("running"), "\(states)")
            #expect(!states.values.contains { $0 == "failed" || $0 == "diverged" }, "\(states)")
            let running = folder.trialFolders(sweep: "long").filter { RunFolder.count("completed at step", in: $0.value) == 0 }

            // When the same command runs again
            let resumed = try await RewarmCommand.run(folder.sweepArguments(spec), in: folder.url)
            // Then every trial completed exactly once; the stopped ones continued from their step
            #expect(resumed.exitCode == 0, "stderr: \(resumed.stderr)")
            try expectCompletedOnce(folder)
            RunFolder.expectResumedWhereStopped(running)
        }

        @Test("A second sweep on a results folder in use is refused with one line, and the first finishes")
        func concurrentSweepRefused() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            let (sweep, spec, _) = try await startLongSweep(in: folder)
            // When another sweep starts on the same results folder
            let second = try await RewarmCommand.run(folder.sweepArguments(spec), in: folder.url)
            // Then it is refused, naming the database and the lock
            #expect(second.exitCode == 2)
            #expect(second.stderrLines.count == 1, "\(second.stderrLines)")
            #expect(second.stderr.contains("rewarm.sqlite") && second.stderr.contains("locked"), "\(second.stderr)")
            // And the first sweep finishes undisturbed
            let first = try await sweep.finish(timeout: 120)
            #expect(first.exitCode == 0, "stderr: \(first.stderr)")
            try expectCompletedOnce(folder)
        }
    }
}
