import Foundation
import Testing
@testable import RewarmEngine

@Suite("Licenses corpus")
struct LicenseCorpusTests {
    @Test("licenses reads every license text sorted by name, one paragraph a document, page breaks as blank lines")
    func readsParagraphs() throws {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        folder.write("GPL-1", "  GNU GENERAL PUBLIC LICENSE\n\nPreamble one,\nstill one.\n\u{0C}\nTerms after a page break.\n")
        folder.write("BSD", "Copyright notice.\r\n\r\nTHIS SOFTWARE IS PROVIDED \"AS IS\".\r\n")
        folder.write(".hidden", "never read\n")
        folder.write("old/GPL-0", "never read: a subfolder\n")
        let corpus = try Corpus.load("licenses", valSize: 0.2, licensesDirectory: folder.path)
        #expect(corpus.files == [folder.path + "/BSD", folder.path + "/GPL-1"])
        let documents = try CorpusSource.licenses.read(fortunesDirectory: "/nonexistent", licensesDirectory: folder.path)
            .documents.map { String(decoding: $0, as: UTF8.self) }
        #expect(documents == [
            "Copyright notice.", "THIS SOFTWARE IS PROVIDED \"AS IS\".",
            "  GNU GENERAL PUBLIC LICENSE", "Preamble one,\nstill one.", "Terms after a page break.",
        ])
        #expect(corpus.documentCount == 5)
    }

    @Test("Symlinked license files count once, under the name of the file itself")
    func symlinksCountOnce() throws {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        let outside = DataFixtureFolder()
        defer { outside.remove() }
        folder.write("GPL-3", "Version 3.\n\nSecond paragraph.\n")
        folder.link("GPL", to: "GPL-3")  // sorts before its target
        folder.link("Z-GPL", to: "GPL")  // a link to a link
        folder.write("LGPL-3", "Lesser.\n")
        folder.link("LGPL", to: "LGPL-3")
        let elsewhere = outside.write("MIT", "Permission is hereby granted.\n")
        folder.link("Expat", to: elsewhere)  // the only name of a text outside the folder: kept
        folder.link("Broken", to: "missing")
        let files = try LicenseCollection.files(in: folder.path)
        #expect(files == ["Expat", "GPL-3", "LGPL-3"].map { folder.path + "/" + $0 })
        let corpus = try Corpus.load("licenses", valSize: 0.25, licensesDirectory: folder.path)
        #expect(corpus.documentCount == 4)
    }

    @Test("A missing licenses folder names the base-files package; an empty one is an empty corpus")
    func missingFolder() {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        let missing = folder.path + "/none"
        #expect(throws: CorpusError.missingPath(path: missing, hint: "install it with `apt-get install base-files`")) {
            try Corpus.load("licenses", valSize: 0.1, licensesDirectory: missing)
        }
        #expect(throws: CorpusError.emptyCorpus(
            name: "licenses",
            reason: "no license files in \(folder.path) (install them with `apt-get install base-files`)")) {
            try Corpus.load("licenses", valSize: 0.1, licensesDirectory: folder.path)
        }
    }

    @Test("The installed licenses corpus reads Debian's common licenses once each, in over 500 paragraphs",
          .enabled(if: FileManager.default.fileExists(atPath: LicenseCollection.defaultDirectory),
                   "/usr/share/common-licenses is missing"))
    func loadsRealLicenses() throws {
        let corpus = try Corpus.load("licenses", valSize: 0.05)
        let names = corpus.files.map { ($0 as NSString).lastPathComponent }
        #expect(names == names.sorted())
        #expect(names.contains("GPL-3") && names.contains("Apache-2.0"))
        #expect(!names.contains("GPL") && !names.contains("LGPL") && !names.contains("GFDL"))
        #expect(Set(corpus.files.map(FortuneCollection.realPath)).count == corpus.files.count)
        #expect((150_000...400_000).contains(corpus.textByteCount))
        #expect(corpus.documentCount > 500)
        let all = corpus.trainTokens + corpus.validationTokens
        #expect(String(validating: all, as: UTF8.self) != nil)
        #expect(!all.contains(0x0C) && !all.contains(0x0D))
    }
}
