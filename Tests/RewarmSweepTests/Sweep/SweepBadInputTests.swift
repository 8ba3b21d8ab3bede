import Foundation
import GRDB
import Testing

extension SweepEndToEndTests {
    @Suite("Bad input is refused with one line and writes nothing")
    struct BadInput {
        /// Runs `rewarm sweep` on `specText` and checks the refusal: exit 2, one stderr line that
        /// contains each of `mentions`, and no results folder afterwards.
        private func expectRefused(_ specText: String, mentions: [String]) async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            let spec = try folder.write("bad.yaml", specText)
            let result = try await folder.sweep(spec)
            #expect(result.exitCode == 2, "stdout: \(result.stdout)")
            #expect(result.stderrLines.count == 1, "\(result.stderrLines)")
            for text in mentions {
                #expect(result.stderr.contains(text), "'\(text)' not in: \(result.stderr)")
            }
            #expect(!FileManager.default.fileExists(atPath: folder.results.path), "the results folder was created")
        }

        @Test("A spec with an unknown key exits 2 naming the file, the key path and the closest key")
        func unknownKey() async throws {
            let text = SweepSpecs.tiny.replacingOccurrences(of: "  max_steps: 30\n", with: "  max_steps: 30\n  learnin_rate: 1.0e-3\n")
            try #require(text != SweepSpecs.tiny)
            try await expectRefused(text, mentions: ["bad.yaml", "defaults.learnin_rate", "learning_rate"])
        }

        @Test("Malformed YAML exits 2 naming the file with the line of the error")
        func malformedYAML() async throws {
            let text = "name: broken\nbase:\n  model: tiny\n  save_at: [0.5, 1.0\ndefaults:\n  max_steps: 30\n"
            try await expectRefused(text, mentions: ["bad.yaml:", "malformed YAML"])
        }

        /// Another program's SQLite file: application_id 0x12345678 and a table of pets.
        private func writeForeignDatabase(at file: URL) throws {
            let queue = try DatabaseQueue(path: file.path)
            try queue.write { db in
                try db.execute(sql: "PRAGMA application_id = 305419896")
                try db.execute(sql: "CREATE TABLE pets (name TEXT)")
                try db.execute(sql: "INSERT INTO pets VALUES ('rex')")
            }
            try queue.close()
        }

        @Test("A results folder holding another application's rewarm.sqlite is refused and left unchanged")
        func foreignDatabase() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            // Given a results folder whose rewarm.sqlite belongs to another program
            try FileManager.default.createDirectory(at: folder.results, withIntermediateDirectories: true)
            try writeForeignDatabase(at: folder.database)
            let bytes = try Data(contentsOf: folder.database)
            let listing = try FileManager.default.contentsOfDirectory(atPath: folder.results.path).sorted()
            let spec = try folder.write("tiny-lr.yaml", SweepSpecs.tiny)
            // When a sweep is run into it
            let result = try await folder.sweep(spec)
            // Then it exits 2 with one line naming the database, and nothing was touched or added
            #expect(result.exitCode == 2, "stdout: \(result.stdout)")
            #expect(result.stderrLines.count == 1, "\(result.stderrLines)")
            #expect(result.stderr.contains(folder.database.path) && result.stderr.contains("not a Rewarm database"), "\(result.stderr)")
            #expect(try Data(contentsOf: folder.database) == bytes)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.results.path).sorted() == listing)
        }
    }
}
