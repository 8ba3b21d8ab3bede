import Foundation

/// Which files of Debian's fortune folder make the built-in corpora `fortunes-en`,
/// `fortunes-zh` and `fortunes-de`.
///
/// Debian's `fortunes` package installs, for each collection NAME, the text `NAME`, its
/// strfile index `NAME.dat` and `NAME.u8` (the UTF-8 text; a symlink to `NAME` when that is
/// already UTF-8); `fortunes-zh` adds `chinese`, `tang300` and `song100` the same way.
/// `fortunes-de` puts its collections in the subfolder `de/` the same way (`anekdoten`,
/// `anekdoten.u8` -> `anekdoten`, `anekdoten.dat`): its texts are UTF-8 since upstream 0.26
/// (Latin-1 before), so in Debian's 0.35-1 every `.u8` is a symlink, and most `.dat` are
/// symlinks into `/usr/share/games/fortunes-de`. A text that is not UTF-8 and has no real `.u8`
/// twin is not converted: reading it fails with `invalidUTF8`, naming the file and line.
/// Offensive fortunes (`fortunes-off`) and the other languages' subfolders are never read.
public enum FortuneCollection {
    public static let defaultDirectory = "/usr/share/games/fortunes"
    /// The collections of Debian's `fortunes-zh`, the `fortunes-zh` corpus in this order.
    public static let chineseNames = ["chinese", "tang300", "song100"]
    /// The subfolder of the fortune folder where Debian's `fortunes-de` installs its collections.
    public static let germanSubfolder = "de"

    /// Paths of every English fortune collection directly in `directory`, sorted by name, as
    /// `collectionFiles` picks them, without the Chinese collections.
    static func englishFiles(in directory: String) throws(CorpusError) -> [String] {
        try collectionFiles(in: directory, skipping: Set(chineseNames), corpus: "fortunes-en", language: "English",
                            package: "fortunes")
    }

    /// Paths of every German fortune collection in `directory/de`, sorted by name, as
    /// `collectionFiles` picks them; a missing `de` folder names the package `fortunes-de`.
    static func germanFiles(in directory: String) throws(CorpusError) -> [String] {
        try collectionFiles(in: directory + "/" + germanSubfolder, skipping: [], corpus: "fortunes-de",
                            language: "German", package: "fortunes-de")
    }

    /// Paths of the fortune collections directly in `directory`, sorted by name: `.dat`
    /// indexes, subfolders, hidden files and the collections named in `skipping` are skipped; of
    /// `NAME` and `NAME.u8` the UTF-8 one (`NAME.u8` when it exists) is read; files that are
    /// symlinks to a file already chosen are read once. A missing folder, or one without a
    /// collection (an empty `corpus`), is an error saying to install `package`.
    static func collectionFiles(
        in directory: String, skipping: Set<String>, corpus: String, language: String, package: String
    ) throws(CorpusError) -> [String] {
        let names = try folderNames(directory, hint: "install it with `apt-get install \(package)`")
        let bases = Set(names.compactMap { name -> String? in
            if name.hasPrefix(".") || name.hasSuffix(".dat") { return nil }
            let base = name.hasSuffix(".u8") ? String(name.dropLast(3)) : name
            return skipping.contains(base) ? nil : base
        })
        var chosen: [String] = []
        var seen: Set<String> = []
        for base in bases.sorted() {
            let path = utf8Variant(of: base, in: directory)
            guard isRegularFile(path) else { continue }
            if seen.insert(realPath(path)).inserted { chosen.append(path) }
        }
        if chosen.isEmpty {
            throw .emptyCorpus(
                name: corpus,
                reason: "no \(language) fortune files in \(directory) (install them with `apt-get install \(package)`)")
        }
        return chosen
    }

    /// Paths of `chinese`, `tang300`, `song100` in `directory` (the `.u8` UTF-8 variant when it
    /// exists); a missing one is an error naming the package that installs it.
    static func chineseFiles(in directory: String) throws(CorpusError) -> [String] {
        _ = try folderNames(directory, hint: "install it with `apt-get install fortunes-zh`")
        var paths: [String] = []
        for name in chineseNames {
            let path = utf8Variant(of: name, in: directory)
            guard isRegularFile(path) else {
                throw .missingPath(
                    path: directory + "/" + name, hint: "install it with `apt-get install fortunes-zh`")
            }
            paths.append(path)
        }
        return paths
    }

    /// `directory/NAME.u8` when it exists and is not just a symlink to `NAME` (following
    /// symlinks), else `directory/NAME`.
    static func utf8Variant(of name: String, in directory: String) -> String {
        let plain = directory + "/" + name
        let u8 = plain + ".u8"
        guard isRegularFile(u8) else { return plain }
        let sameFile = isRegularFile(plain) && realPath(plain) == realPath(u8)
        return sameFile ? plain : u8
    }

    /// `path` with every symlink resolved.
    static func realPath(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    /// True for an existing file that is not a folder (after following symlinks).
    static func isRegularFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            && !isDirectory.boolValue
    }

    /// The entry names of a folder, or `missingPath` with `hint` if it does not exist.
    static func folderNames(_ directory: String, hint: String) throws(CorpusError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
                throw .unreadable(path: directory, reason: TextFile.oneLine(error.localizedDescription))
            }
            throw .missingPath(path: directory, hint: hint)
        }
    }
}
