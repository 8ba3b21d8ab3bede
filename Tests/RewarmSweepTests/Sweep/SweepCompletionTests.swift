import Foundation
import Testing

extension SweepEndToEndTests {
    @Suite("A sweep runs every trial once and pre-trains its base once")
    struct Completion {
        @Test("A tiny sweep completes every trial with one metric row per evaluation in a sound database")
        func tinySweepCompletes() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            let spec = try folder.write("tiny-lr.yaml", SweepSpecs.tiny)
            // When the tiny sweep runs with two jobs
            let result = try await folder.sweep(spec)
            // Then it succeeds, and every trial is completed with rows at 0, 10, 20, 30
            #expect(result.exitCode == 0, "stderr: \(result.stderr)")
            let db = try ResultsDatabase(folder.database)
            let states = try db.trialStates(sweep: "tiny-lr")
            #expect(states.count == SweepSpecs.tinyTrials)
            #expect(states.values.allSatisfy { $0 == "completed" }, "\(states)")
            let steps = try db.metricSteps(sweep: "tiny-lr")
            for (id, s) in steps {
                #expect(s == SweepSpecs.tinyEvaluations, "trial \(id)")
            }
            #expect(try db.count("metric") == SweepSpecs.tinyTrials * SweepSpecs.tinyEvaluations.count)
            #expect(try db.baseMetricSteps().values.map { $0 } == [SweepSpecs.baseEvaluations])
            #expect(try db.integrityCheck() == ["ok"])
            // And each trial's durable record agrees: one attempt, completed, one metrics line per evaluation
            let trials = folder.trialFolders(sweep: "tiny-lr")
            #expect(Set(trials.keys) == Set(states.keys))
            for (id, dir) in trials {
                #expect(RunFolder.startSteps(dir) == [0], "trial \(id): \(RunFolder.logLines(dir))")
                #expect(RunFolder.count("completed at step 30", in: dir) == 1, "trial \(id)")
                #expect(RunFolder.metricSteps(dir) == SweepSpecs.tinyEvaluations, "trial \(id)")
            }
        }

        @Test("Running a finished sweep again runs nothing, and another sweep with the same base reuses it")
        func rerunAndSharedBase() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            // Given a finished sweep of two trials and a scratch baseline
            let spec = try folder.write("first.yaml", SweepSpecs.small("first", """
                grid:
                  learning_rate: [1.5e-3, 3.0e-3]
                trials:
                  - {name: scratch, init_from: scratch}
                seeds: [1]
                """))
            let first = try await folder.sweep(spec)
            try #require(first.exitCode == 0, "stderr: \(first.stderr)")
            let trials = folder.trialFolders(sweep: "first")
            try #require(trials.count == 3)
            // When the same command runs again
            let again = try await folder.sweep(spec)
            // Then it succeeds, no trial was attempted again and no metric row was added
            #expect(again.exitCode == 0, "stderr: \(again.stderr)")
            for (id, dir) in trials {
                #expect(RunFolder.count("start at step", in: dir) == 1, "trial \(id): \(RunFolder.logLines(dir))")
                #expect(RunFolder.count("completed at step", in: dir) == 1, "trial \(id)")
            }
            #expect(try ResultsDatabase(folder.database).count("metric") == 3 * SweepSpecs.tinyEvaluations.count)

            // When a sweep of another name names the same base
            let other = try folder.write("other.yaml", SweepSpecs.small("same-base", """
                grid:
                  learning_rate: [6.0e-3]
                seeds: [1]
                """))
            let reuse = try await folder.sweep(other)
            // Then its trial completes from the cached base, which was pre-trained once in all
            #expect(reuse.exitCode == 0, "stderr: \(reuse.stderr)")
            let bases = folder.baseFolders()
            try #require(bases.count == 1, "bases: \(bases.map(\.lastPathComponent))")
            #expect(RunFolder.count("start at step", in: bases[0]) == 1, "\(RunFolder.logLines(bases[0]))")
            let db = try ResultsDatabase(folder.database)
            #expect(try db.count("base") == 1)
            #expect(try db.trialStates(sweep: "same-base").values.map { $0 } == ["completed"])
            #expect(try db.metricSteps(sweep: "same-base").values.map { $0 } == [SweepSpecs.tinyEvaluations])
            #expect(try db.integrityCheck() == ["ok"])
        }
    }
}
