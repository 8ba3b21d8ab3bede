/// What can go wrong while loading a corpus or cutting it into batches.
///
/// Every `description` is one line that names the corpus, file, line or setting at fault.
public enum CorpusError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The spec is neither a built-in name nor an existing path.
    case unknownCorpus(name: String, builtIns: [String])
    /// A file or folder the spec points at does not exist; `hint` says how to get it (e.g. the
    /// Debian package that installs it), or is nil.
    case missingPath(path: String, hint: String?)
    /// A file exists but cannot be read (permissions, I/O error).
    case unreadable(path: String, reason: String)
    /// A path that is neither a `.txt` file, a `.jsonl` file nor a folder.
    case unsupportedFile(path: String)
    /// The corpus (or a folder of it) holds no documents after parsing.
    case emptyCorpus(name: String, reason: String)
    /// Fewer documents than the train / validation split needs (at least 2).
    case tooFewDocuments(name: String, count: Int)
    /// The file is not valid UTF-8: 1-based line and 0-based byte offset of the first bad byte.
    case invalidUTF8(file: String, line: Int, byteOffset: Int)
    /// A JSON Lines record that does not parse, or is not an object with a string `text` field.
    case invalidJSONLine(file: String, line: Int, reason: String)
    /// A setting outside its range, e.g. `val_size` or `replay_ratio`.
    case invalidSetting(key: String, value: String, expected: String)
    /// A token stream too short to cut one sequence of `cutoff_len + 1` tokens from.
    case streamTooShort(corpus: String, tokens: Int, cutoffLen: Int)

    public var description: String {
        switch self {
        case let .unknownCorpus(name, builtIns):
            "unknown corpus '\(name)': built-ins are \(builtIns.joined(separator: ", ")); "
                + "or give a path to a .txt file, a .jsonl file or a folder of .txt files"
        case let .missingPath(path, hint):
            "\(path): no such file or folder" + (hint.map { " (\($0))" } ?? "")
        case let .unreadable(path, reason):
            "\(path): cannot be read: \(reason)"
        case let .unsupportedFile(path):
            "\(path): not a corpus: expected a .txt file, a .jsonl file or a folder of .txt files"
        case let .emptyCorpus(name, reason):
            "corpus '\(name)' is empty: \(reason)"
        case let .tooFewDocuments(name, count):
            "corpus '\(name)' has \(count) document\(count == 1 ? "" : "s"): "
                + "the train / validation split needs at least 2"
        case let .invalidUTF8(file, line, byteOffset):
            "\(file):\(line): invalid UTF-8 at byte offset \(byteOffset)"
        case let .invalidJSONLine(file, line, reason):
            "\(file):\(line): \(reason)"
        case let .invalidSetting(key, value, expected):
            "\(key) = \(value): expected \(expected)"
        case let .streamTooShort(corpus, tokens, cutoffLen):
            "corpus '\(corpus)' has \(tokens) tokens: too short for one sequence of "
                + "cutoff_len + 1 = \(cutoffLen + 1) tokens"
        }
    }
}
