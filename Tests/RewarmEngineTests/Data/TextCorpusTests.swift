import Foundation
import Testing
@testable import RewarmEngine

@Suite("Text, folder and JSON Lines corpora")
struct TextCorpusTests {
    @Test("A .txt file splits into documents at blank lines, keeps indentation and reads CR LF like LF")
    func parsesTextFile() {
        let text = "\n\nFirst doc\n  indented line   \n\n \t \n\n\nSecond doc\r\nline 2\r\n\r\nThird"
        let documents = PlainTextFile.documents(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
        #expect(documents == ["First doc\n  indented line", "Second doc\nline 2", "Third"])
    }

    @Test("A folder reads its .txt files sorted by name and ignores other files")
    func readsFolder() throws {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        folder.write("b.txt", "b one\n\nb two\n")
        folder.write("a.txt", "a one\n\n\na two\n\na three")
        folder.write("notes.md", "not a corpus file\n")
        folder.write("sub/c.txt", "not read: subfolder\n")
        let source = try CorpusSource(spec: folder.path)
        let (docs, files) = try source.read(fortunesDirectory: "/nonexistent")
        #expect(files == [folder.path + "/a.txt", folder.path + "/b.txt"])
        #expect(docs.map { String(decoding: $0, as: UTF8.self) } == ["a one", "a two", "a three", "b one", "b two"])
    }

    @Test("A .jsonl file gives one document per record's text, skipping blank lines and empty texts")
    func parsesJSONLines() throws {
        let lines = """
            {"text": "plain", "id": 1}

            {"id": 2, "text": "with \\"quotes\\"\\nand a newline"}
            {"text": "\\u4e2d\\u6587 \u{1F600}"}
               \t
            {"text": "   "}
            """
        let documents = try JSONLinesFile.documents(Array(lines.utf8), file: "c.jsonl")
            .map { String(decoding: $0, as: UTF8.self) }
        #expect(documents == ["plain", "with \"quotes\"\nand a newline", "\u{4E2D}\u{6587} \u{1F600}"])
    }

    @Test("Token streams are the documents each followed by a blank line, split between train and validation")
    func buildsTokenStreams() throws {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        let path = folder.write("d.jsonl", (0..<10).map { "{\"text\": \"doc \($0)\"}" }.joined(separator: "\n"))
        let corpus = try Corpus.load(path, valSize: 0.2)
        #expect(corpus.name == path && corpus.files == [path])
        #expect(corpus.trainDocumentCount == 8 && corpus.validationDocumentCount == 2)
        let train = documentTexts(of: corpus.trainTokens)
        let validation = documentTexts(of: corpus.validationTokens)
        #expect(train.count == 8 && validation.count == 2)
        #expect(Set(train + validation) == Set((0..<10).map { "doc \($0)" }))
        #expect(corpus.trainTokens.suffix(2) == [0x0A, 0x0A])
        #expect(corpus.textByteCount == 10 * "doc 0".utf8.count)
    }

    @Test("Byte tokens round-trip UTF-8 text and cover 256 ids")
    func byteTokenizerRoundTrips() {
        let text = "Hello, \u{4E16}\u{754C}!\n"
        let tokens = ByteTokenizer.encode(text)
        #expect(tokens.count == text.utf8.count)
        #expect(tokens.allSatisfy { (0..<256).contains($0) })
        #expect(ByteTokenizer.decode(tokens) == text)
        #expect(ByteTokenizer.vocabularySize == 256)
    }
}
