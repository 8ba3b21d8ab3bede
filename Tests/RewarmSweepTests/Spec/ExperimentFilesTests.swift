import Foundation
import RewarmEngine
import Testing
@testable import RewarmStore
@testable import RewarmSweep

/// The YAML files shipped in `experiments/` and the README's references to them stay true.
@Suite("Shipped experiment files")
struct ExperimentFilesTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }()

    static func experimentFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: root.appendingPathComponent("experiments"), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test("every experiments/ file the README names exists")
    func readmeReferencesExist() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let named = Set(readme.matches(of: /experiments\/[A-Za-z0-9_.-]+\.yaml/).map { String($0.output) })
        #expect(!named.isEmpty)
        for path in named.sorted() {
            #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(path).path), "README names \(path)")
        }
    }

    @Test("every file in experiments/ parses: a sweep spec (it has a name) or a run config")
    func everyFileParses() throws {
        let files = try Self.experimentFiles()
        #expect(files.count >= 2)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let isSpec = text.split(separator: "\n").contains { $0.hasPrefix("name:") }
            #expect(throws: Never.self, "\(file.lastPathComponent)") {
                if isSpec {
                    _ = try SweepSpec.load(file: file)
                } else {
                    _ = try RunConfig.load(yamlFile: file)
                }
            }
        }
    }
}
