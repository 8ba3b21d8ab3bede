import Foundation

/// Where a corpus comes from, as named by a spec string (the `dataset` / `upstream` config value).
///
/// - `fortunes-en`: Debian's English fortunes (`FortuneCollection.englishFiles`).
/// - `fortunes-zh`: Debian's Chinese fortunes: chinese, tang300, song100.
/// - `fortunes-de`: Debian's German fortunes (`FortuneCollection.germanFiles`, the `de/` subfolder).
/// - `licenses`: Debian's license texts, one paragraph a document (`LicenseCollection`).
/// - `synthetic`, `synthetic:NAME`, `synthetic:NAME:DOCS`: `SyntheticCorpus` (`synthetic` is
///   `synthetic:default`; DOCS defaults to 2,000).
/// - a path: a folder (its `*.txt` files), a `.txt` file, or a `.jsonl` file.
public enum CorpusSource: Equatable, Sendable {
    case fortunesEnglish
    case fortunesChinese
    case fortunesGerman
    case licenses
    case synthetic(name: String, documents: Int)
    case textFile(path: String)
    case jsonLines(path: String)
    case folder(path: String)

    /// The built-in specs, as listed in an unknown-corpus error.
    public static let builtInNames = [
        "fortunes-en", "fortunes-zh", "fortunes-de", "licenses", "synthetic", "synthetic:NAME",
    ]

    public init(spec: String) throws(CorpusError) {
        switch spec {
        case "fortunes-en": self = .fortunesEnglish
        case "fortunes-zh": self = .fortunesChinese
        case "fortunes-de": self = .fortunesGerman
        case "licenses": self = .licenses
        case "synthetic": self = .synthetic(name: "default", documents: SyntheticCorpus.defaultDocumentCount)
        default:
            if spec.hasPrefix("synthetic:") {
                self = try CorpusSource.synthetic(spec)
            } else {
                self = try CorpusSource.path(spec)
            }
        }
    }

    /// `synthetic:NAME` or `synthetic:NAME:DOCS` (DOCS a positive integer).
    static func synthetic(_ spec: String) throws(CorpusError) -> CorpusSource {
        var parts = spec.split(separator: ":", omittingEmptySubsequences: false).dropFirst().map(String.init)
        var documents = SyntheticCorpus.defaultDocumentCount
        if parts.count > 1, let n = Int(parts[parts.count - 1]) {
            guard n > 0 else {
                throw .invalidSetting(key: spec, value: "\(n)", expected: "a positive number of documents")
            }
            documents = n
            parts.removeLast()
        }
        let name = parts.joined(separator: ":")
        guard !name.isEmpty else { throw .unknownCorpus(name: spec, builtIns: builtInNames) }
        return .synthetic(name: name, documents: documents)
    }

    /// A folder, a `.txt` or a `.jsonl` file. A spec that does not exist is a missing path if it
    /// looks like one (has a `/` or an extension), else an unknown corpus name.
    static func path(_ spec: String) throws(CorpusError) -> CorpusSource {
        let path = NSString(string: spec).expandingTildeInPath
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists, isDirectory.boolValue { return .folder(path: path) }
        switch ext {
        case "txt": return .textFile(path: path)
        case "jsonl": return .jsonLines(path: path)
        default:
            if exists { throw .unsupportedFile(path: path) }
            if spec.contains("/") || !ext.isEmpty { throw .missingPath(path: path, hint: nil) }
            throw .unknownCorpus(name: spec, builtIns: builtInNames)
        }
    }

    /// The documents of this source in order (UTF-8 bytes, trimmed, none empty) and the files
    /// they came from; the built-in fortunes are read in `fortunesDirectory`, `licenses` in
    /// `licensesDirectory`.
    func read(
        fortunesDirectory: String, licensesDirectory: String = LicenseCollection.defaultDirectory
    ) throws(CorpusError) -> (documents: [[UInt8]], files: [String]) {
        switch self {
        case .fortunesEnglish:
            let files = try FortuneCollection.englishFiles(in: fortunesDirectory)
            return (try CorpusSource.fortunes(files, hint: "apt-get install fortunes"), files)
        case .fortunesChinese:
            let files = try FortuneCollection.chineseFiles(in: fortunesDirectory)
            return (try CorpusSource.fortunes(files, hint: "apt-get install fortunes-zh"), files)
        case .fortunesGerman:
            let files = try FortuneCollection.germanFiles(in: fortunesDirectory)
            return (try CorpusSource.fortunes(files, hint: "apt-get install fortunes-de"), files)
        case .licenses:
            let files = try LicenseCollection.files(in: licensesDirectory)
            var documents: [[UInt8]] = []
            for file in files {
                documents += LicenseCollection.documents(try TextFile.read(file, hint: LicenseCollection.hint))
            }
            return (documents, files)
        case let .synthetic(name, documents):
            return (SyntheticCorpus.documents(name: name, count: documents), [])
        case let .textFile(path):
            return (PlainTextFile.documents(try TextFile.read(path)), [path])
        case let .jsonLines(path):
            return (try JSONLinesFile.documents(try TextFile.read(path), file: path), [path])
        case let .folder(path):
            let files = try PlainTextFile.textFiles(in: path)
            if files.isEmpty { throw .emptyCorpus(name: path, reason: "no .txt files in the folder") }
            var documents: [[UInt8]] = []
            for file in files { documents += PlainTextFile.documents(try TextFile.read(file)) }
            return (documents, files)
        }
    }

    /// The entries of fortune files, file after file.
    static func fortunes(_ files: [String], hint: String) throws(CorpusError) -> [[UInt8]] {
        var documents: [[UInt8]] = []
        for file in files {
            documents += FortuneFile.documents(try TextFile.read(file, hint: "install it with `\(hint)`"))
        }
        return documents
    }
}
