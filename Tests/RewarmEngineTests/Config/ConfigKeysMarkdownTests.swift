import Foundation
import Testing
@testable import RewarmEngine

/// `docs/config-keys.md` is generated from the key registry; these tests keep the committed file
/// equal to what `rewarm keys --markdown` prints and the rendering complete.
@Suite("Config keys Markdown: docs/config-keys.md")
struct ConfigKeysMarkdownTests {
    /// The repository's `docs/config-keys.md`, found from this file's path
    /// (Tests/RewarmEngineTests/Config/ is three folders below the root).
    static let docsFile: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("docs").appendingPathComponent("config-keys.md")
    }()

    static let regenerate = "regenerate it with `swift run rewarm keys --markdown > docs/config-keys.md`"

    @Test("docs/config-keys.md is what rewarm keys --markdown prints")
    func docsFileMatches() throws {
        let generated = RunConfig.keysMarkdown()
        guard let written = try? String(contentsOf: Self.docsFile, encoding: .utf8) else {
            Issue.record("\(Self.docsFile.path) is missing or unreadable: \(Self.regenerate)")
            return
        }
        guard written != generated else { return }
        let a = written.split(separator: "\n", omittingEmptySubsequences: false)
        let b = generated.split(separator: "\n", omittingEmptySubsequences: false)
        let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        let file = line < a.count ? String(a[line]) : "(end of file)"
        let want = line < b.count ? String(b[line]) : "(end of output)"
        Issue.record("""
            docs/config-keys.md differs from RunConfig.keysMarkdown() at line \(line + 1):
              file:      \(file)
              generated: \(want)
            The file is generated: \(Self.regenerate)
            """)
    }

    @Test("the table has one row per registry key, in registry order, with its default")
    func oneRowPerKey() {
        let rows = RunConfig.keysMarkdown().split(separator: "\n").filter { $0.hasPrefix("| `") }
        #expect(rows.count == RunConfig.keys.count)
        for (row, key) in zip(rows, RunConfig.keys) {
            #expect(row.hasPrefix("| `\(key.name)` |"), "row \(row) should be \(key.name)'s")
            #expect(row.contains("| `\(key.defaultText)` |"), "\(key.name): default \(key.defaultText) missing in \(row)")
        }
        let lr = rows.first { $0.hasPrefix("| `learning_rate` |") }
        #expect(lr == "| `learning_rate` | a number | > 0 | `0.001` | Peak learning rate of AdamW. |")
    }

    @Test("every key that applies to some fine-tuning types only is named with those types")
    func appliesTo() {
        let paragraph = RunConfig.appliesToParagraph().replacingOccurrences(of: "\n", with: " ")
        // The listing: "`a`, `b` only with `lora` or `qlora`; ..." between "values: " and ". ".
        let listing = paragraph.split(separator: "values: ").last?.split(separator: ". ").first ?? ""
        let named = Set(listing.split(separator: ";").flatMap { group in
            (group.split(separator: " only with ").first ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
        })
        #expect(named == Set(RunConfig.keys.filter { $0.appliesTo != nil }.map(\.name)))
        #expect(RunConfig.appliesToParagraph().split(separator: "\n").allSatisfy { $0.count <= 100 })
        #expect(paragraph.contains("`freeze_trainable_layers`, `trainable_modules` only with `freeze`"))
        #expect(paragraph.contains("`quantization_bit`, `quantization_type` only with `qlora`"))
    }
}
