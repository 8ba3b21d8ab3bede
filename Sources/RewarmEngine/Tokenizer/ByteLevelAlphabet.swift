/// GPT-2's byte-level alphabet (Radford et al. 2019, `bytes_to_unicode` in openai/gpt-2
/// `encoder.py`; `bytes_char` in Hugging Face `tokenizers`): each of the 256 byte values is
/// spelled as one printable Unicode character, so that a byte-level BPE vocabulary is a set of
/// ordinary strings and no token holds a space or a control character.
///
/// The 188 printable Latin-1 bytes (`!`...`~`, `¡`...`¬`, `®`...`ÿ`) are spelled as themselves;
/// the other 68 (controls, space, 0x7F-0xA0, 0xAD) as U+0100, U+0101, ... in byte order, so
/// space (0x20) is `Ġ` (U+0120) and line feed (0x0A) is `Ċ` (U+010A).
enum ByteLevelAlphabet {
    /// (256) the scalar that spells each byte.
    static let scalarOfByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    /// The byte a scalar of the alphabet spells, or nil for any other scalar.
    static func byte(of scalar: Unicode.Scalar) -> UInt8? {
        let v = scalar.value
        if v < 0x100 {
            let b = Int(v)
            return scalarOfByte[b] == v ? UInt8(b) : nil
        }
        if v < 0x100 + 68 { return inverseHigh[Int(v - 0x100)] }
        return nil
    }

    /// The byte-level spelling of `bytes` (each byte as its character), e.g. " the" -> "Ġthe".
    static func spelling<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(Unicode.Scalar(scalarOfByte[Int(b)])!) }
        return String(s)
    }

    /// The bytes `token` spells if every scalar of it is in the alphabet, else nil.
    static func bytes(ofSpelling token: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(token.utf8.count)
        for scalar in token.unicodeScalars {
            guard let b = byte(of: scalar) else { return nil }
            out.append(b)
        }
        return out
    }

    /// (68) the byte spelled by U+0100 + i.
    private static let inverseHigh: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 68)
        for b in 0..<256 where scalarOfByte[b] >= 0x100 { table[Int(scalarOfByte[b] - 0x100)] = UInt8(b) }
        return table
    }()
}
