import Foundation
import Testing

extension SweepEndToEndTests {
    @Suite("A changed spec under the same name")
    struct SpecChange {
        static func spec(rates: String) -> String {
            SweepSpecs.small("change", """
                grid:
                  learning_rate: [\(rates)]
                seeds: [1]
                """)
        }

        @Test("A changed spec is refused pointing to --allow-new-trials, which runs the new trials and keeps the old")
        func changedSpecRefusedThenAllowed() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            // Given a finished sweep of two learning rates
            let spec = try folder.write("change.yaml", Self.spec(rates: "1.5e-3, 3.0e-3"))
            let first = try await folder.sweep(spec)
            try #require(first.exitCode == 0, "stderr: \(first.stderr)")
            let old = try ResultsDatabase(folder.database).metricSteps(sweep: "change")
            try #require(old.count == 2)
            let oldFolders = folder.trialFolders(sweep: "change")

            // When its spec drops one rate and adds another under the same name
            try folder.write("change.yaml", Self.spec(rates: "3.0e-3, 6.0e-3"))
            let refused = try await folder.sweep(spec)
            // Then the sweep is refused with a message that names the flag, and nothing ran
            #expect(refused.exitCode != 0 && refused.exitCode != nil)
            #expect(refused.stderrLines.count == 1, "\(refused.stderrLines)")
            #expect(refused.stderr.contains("--allow-new-trials"), "\(refused.stderr)")
            #expect(Set(folder.trialFolders(sweep: "change").keys) == Set(oldFolders.keys))
            #expect(try ResultsDatabase(folder.database).metricSteps(sweep: "change") == old)

            // When it runs with --allow-new-trials
            let allowed = try await folder.sweep(spec, ["--allow-new-trials"])
            // Then the new trial ran, and the old ones are kept as they were (not run again)
            #expect(allowed.exitCode == 0, "stderr: \(allowed.stderr)")
            let db = try ResultsDatabase(folder.database)
            let states = try db.trialStates(sweep: "change")
            #expect(states.count == 3 && states.values.allSatisfy { $0 == "completed" }, "\(states)")
            let steps = try db.metricSteps(sweep: "change")
            for id in old.keys { #expect(steps[id] == old[id], "old trial \(id)") }
            let added = try #require(try db.trialID(sweep: "change", where: "learning_rate", is: "0.006"))
            #expect(old[added] == nil)
            #expect(steps[added] == SweepSpecs.tinyEvaluations)
            for (id, dir) in oldFolders {
                #expect(RunFolder.count("start at step", in: dir) == 1, "old trial \(id): \(RunFolder.logLines(dir))")
            }
            #expect(try db.integrityCheck() == ["ok"])
        }
    }
}
