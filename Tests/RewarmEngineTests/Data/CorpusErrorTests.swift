import Foundation
import Testing
@testable import RewarmEngine

@Suite("Corpus errors")
struct CorpusErrorTests {
    /// The error `body` throws (nil if it returns), after checking its description is one line.
    func error(_ body: () throws -> Void) -> CorpusError? {
        do {
            try body()
            return nil
        } catch let error as CorpusError {
            #expect(!error.description.contains("\n"), "multi-line: \(error.description)")
            return error
        } catch {
            Issue.record("not a CorpusError: \(error)")
            return nil
        }
    }

    @Test("A missing file is named in the error")
    func missingFile() {
        let e = error { _ = try Corpus.load("/nonexistent/rewarm/data.txt", valSize: 0.1) }
        #expect(e == .missingPath(path: "/nonexistent/rewarm/data.txt", hint: String?.none))
        #expect(e?.description == "/nonexistent/rewarm/data.txt: no such file or folder")
    }

    @Test("Missing fortune files say which Debian package installs them")
    func missingFortunes() {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        let zh = error { _ = try Corpus.load("fortunes-zh", valSize: 0.1, fortunesDirectory: folder.path + "/none") }
        #expect(zh?.description.contains("apt-get install fortunes-zh") == true)
        folder.write("chinese", "\u{4E2D}\n")
        let tang = error { _ = try Corpus.load("fortunes-zh", valSize: 0.1, fortunesDirectory: folder.path) }
        #expect(tang == .missingPath(path: folder.path + "/tang300", hint: "install it with `apt-get install fortunes-zh`"))
        let en = error { _ = try Corpus.load("fortunes-en", valSize: 0.1, fortunesDirectory: folder.path) }
        #expect(en?.description.contains("apt-get install fortunes`") == true)
    }

    @Test("Missing German fortunes say to install fortunes-de, in one line like the others")
    func missingGermanFortunes() {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        folder.write("fortunes", "English only\n")
        let de = error { _ = try Corpus.load("fortunes-de", valSize: 0.1, fortunesDirectory: folder.path) }
        #expect(de == .missingPath(path: folder.path + "/de", hint: "install it with `apt-get install fortunes-de`"))
        #expect(de?.description == "\(folder.path)/de: no such file or folder (install it with `apt-get install fortunes-de`)")
        folder.write("de/anekdoten.dat", bytes: [0, 0, 0, 2])
        let empty = error { _ = try Corpus.load("fortunes-de", valSize: 0.1, fortunesDirectory: folder.path) }
        #expect(empty == .emptyCorpus(
            name: "fortunes-de",
            reason: "no German fortune files in \(folder.path)/de (install them with `apt-get install fortunes-de`)"))
    }

    @Test("An unknown corpus name lists the built-ins")
    func unknownName() {
        let e = error { _ = try Corpus.load("fortunes", valSize: 0.1) }
        #expect(e == .unknownCorpus(name: "fortunes", builtIns: CorpusSource.builtInNames))
        #expect(e?.description.contains("fortunes-en, fortunes-zh, fortunes-de, licenses, synthetic") == true)
    }

    @Test("A corpus with no documents, or a folder with no .txt files, is empty")
    func emptyCorpus() {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        let blank = folder.write("blank.txt", "\n  \n\t\n\n")
        #expect(error { _ = try Corpus.load(blank, valSize: 0.1) } == .emptyCorpus(
            name: blank, reason: "no documents (every entry is empty or the source holds none)"))
        let sub = folder.path + "/sub"
        folder.write("sub/readme.md", "no txt here")
        #expect(error { _ = try Corpus.load(sub, valSize: 0.1) } == .emptyCorpus(name: sub, reason: "no .txt files in the folder"))
        let one = folder.write("one.txt", "a single document\n")
        #expect(error { _ = try Corpus.load(one, valSize: 0.1) } == .tooFewDocuments(name: one, count: 1))
    }

    @Test("Invalid UTF-8 names the file, the line and the byte offset")
    func invalidUTF8() {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        let bad = folder.write("bad.txt", bytes: Array("ok line\nsecond ".utf8) + [0xE4, 0xB8, 0x41] + Array(" rest\n".utf8))
        let e = error { _ = try Corpus.load(bad, valSize: 0.1) }
        #expect(e == .invalidUTF8(file: bad, line: 2, byteOffset: 15))
        #expect(e?.description == "\(bad):2: invalid UTF-8 at byte offset 15")
        // Overlong, surrogate and truncated sequences are caught too.
        for bytes: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x41, 0xF0, 0x9F, 0x98]] {
            #expect(bytes.withUnsafeBufferPointer { TextFile.firstInvalidUTF8Offset($0) } == (bytes[0] == 0x41 ? 1 : 0))
        }
        #expect(Array("a\u{4E2D}\u{1F600}".utf8).withUnsafeBufferPointer { TextFile.firstInvalidUTF8Offset($0) } == nil)
    }

    @Test("A bad JSON line, a missing text and a non-string text name the file and line")
    func badJSONLines() {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        let broken = folder.write("broken.jsonl", "{\"text\": \"a\"}\n\n{\"text\": \"b\"\n")
        let e = error { _ = try Corpus.load(broken, valSize: 0.1) }
        #expect(e?.description.hasPrefix("\(broken):3: invalid JSON") == true)
        let missing = folder.write("missing.jsonl", "{\"text\": \"a\"}\n{\"title\": \"b\"}\n")
        #expect(error { _ = try Corpus.load(missing, valSize: 0.1) }?.description == "\(missing):2: missing field \"text\"")
        let number = folder.write("number.jsonl", "{\"text\": 5}\n")
        #expect(error { _ = try Corpus.load(number, valSize: 0.1) }?.description == "\(number):1: field \"text\" is not a string")
        let array = folder.write("array.jsonl", "[\"text\"]\n")
        #expect(error { _ = try Corpus.load(array, valSize: 0.1) }?.description
            == "\(array):1: expected a JSON object with a string field \"text\"")
    }

    @Test("val_size outside (0, 0.5] and unsupported files are rejected")
    func badSettings() {
        for v in [0, -0.1, 0.51, .nan] {
            #expect(error { _ = try Corpus.load("synthetic", valSize: v) } == .invalidSetting(
                key: "val_size", value: "\(v)", expected: "a fraction in (0, 0.5]"))
        }
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        let csv = folder.write("data.csv", "a,b\n")
        #expect(error { _ = try Corpus.load(csv, valSize: 0.1) } == .unsupportedFile(path: csv))
    }
}
