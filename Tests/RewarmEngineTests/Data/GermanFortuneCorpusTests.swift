import Foundation
import Testing
@testable import RewarmEngine

@Suite("German fortune corpus")
struct GermanFortuneCorpusTests {
    /// Where Debian's `fortunes-de` puts its collections on this machine.
    static let installedFolder = FortuneCollection.defaultDirectory + "/" + FortuneCollection.germanSubfolder

    @Test("fortunes-de reads the de subfolder once per collection: .u8 symlinks and .dat indexes are skipped")
    func selectsGermanFiles() throws {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        folder.write("fortunes", "English, not read\n")
        folder.write("de/anekdoten", "Eins\n%\nZwei\n")
        folder.link("de/anekdoten.u8", to: "anekdoten")
        folder.link("de/anekdoten.dat", to: "/nonexistent/fortunes-de/anekdoten.dat")  // as Debian's, dangling here
        folder.write("de/witze", bytes: Array("Gr".utf8) + [0xFC, 0xDF, 0x0A])  // Latin-1 "Grüß": the .u8 twin is read
        folder.write("de/witze.u8", "Gr\u{FC}\u{DF}\n")
        folder.write("de/witze.dat", bytes: [0, 0, 0, 2, 0xFF, 0xFE])
        folder.link("de/zitate", to: "anekdoten")  // a second name for anekdoten: read once
        folder.write("de/.hidden", "never read\n")
        folder.write("de/sub/tief", "never read\n")
        let files = try FortuneCollection.germanFiles(in: folder.path)
        #expect(files == [folder.path + "/de/anekdoten", folder.path + "/de/witze.u8"])

        let corpus = try Corpus.load("fortunes-de", valSize: 0.5, fortunesDirectory: folder.path)
        #expect(corpus.files == files)
        #expect(corpus.documentCount == 3)
        #expect(corpus.textByteCount == "Eins".utf8.count + "Zwei".utf8.count + "Gr\u{FC}\u{DF}".utf8.count)
    }

    @Test("German umlauts and eszett come out as UTF-8 bytes, one entry per document")
    func umlautsAreUTF8() throws {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        folder.write("de/anekdoten", "Ein Professor tr\u{E4}gt sein Fahrrad \u{FC}ber den Platz.\n%\n"
            + "\u{1B}[1mGr\u{FC}\u{DF}e\u{1B}[0m aus K\u{F6}ln: \u{C4}pfel, \u{D6}l, \u{DC}bel\n%\n")
        let corpus = try Corpus.load("fortunes-de", valSize: 0.5, fortunesDirectory: folder.path)
        let documents = (corpus.documents(validation: false) + corpus.documents(validation: true))
            .map { String(decoding: $0, as: UTF8.self) }
        #expect(Set(documents) == [
            "Ein Professor tr\u{E4}gt sein Fahrrad \u{FC}ber den Platz.",
            "Gr\u{FC}\u{DF}e aus K\u{F6}ln: \u{C4}pfel, \u{D6}l, \u{DC}bel",
        ])
        let all = corpus.trainTokens + corpus.validationTokens
        #expect(String(validating: all, as: UTF8.self) != nil)
        let umlaut: [UInt8] = [0xC3, 0xA4]  // "ä" in UTF-8; Latin-1 would be the single byte 0xE4
        #expect(all.indices.dropLast().contains { all[$0] == umlaut[0] && all[$0 + 1] == umlaut[1] })
        #expect(!all.contains(0xE4))
    }

    @Test("A Latin-1 German file without a UTF-8 twin is refused, naming the file and line")
    func latin1WithoutTwinIsRefused() {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        let file = folder.write("de/alt", bytes: Array("Erste Zeile\n%\nK".utf8) + [0xF6, 0x6C, 0x6E, 0x0A])
        #expect(throws: CorpusError.invalidUTF8(file: file, line: 3, byteOffset: 15)) {
            try Corpus.load("fortunes-de", valSize: 0.5, fortunesDirectory: folder.path)
        }
    }

    @Test("The installed fortunes-de corpus loads about 2.9 MB of German text in UTF-8",
          .enabled(if: FileManager.default.fileExists(atPath: installedFolder), "fortunes-de is not installed"))
    func loadsRealGermanFortunes() throws {
        let corpus = try Corpus.load("fortunes-de", valSize: 0.05)
        let names = corpus.files.map { ($0 as NSString).lastPathComponent }
        #expect(names.count >= 40)
        #expect(names.contains("anekdoten") && names.contains("zitate"))
        #expect(!names.contains { $0.hasSuffix(".dat") || $0.hasSuffix(".u8") })
        #expect(corpus.files.allSatisfy { $0.hasPrefix(Self.installedFolder + "/") })
        #expect((2_500_000...3_300_000).contains(corpus.textByteCount))
        #expect(corpus.documentCount > 15_000)
        let all = corpus.trainTokens + corpus.validationTokens
        #expect(String(validating: all, as: UTF8.self) != nil)
        #expect(!all.contains(0x1B) && !all.contains(0x08) && !all.contains(0x0D))
        let text = String(decoding: all, as: UTF8.self)
        #expect(text.contains("\u{E4}") && text.contains("\u{FC}") && text.contains("\u{DF}"))
    }
}
