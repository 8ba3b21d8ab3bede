/// Byte-level helpers shared by the corpus file formats: lines, blank lines, document trimming.
///
/// All work on UTF-8 bytes and touch only ASCII whitespace, so valid UTF-8 stays valid.
enum DocumentText {
    static let newline: UInt8 = 0x0A

    /// Space, tab, carriage return or line feed.
    @inline(__always)
    static func isWhitespace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A
    }

    /// Ranges of the lines of `b`, without their "\n"; a final line without "\n" counts, an
    /// empty tail after the last "\n" does not.
    static func lineRanges(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = 0
        for i in 0..<b.count where b[i] == newline {
            lines.append(start..<i)
            start = i + 1
        }
        if start < b.count { lines.append(start..<b.count) }
        return lines
    }

    /// True if the line holds only spaces, tabs and carriage returns.
    static func isBlank(_ b: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        for i in line where !isWhitespace(b[i]) { return false }
        return true
    }

    /// The document held by `b[range]`: leading whitespace-only lines and all trailing
    /// whitespace removed (indentation of the first text line is kept); nil if nothing is left.
    static func document(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt8]? {
        var end = range.upperBound
        while end > range.lowerBound, isWhitespace(b[end - 1]) { end -= 1 }
        if end == range.lowerBound { return nil }
        // Skip whole lines that are blank; `start` ends at the first line holding text.
        var start = range.lowerBound
        for i in range.lowerBound..<end {
            if b[i] == newline {
                start = i + 1
            } else if !isWhitespace(b[i]) {
                break
            }
        }
        return Array(b[start..<end])
    }
}
