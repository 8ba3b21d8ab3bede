import Foundation
import Testing
@testable import RewarmEngine

@Suite("Fortune corpora")
struct FortuneCorpusTests {
    @Test("A fortune file splits on % lines, strips ANSI escapes and overstrikes, and drops empty entries")
    func parsesFortuneFile() {
        let file = "First fortune\nline two\n%\n"
            + "\u{1B}[33mColoured\u{1B}[m \u{1B}[35;1mtext\u{1B}[0m\n%\n%\n   \n%\n"
            + "It's a *__\u{08}\u{08}UN*lucky week: _\u{08}I said so\u{07}\u{07}\r\n%    \n"
            + "\u{1B}[32m\u{300A}\u{8A69}\u{300B}\u{1B}[m \u{4E2D}\u{08}\u{6587}\n%\n"
            + "%DCL-MEM-BAD is not a separator\n    indented\n%"
        let documents = FortuneFile.documents(Array(file.utf8)).map { String(decoding: $0, as: UTF8.self) }
        #expect(documents == [
            "First fortune\nline two",
            "Coloured text",
            "It's a *UN*lucky week: I said so",
            "\u{300A}\u{8A69}\u{300B} \u{6587}",
            "%DCL-MEM-BAD is not a separator\n    indented",
        ])
    }

    @Test("Escape sequences of other kinds are removed without eating the text after them")
    func stripsOtherEscapes() {
        let text = "a\u{1B}]0;title\u{07}b\u{1B}(Bc\u{1B}=d\u{1B}[?25le\u{1B}[1;31;40mf"
        #expect(String(decoding: TerminalText.clean(Array(text.utf8)), as: UTF8.self) == "abcdef")
    }

    @Test("The English collection skips .dat files, .u8 symlinks, duplicates, subfolders and the Chinese files")
    func selectsEnglishFiles() throws {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        folder.write("alpha", "A one\n%\nA two\n")
        folder.write("alpha.dat", bytes: [0, 0, 0, 2, 0xFF, 0xFE])
        folder.link("alpha.u8", to: "alpha")
        folder.write("beta", "Latin-1 original\n")
        folder.write("beta.u8", "B in UTF-8\n%\n")
        folder.link("gamma", to: "alpha")  // a second name for alpha: read once
        folder.write("off/offensive", "never read\n")
        folder.write("chinese", "\u{4E2D}\u{6587}\n")
        folder.write(".hidden", "never read\n")
        let files = try FortuneCollection.englishFiles(in: folder.path)
        #expect(files == [folder.path + "/alpha", folder.path + "/beta.u8"])

        let corpus = try Corpus.load("fortunes-en", valSize: 0.5, fortunesDirectory: folder.path)
        #expect(corpus.documentCount == 3)
        #expect(corpus.textByteCount == "A one".utf8.count + "A two".utf8.count + "B in UTF-8".utf8.count)
    }

    @Test("The Chinese collection reads chinese, tang300 and song100, preferring a real .u8 file")
    func selectsChineseFiles() throws {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        folder.write("chinese", "\u{4E2D}\n%\n\u{6587}\n")
        folder.link("chinese.u8", to: "chinese")
        folder.write("tang300", bytes: [0xD6, 0xD0, 0x0A])  // GB2312, not UTF-8
        folder.write("tang300.u8", "\u{5510}\u{8A69}\n")
        folder.write("song100", "\u{5B8B}\u{8A5E}\n")
        folder.write("fortunes", "English, not read\n")
        let corpus = try Corpus.load("fortunes-zh", valSize: 0.25, fortunesDirectory: folder.path)
        #expect(corpus.files == ["chinese", "tang300.u8", "song100"].map { folder.path + "/" + $0 })
        #expect(corpus.documentCount == 4)
    }

    @Test("The installed fortunes-en corpus loads with about 2.5 MB in over 10,000 documents")
    func loadsRealEnglishFortunes() throws {
        let corpus = try Corpus.load("fortunes-en", valSize: 0.05)
        let names = corpus.files.map { ($0 as NSString).lastPathComponent }
        #expect(names.count >= 40)
        #expect(names.contains("fortunes") && names.contains("zippy"))
        #expect(!names.contains { $0.hasSuffix(".dat") || $0.hasSuffix(".u8") })
        #expect(!names.contains { FortuneCollection.chineseNames.contains($0) })
        #expect((2_000_000...3_000_000).contains(corpus.textByteCount))
        #expect(corpus.documentCount > 10_000)
        #expect(abs(Double(corpus.validationDocumentCount) / Double(corpus.documentCount) - 0.05) < 0.001)
        let all = corpus.trainTokens + corpus.validationTokens
        #expect(!all.contains(0x1B) && !all.contains(0x08) && !all.contains(0x07) && !all.contains(0x0D))
        #expect(String(validating: all, as: UTF8.self) != nil)
    }

    @Test("The installed fortunes-zh corpus loads with about 2.3 MB of mostly Chinese text")
    func loadsRealChineseFortunes() throws {
        let corpus = try Corpus.load("fortunes-zh", valSize: 0.05)
        #expect(corpus.files.map { ($0 as NSString).lastPathComponent } == ["chinese", "tang300", "song100"])
        #expect((1_800_000...2_600_000).contains(corpus.textByteCount))
        #expect(corpus.documentCount > 5_000)
        let all = corpus.trainTokens + corpus.validationTokens
        #expect(!all.contains(0x1B))
        let multibyte = all.reduce(0) { $0 + ($1 >= 0x80 ? 1 : 0) }
        #expect(Double(multibyte) / Double(all.count) > 0.5)
        #expect(String(validating: all, as: UTF8.self) != nil)
    }
}
