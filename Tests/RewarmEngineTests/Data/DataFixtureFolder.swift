import Foundation

/// A fresh folder under the temporary directory for one test's corpus files; `remove()` it
/// in a `defer`.
struct DataFixtureFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "rewarm-data-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `name` inside the folder (creating subfolders) and returns its path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> String {
        let file = path + "/" + name
        let folder = (file as NSString).deletingLastPathComponent
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try! Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        write(name, bytes: Array(text.utf8))
    }

    /// Makes `name` a symlink to `target` (a name relative to the folder, as Debian does).
    func link(_ name: String, to target: String) {
        try! FileManager.default.createSymbolicLink(atPath: path + "/" + name, withDestinationPath: target)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// The documents of a corpus stream: the text between `Corpus.documentSeparator`s (valid for
/// documents without blank lines, such as the synthetic ones).
func documentTexts(of stream: [UInt8]) -> [String] {
    String(decoding: stream, as: UTF8.self).components(separatedBy: "\n\n").dropLast().map { $0 }
}
