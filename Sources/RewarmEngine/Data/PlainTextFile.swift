import Foundation

/// Plain text corpora: a `.txt` file whose documents are separated by blank lines, or a folder
/// of such files.
enum PlainTextFile {
    /// The documents of a `.txt` file's bytes (valid UTF-8), in order: maximal runs of
    /// non-blank lines, where a blank line holds only spaces, tabs or a CR. Carriage returns
    /// before line feeds are removed (CR LF files read like LF ones); documents are trimmed of
    /// trailing whitespace (`DocumentText.document`).
    static func documents(_ bytes: [UInt8]) -> [[UInt8]] {
        let text = withoutCarriageReturns(bytes)
        return text.withUnsafeBufferPointer { b in
            var documents: [[UInt8]] = []
            var start: Int? = nil  // first byte of the current document
            var end = 0  // one past its last non-blank line
            for line in DocumentText.lineRanges(b) {
                if DocumentText.isBlank(b, line) {
                    if let s = start, let document = DocumentText.document(b, s..<end) {
                        documents.append(document)
                    }
                    start = nil
                } else {
                    if start == nil { start = line.lowerBound }
                    end = line.upperBound
                }
            }
            if let s = start, let document = DocumentText.document(b, s..<end) {
                documents.append(document)
            }
            return documents
        }
    }

    /// `bytes` with every CR that precedes an LF removed.
    static func withoutCarriageReturns(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(0x0D) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for i in bytes.indices where !(bytes[i] == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A) {
            out.append(bytes[i])
        }
        return out
    }

    /// Paths of the `*.txt` files directly in `folder`, sorted by name (hidden files skipped).
    static func textFiles(in folder: String) throws(CorpusError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw .unreadable(path: folder, reason: TextFile.oneLine(error.localizedDescription))
        }
        let base = folder.hasSuffix("/") ? folder : folder + "/"
        return names.filter { $0.hasSuffix(".txt") && !$0.hasPrefix(".") }.sorted()
            .map { base + $0 }
            .filter { FortuneCollection.isRegularFile($0) }
    }
}
