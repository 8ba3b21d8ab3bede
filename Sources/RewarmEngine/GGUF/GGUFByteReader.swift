#if !_endian(little)
#error("GGUFByteReader.swift assumes a little-endian host")
#endif

/// A cursor over a GGUF file's bytes that checks every read against the end of the file
/// before it happens, and every count or length against the bytes left before anything of
/// that size is allocated. GGUF is little-endian (ggml `docs/gguf.md`; big-endian GGUF files
/// exist but are rare, and are refused by their version number).
///
/// Only valid inside the `withUnsafeBytes` call that lends it `bytes`.
struct GGUFByteReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    /// The next byte to read, from the start of the file.
    private(set) var offset = 0

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// Bytes left after `offset`.
    var remaining: Int { bytes.count - offset }

    /// A little-endian integer; `what` names the field for the error (built only on failure).
    mutating func integer<T: FixedWidthInteger>(
        _: T.Type, _ what: @autoclosure () -> String
    ) throws(GGUFError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else {
            throw .truncated(
                path: path,
                detail: "the file ends at byte \(bytes.count), inside \(what()) (\(size) bytes at byte \(offset))")
        }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return value
    }

    /// A u64 count of things that take at least `minimumSize` bytes each, checked against the
    /// bytes left: `what` names the things, e.g. "STRING elements of 'tokenizer.ggml.tokens'".
    mutating func count(
        of what: @autoclosure () -> String, minimumSize: Int, field: @autoclosure () -> String
    ) throws(GGUFError) -> Int {
        let at = offset
        let claimed = try integer(UInt64.self, field())
        return try check(claimed, of: what(), minimumSize: minimumSize, at: at)
    }

    /// `claimed` things of at least `minimumSize` bytes each, read at byte `at`, must fit in the
    /// bytes left; returns the count as an Int.
    func check(
        _ claimed: UInt64, of what: @autoclosure () -> String, minimumSize: Int, at: Int
    ) throws(GGUFError) -> Int {
        let (needed, overflow) = claimed.multipliedReportingOverflow(by: UInt64(minimumSize))
        guard !overflow, needed <= UInt64(max(remaining, 0)) else {
            throw .headerLies(
                path: path,
                detail: "\(claimed) \(what()) at byte \(at) need at least "
                    + "\(overflow ? "2^64 or more" : String(needed)) bytes, but only \(max(remaining, 0)) are left")
        }
        return Int(claimed)
    }

    /// The bytes of a string (u64 length, then the bytes), checked against the bytes left.
    mutating func stringBytes(_ what: @autoclosure () -> String) throws(GGUFError) -> UnsafeRawBufferPointer {
        let length = try integer(UInt64.self, "the length of \(what())")
        guard length <= UInt64(remaining) else {
            throw .headerLies(
                path: path,
                detail: "\(what()) at byte \(offset - 8) claims \(length) bytes, but only \(remaining) are left")
        }
        let start = offset
        offset += Int(length)
        return UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
    }

    /// A string whose bytes must be valid UTF-8 (keys and tensor names): nil when they are not.
    mutating func strictString(_ what: @autoclosure () -> String) throws(GGUFError) -> String? {
        String(validating: try stringBytes(what()), as: UTF8.self)
    }

    /// A string value; bytes that are not valid UTF-8 become U+FFFD.
    mutating func lenientString(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
        String(decoding: try stringBytes(what()), as: UTF8.self)
    }

    /// Moves `offset` up to the next multiple of `alignment` (a power of two). May pass the end
    /// of the file: the data section of a file without tensor data may be absent.
    mutating func align(to alignment: Int) {
        offset = (offset + alignment - 1) & ~(alignment - 1)
    }
}
