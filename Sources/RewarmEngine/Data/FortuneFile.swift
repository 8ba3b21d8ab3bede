/// The fortune(6) / strfile(1) format: entries separated by a line holding only `%`.
enum FortuneFile {
    /// The entries of a fortune file, one document each, in file order.
    ///
    /// `bytes` must be valid UTF-8. Terminal escapes, overstrikes and control bytes are removed
    /// first (`TerminalText.clean`); then a line that is `%` followed by nothing but spaces or
    /// tabs separates entries (strfile wants exactly `%`, but song100 has `%` plus spaces where
    /// an entry obviously ends); a line such as `%DCL-MEM-BAD` is text. Each entry is trimmed
    /// (`DocumentText.document`) and entries left empty are dropped.
    static func documents(_ bytes: [UInt8]) -> [[UInt8]] {
        let text = TerminalText.clean(bytes)
        return text.withUnsafeBufferPointer { b in
            var documents: [[UInt8]] = []
            var entryStart = 0
            for line in DocumentText.lineRanges(b) where isSeparator(b, line) {
                if let document = DocumentText.document(b, entryStart..<line.lowerBound) {
                    documents.append(document)
                }
                entryStart = min(line.upperBound + 1, b.count)
            }
            if let document = DocumentText.document(b, entryStart..<b.count) {
                documents.append(document)
            }
            return documents
        }
    }

    /// True for a line `%` followed only by spaces, tabs or a carriage return.
    static func isSeparator(_ b: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        guard !line.isEmpty, b[line.lowerBound] == UInt8(ascii: "%") else { return false }
        return DocumentText.isBlank(b, line.dropFirst())
    }
}
