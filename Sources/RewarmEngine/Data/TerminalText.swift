/// Turning text written for a terminal (fortune files) into plain text.
///
/// Fortune files colour their entries with ANSI escapes (`ESC [ 33 m`) and emphasise words by
/// overstriking (`_ BS x`, `x BS x`, `*__ BS BS UN*`), and a few ring the bell. A byte-level
/// model would spend capacity on these, so they are removed the way a terminal would show them.
enum TerminalText {
    static let escape: UInt8 = 0x1B
    static let backspace: UInt8 = 0x08

    /// `bytes` (valid UTF-8) with: escape sequences removed (CSI `ESC [ params final`, OSC
    /// `ESC ] ... BEL`, and two-byte / nF `ESC intermediates final`); each backspace deleting the
    /// character before it on its line, as `col -b` resolves overstrikes (the later one wins);
    /// every other C0 control and DEL dropped except tab and line feed (so CR LF becomes LF).
    /// The result is valid UTF-8: only ASCII bytes and whole characters are removed.
    static func clean(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                let c = b[i]
                if c == escape {
                    i = end(ofEscapeAt: i, in: b)
                    continue
                }
                if c == backspace {
                    eraseLastCharacter(&out)
                } else if c >= 0x20 && c != 0x7F || c == 0x09 || c == 0x0A {
                    out.append(c)
                }
                i += 1
            }
        }
        return out
    }

    /// The index just past the escape sequence starting with ESC at `start` (ECMA-48 syntax).
    static func end(ofEscapeAt start: Int, in b: UnsafeBufferPointer<UInt8>) -> Int {
        var j = start + 1
        guard j < b.count else { return j }
        switch b[j] {
        case UInt8(ascii: "["):  // CSI: parameter bytes 0x30-0x3F, intermediates 0x20-0x2F, final 0x40-0x7E
            j += 1
            while j < b.count, (0x20...0x3F).contains(b[j]) { j += 1 }
            if j < b.count, (0x40...0x7E).contains(b[j]) { j += 1 }
            return j
        case UInt8(ascii: "]"):  // OSC: up to BEL or ESC \, never past the end of the line
            j += 1
            while j < b.count, b[j] != DocumentText.newline {
                if b[j] == 0x07 { return j + 1 }
                if b[j] == escape, j + 1 < b.count, b[j + 1] == UInt8(ascii: "\\") { return j + 2 }
                j += 1
            }
            return j
        default:  // ESC, intermediates 0x20-0x2F, one final byte 0x30-0x7E
            while j < b.count, (0x20...0x2F).contains(b[j]) { j += 1 }
            if j < b.count, (0x30...0x7E).contains(b[j]) { j += 1 }
            return j
        }
    }

    /// Removes the last whole UTF-8 character of `out` unless it is a line feed (a backspace
    /// never moves to the previous line).
    static func eraseLastCharacter(_ out: inout [UInt8]) {
        guard let last = out.last, last != DocumentText.newline else { return }
        while let c = out.last, c & 0xC0 == 0x80 { out.removeLast() }  // continuation bytes
        if !out.isEmpty { out.removeLast() }  // the lead (or ASCII) byte
    }
}
