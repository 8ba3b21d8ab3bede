/// Turns a stream of bytes (a byte-level model's samples) into text one complete character at a
/// time, so printed output never ends in the middle of a multi-byte UTF-8 character.
///
/// UTF-8 (RFC 3629): a lead byte 0xxxxxxx, 110xxxxx, 1110xxxx or 11110xxx announces 1 to 4
/// bytes, the rest are 10xxxxxx. A byte that cannot start or continue a character becomes
/// U+FFFD, as do overlong forms and surrogates (by Swift's decoder).
public struct UTF8StreamDecoder: Sendable {
    private var pending: [UInt8] = []
    private var expected = 0

    public init() {}

    /// True while the bytes so far end inside a character.
    public var isInsideCharacter: Bool { !pending.isEmpty }

    /// Adds `byte`; returns the text it completes ("" while a character is incomplete).
    public mutating func push(_ byte: UInt8) -> String {
        var out = ""
        if !pending.isEmpty {
            if byte & 0xC0 == 0x80 {
                pending.append(byte)
                guard pending.count == expected else { return "" }
                out = String(decoding: pending, as: UTF8.self)
                pending = []
                return out
            }
            out = "\u{FFFD}"  // the character was cut short by a byte that cannot continue it
            pending = []
        }
        switch byte {
        case 0x00...0x7F: return out + String(UnicodeScalar(byte))
        case 0xC2...0xDF: expected = 2
        case 0xE0...0xEF: expected = 3
        case 0xF0...0xF4: expected = 4
        default: return out + "\u{FFFD}"
        }
        pending = [byte]
        return out
    }

    /// Drops an incomplete trailing character (it was never shown) and resets.
    public mutating func finish() {
        pending = []
        expected = 0
    }
}
