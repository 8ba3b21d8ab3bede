import Foundation

/// The built-in corpus `licenses`: the license texts Debian ships in `/usr/share/common-licenses`
/// (package `base-files`, installed on every Debian system), English legal prose.
///
/// Several names there are symlinks to another text of the folder (`GPL` -> `GPL-3`, `LGPL` ->
/// `LGPL-3`, `GFDL` -> `GFDL-1.3`): every text is read once, under its own name. A document is a
/// paragraph (lines between blank lines, as in a `.txt` corpus): a whole license would make too
/// few and too large documents for the held-out split. The older GNU texts mark page breaks with
/// a form feed on a line of its own; control bytes other than tab and line feed are removed
/// first (`TerminalText.clean`), so a page break reads as a blank line.
public enum LicenseCollection {
    public static let defaultDirectory = "/usr/share/common-licenses"
    static let hint = "install it with `apt-get install base-files`"

    /// Paths of the license texts in `directory`, sorted by name: hidden files, subfolders and
    /// dangling symlinks are skipped; names that lead to the same file (after resolving
    /// symlinks) count once, under the name that is not a symlink when there is one.
    static func files(in directory: String) throws(CorpusError) -> [String] {
        let names = try FortuneCollection.folderNames(directory, hint: hint)
        var chosen: [String: String] = [:]  // resolved path -> the path read
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = directory + "/" + name
            guard FortuneCollection.isRegularFile(path) else { continue }
            let real = FortuneCollection.realPath(path)
            if let previous = chosen[real], !isSymlink(previous) || isSymlink(path) { continue }
            chosen[real] = path
        }
        if chosen.isEmpty {
            throw .emptyCorpus(
                name: "licenses",
                reason: "no license files in \(directory) (install them with `apt-get install base-files`)")
        }
        return chosen.values.sorted()
    }

    /// The paragraphs of a license text's bytes (valid UTF-8), in order, control bytes removed.
    static func documents(_ bytes: [UInt8]) -> [[UInt8]] {
        PlainTextFile.documents(TerminalText.clean(bytes))
    }

    /// True if `path` itself is a symbolic link.
    static func isSymlink(_ path: String) -> Bool {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
    }
}
