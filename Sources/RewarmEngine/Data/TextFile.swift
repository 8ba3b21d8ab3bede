import Foundation

/// Reading a corpus file as bytes that are known to be valid UTF-8.
enum TextFile {
    /// The bytes of the file at `path`, checked to be UTF-8.
    ///
    /// Throws `missingPath` (with `hint`), `unreadable`, or `invalidUTF8` naming the 1-based line
    /// and 0-based byte offset of the first ill-formed sequence.
    static func read(_ path: String, hint: String? = nil) throws(CorpusError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .missingPath(path: path, hint: hint)
        }
        if isDirectory.boolValue { throw .unsupportedFile(path: path) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: oneLine(error.localizedDescription))
        }
        let bytes = [UInt8](data)
        try validateUTF8(bytes, file: path)
        return bytes
    }

    /// Throws `invalidUTF8` if `bytes` are not well-formed UTF-8 (Unicode 15, table 3-7).
    static func validateUTF8(_ bytes: [UInt8], file: String) throws(CorpusError) {
        // Fast path in the (optimized) standard library; the slow scan runs only on failure.
        if String(validating: bytes, as: UTF8.self) != nil { return }
        let offset = bytes.withUnsafeBufferPointer { firstInvalidUTF8Offset($0) } ?? 0
        let line = bytes[..<offset].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        throw .invalidUTF8(file: file, line: line, byteOffset: offset)
    }

    /// Offset of the lead byte of the first ill-formed UTF-8 sequence, or nil if all is valid.
    static func firstInvalidUTF8Offset(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            // Allowed range of the second byte, and the sequence length, by lead byte.
            let (lo, hi, length): (UInt8, UInt8, Int)
            switch c {
            case 0xC2...0xDF: (lo, hi, length) = (0x80, 0xBF, 2)
            case 0xE0: (lo, hi, length) = (0xA0, 0xBF, 3)
            case 0xE1...0xEC, 0xEE...0xEF: (lo, hi, length) = (0x80, 0xBF, 3)
            case 0xED: (lo, hi, length) = (0x80, 0x9F, 3)
            case 0xF0: (lo, hi, length) = (0x90, 0xBF, 4)
            case 0xF1...0xF3: (lo, hi, length) = (0x80, 0xBF, 4)
            case 0xF4: (lo, hi, length) = (0x80, 0x8F, 4)
            default: return i
            }
            if i + length > n { return i }
            if b[i + 1] < lo || b[i + 1] > hi { return i }
            for k in 2..<length where b[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }

    /// `text` with line breaks replaced by spaces, so error descriptions stay one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
