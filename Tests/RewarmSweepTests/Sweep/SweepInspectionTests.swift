import Foundation
import Testing

extension SweepEndToEndTests {
    @Suite("Reading a sweep's results: export and status")
    struct Inspection {
        @Test("export --format csv writes a header and one row per metric row; status --json counts match the database")
        func exportAndStatus() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            let spec = try folder.write("inspect.yaml", SweepSpecs.small("inspect", """
                grid:
                  learning_rate: [1.5e-3, 3.0e-3]
                trials:
                  - {name: scratch, init_from: scratch}
                seeds: [1]
                """))
            let run = try await folder.sweep(spec)
            try #require(run.exitCode == 0, "stderr: \(run.stderr)")
            let db = try ResultsDatabase(folder.database)
            let metricRows = try db.count("metric")
            #expect(metricRows == 3 * SweepSpecs.tinyEvaluations.count)

            // The CSV: a header, then one row per metric row, each with as many fields as the header
            let export = try await RewarmCommand.run(
                ["export", "inspect", "--format", "csv", "--results", folder.results.path], in: folder.url)
            #expect(export.exitCode == 0, "stderr: \(export.stderr)")
            let lines = export.stdout.split(separator: "\n").map(String.init)
            let header = try #require(lines.first).split(separator: ",", omittingEmptySubsequences: false)
            #expect(header.starts(with: ["trial_id", "name", "seed", "state"]))
            #expect(header.contains("step") && header.contains("downstream_loss") && header.contains("upstream_loss"))
            #expect(lines.count - 1 == metricRows)
            for line in lines.dropFirst() {
                #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == header.count, "\(line)")
            }
            // Rows name their trial and step: the (trial, step) pairs are those of the database
            let stepColumn = try #require(header.firstIndex(of: "step"))
            let pairs = lines.dropFirst().map { line -> String in
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                return "\(fields[0])@\(fields[stepColumn])"
            }
            let expected = try db.metricSteps(sweep: "inspect").flatMap { id, steps in steps.map { "\(id)@\($0)" } }
            #expect(pairs.sorted() == expected.sorted())

            // The status: JSON whose counts are the database's
            let status = try await RewarmCommand.run(["status", "inspect", "--json", "--results", folder.results.path], in: folder.url)
            #expect(status.exitCode == 0, "stderr: \(status.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let states = try db.trialStates(sweep: "inspect")
            #expect(report["sweep"] as? String == "inspect")
            #expect(report["trials"] as? Int == states.count)
            let counts = try #require(report["counts"] as? [String: Int])
            let expectedCounts = Dictionary(grouping: states.values, by: { $0 }).mapValues(\.count)
            #expect(counts.filter { $0.value > 0 } == expectedCounts)
            #expect((report["failures"] as? [Any])?.isEmpty == true)
        }
    }
}
