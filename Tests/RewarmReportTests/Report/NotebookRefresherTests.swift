import Foundation
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("Notebook refresh")
struct NotebookRefresherTests {
    static func refresher(directory: URL = URL(fileURLWithPath: "/nonexistent-notebooks"), gnuplot: Gnuplot? = nil) -> NotebookRefresher {
        NotebookRefresher(file: "study.md", directory: directory, reports: ["fixture": ReportFixtures.report()], gnuplot: gnuplot)
    }

    // Hand-written parts with trailing spaces, CRLF and LF lines, a tab, no final newline.
    static let before = "# Study  \r\nIntro line with trailing spaces   \n\tindented\r\n\r\n"
    static let middle = "\nBetween the blocks.  \r\n"
    static let after = "\nAfter: the end, no final newline  "
    static let tableMarker = "<!-- rewarm:table sweep=fixture -->\r\n"
    static let findingsMarker = "  <!-- rewarm:findings sweep=fixture -->\n"
    static let end = "<!-- rewarm:end -->\r\n"
    static let endLF = "<!-- rewarm:end -->"

    static let notebook = before + tableMarker + "stale table\r\n| old |\r\n" + end + middle
        + findingsMarker + "stale findings\n" + endLF + "\n" + after

    @Test("Refresh replaces only the lines between markers and keeps every other byte as written")
    func keepsHandWrittenText() async throws {
        let out = Array(try await Self.refresher().refresh(text: Self.notebook).utf8)
        let head = Array((Self.before + Self.tableMarker).utf8)
        #expect(Array(out.prefix(head.count)) == head)
        let tail = Array((Self.endLF + "\n" + Self.after).utf8)
        #expect(Array(out.suffix(tail.count)) == tail)
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.contains(Self.end + Self.middle + Self.findingsMarker))
        #expect(!text.contains("stale"))
        #expect(text.contains(
            "| # | condition | seeds | state | Lup(T) | Ldown(T) | bpb up(T) | bpb down(T) | forget | learn |\r\n"))
        #expect(text.contains("### F3. Max LR trades learning for forgetting\n"))
    }

    @Test("A block takes its marker's line ending: a CRLF marker gets CRLF content")
    func lineEndings() async throws {
        let out = try await Self.refresher().refresh(text: Self.notebook)
        let scalars = Array(out.unicodeScalars)
        let text = String(String.UnicodeScalarView(scalars))
        let start = try #require(text.range(of: Self.tableMarker))
        let stop = try #require(text.range(of: Self.end))
        let block = Array(text[start.upperBound..<stop.lowerBound].unicodeScalars)
        #expect(block.count > 100)
        for (i, s) in block.enumerated() where s == "\n" { #expect(i > 0 && block[i - 1] == "\r") }
        #expect(block.prefix(2) == ["\r", "\n"])
    }

    @Test("Refreshing twice gives the same bytes")
    func idempotent() async throws {
        let r = Self.refresher()
        let once = try await r.refresh(text: Self.notebook)
        let twice = try await r.refresh(text: once)
        #expect(Array(once.utf8) == Array(twice.utf8))
        #expect(try await r.refresh(text: "no blocks\r\n  at all ") == "no blocks\r\n  at all ")
    }

    @Test("Markers inside fenced code are text, not blocks")
    func fencedMarkers() async throws {
        let text = "```\n<!-- rewarm:table sweep=nope -->\n```\n~~~md\n<!-- rewarm:end -->\n~~~\n"
        #expect(try await Self.refresher().refresh(text: text) == text)
    }

    @Test("Malformed notebooks are refused with the file and line")
    func errors() async throws {
        let r = Self.refresher()
        await #expect(throws: ReportError.unknownBlockKind(file: "study.md", line: 2, kind: "tabel")) {
            try await r.refresh(text: "x\n<!-- rewarm:tabel sweep=fixture -->\n<!-- rewarm:end -->\n")
        }
        await #expect(throws: ReportError.unknownSweep(file: "study.md", line: 1, sweep: "max-lr")) {
            try await r.refresh(text: "<!-- rewarm:table sweep=max-lr -->\n<!-- rewarm:end -->\n")
        }
        await #expect(throws: ReportError.unclosedBlock(file: "study.md", line: 1)) {
            try await r.refresh(text: "<!-- rewarm:table sweep=fixture -->\ntext\n")
        }
        await #expect(throws: ReportError.unclosedBlock(file: "study.md", line: 1)) {
            try await r.refresh(text: "<!-- rewarm:table sweep=fixture -->\n<!-- rewarm:findings sweep=fixture -->\n<!-- rewarm:end -->\n")
        }
        await #expect(throws: ReportError.strayEnd(file: "study.md", line: 3)) {
            try await r.refresh(text: "a\nb\n<!-- rewarm:end -->\n")
        }
        await #expect(throws: ReportError.badMarker(file: "study.md", line: 1, problem: "rewarm:table needs sweep=NAME")) {
            try await r.refresh(text: "<!-- rewarm:table -->\n<!-- rewarm:end -->\n")
        }
        do {
            _ = try await r.refresh(text: "\n<!-- rewarm:chart sweep=fixture chart=nope -->\n<!-- rewarm:end -->\n")
            Issue.record("an unknown chart was accepted")
        } catch {
            #expect(error.description.hasPrefix("study.md:2: unknown chart 'nope' (this sweep has: upstream-learning_rate, "))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("The sweeps a notebook names are listed once each, in order")
    func sweepNames() throws {
        let text = "<!-- rewarm:table sweep=b -->\n<!-- rewarm:end -->\n<!-- rewarm:chart sweep=a chart=x -->\n"
            + "<!-- rewarm:end -->\n<!-- rewarm:findings sweep=b -->\n<!-- rewarm:end -->\n"
        #expect(try NotebookRefresher.sweeps(in: text, file: "n.md") == ["b", "a"])
    }

    @Test("A chart block renders the chart next to the notebook and links it relatively")
    func chartBlock() async throws {
        let gnuplot = try #require(Gnuplot.locate())
        let folder = try ReportTemporaryFolder()
        defer { folder.remove() }
        let r = Self.refresher(directory: folder.url, gnuplot: gnuplot)
        let text = "Chart:\n<!-- rewarm:chart sweep=fixture chart=upstream-learning_rate -->\n<!-- rewarm:end -->\n"
        let out = try await r.refresh(text: text)
        #expect(out.contains("(charts/fixture/upstream-learning_rate.png)](charts/fixture/upstream-learning_rate.svg)\n"))
        #expect(folder.size("charts/fixture/upstream-learning_rate.png") > 0)
        #expect(folder.size("charts/fixture/upstream-learning_rate.svg") > 0)
        #expect(folder.size("charts/fixture/upstream-learning_rate.gp") > 0)
    }

    @Test("Without gnuplot a chart block says the chart was skipped and how to install gnuplot")
    func chartBlockWithoutGnuplot() async throws {
        let folder = try ReportTemporaryFolder()
        defer { folder.remove() }
        let out = try await Self.refresher(directory: folder.url).refresh(
            text: "<!-- rewarm:chart sweep=fixture chart=tradeoff -->\n<!-- rewarm:end -->\n")
        #expect(out == "<!-- rewarm:chart sweep=fixture chart=tradeoff -->\n\nChart skipped: gnuplot is not installed "
            + "(`apt-get install gnuplot-nox`); its script and data are in `charts/fixture/`.\n\n<!-- rewarm:end -->\n")
    }

    @Test("Refreshing a file writes it back only when a block changed")
    func refreshFile() async throws {
        let folder = try ReportTemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("study.md")
        try Data(Self.notebook.utf8).write(to: url)
        let r = Self.refresher(directory: folder.url)
        #expect(try await r.refresh(fileAt: url))
        let first = try Data(contentsOf: url)
        #expect(try await r.refresh(fileAt: url) == false)
        #expect(try Data(contentsOf: url) == first)
    }
}
