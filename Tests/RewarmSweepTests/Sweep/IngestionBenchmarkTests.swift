import Foundation
import Testing
@testable import RewarmStore
@testable import RewarmSweep

/// `IngestionBenchmark` and `rewarm bench-ingest` on a few folders: what they count, not how fast
/// (speed is the command's output, measured in a release build; see the README's "How far it scales").
@Suite("Ingestion benchmark")
struct IngestionBenchmarkTests {
    @Test("every synthetic row is stored once after the two ingestion passes")
    func rowsStoredOnce() throws {
        let folder = try SweepFolder()
        defer { folder.remove() }
        let result = try IngestionBenchmark(trials: 7, evaluations: 4).run(in: folder.url)
        #expect(result.rows == 28)
        #expect(result.storedRows == 28)
        #expect(result.firstSeconds > 0 && result.againSeconds > 0)
        let store = try ResultsStore.open(at: folder.database, writer: false)
        let curve = try store.metrics(trialID: String(format: "%016x", 6)).map(\.step)
        #expect(curve == [0, 100, 200, 300])
    }

    @Test("rewarm bench-ingest prints one JSON line and removes its temporary folder")
    func commandPrintsJSON() async throws {
        let folder = try SweepFolder()
        defer { folder.remove() }
        let run = try await RewarmCommand.run(["bench-ingest", "--trials", "3", "--evaluations", "2"], in: folder.url)
        #expect(run.exitCode == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["rows"] as? Int == 6)
        #expect(object["stored_rows"] as? Int == 6)
        let path = try #require(run.stderrLines.first?.split(separator: " ").first { $0.hasPrefix("/") })
        #expect(!FileManager.default.fileExists(atPath: String(path)))
    }

    @Test("rewarm bench-ingest refuses a folder that already holds results, in one line")
    func refusesExistingResults() async throws {
        let folder = try SweepFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(at: folder.results, withIntermediateDirectories: true)
        let run = try await RewarmCommand.run(["bench-ingest", "--folder", folder.url.path], in: folder.url)
        #expect(run.exitCode == 64)
        #expect(run.stderrLines.first?.contains("\(folder.url.path)/results already exists") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.results.path).isEmpty)
    }
}
