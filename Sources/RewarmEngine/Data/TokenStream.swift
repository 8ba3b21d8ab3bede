/// (N) a stream of token ids held in the narrowest unsigned width that fits its vocabulary:
/// one byte per id for V <= 256 (the byte tokenizer), two for V <= 65,536 (SmolLM2's 49,152),
/// else four. A 2 MB corpus of BPE ids (about 0.25 ids per byte) takes about 1 MB, not 2 MB of
/// `[Int32]`.
public struct TokenStream: Sendable, Equatable {
    enum Storage: Sendable, Equatable {
        case uint8([UInt8])
        case uint16([UInt16])
        case int32([Int32])
    }

    let storage: Storage

    /// A stream of byte tokens (ids 0..<256), stored as given.
    public init(bytes: [UInt8]) {
        storage = .uint8(bytes)
    }

    /// A stream of `ids`, each in 0..<`vocabularySize`, stored in the width that fits V.
    public init(ids: [Int32], vocabularySize: Int) {
        precondition(vocabularySize >= 1, "a vocabulary has at least one id")
        if vocabularySize <= 1 << 8 {
            storage = .uint8(ids.map { UInt8(truncatingIfNeeded: $0) })
        } else if vocabularySize <= 1 << 16 {
            storage = .uint16(ids.map { UInt16(truncatingIfNeeded: $0) })
        } else {
            storage = .int32(ids)
        }
    }

    init(storage: Storage) { self.storage = storage }

    /// N: how many ids.
    public var count: Int {
        switch storage {
        case .uint8(let a): a.count
        case .uint16(let a): a.count
        case .int32(let a): a.count
        }
    }

    /// Bytes per id in memory and in a token cache file: 1, 2 or 4.
    public var width: Int {
        switch storage {
        case .uint8: 1
        case .uint16: 2
        case .int32: 4
        }
    }

    /// The byte tokens, when the stream is stored one byte per id (else nil).
    public var bytes: [UInt8]? {
        if case .uint8(let a) = storage { a } else { nil }
    }

    /// (N) every id.
    public var ids: [Int32] {
        switch storage {
        case .uint8(let a): a.map { Int32($0) }
        case .uint16(let a): a.map { Int32($0) }
        case .int32(let a): a
        }
    }

    public subscript(_ i: Int) -> Int32 {
        switch storage {
        case .uint8(let a): Int32(a[i])
        case .uint16(let a): Int32(a[i])
        case .int32(let a): a[i]
        }
    }

    /// Writes ids [offset, offset + count) to `out[0..<count]`.
    public func copy(from offset: Int, count: Int, into out: UnsafeMutablePointer<Int32>) {
        precondition(offset >= 0 && count >= 0 && offset + count <= self.count,
                     "ids \(offset)..<\(offset + count) outside a stream of \(self.count)")
        switch storage {
        case .uint8(let a): a.withUnsafeBufferPointer { s in for t in 0..<count { out[t] = Int32(s[offset + t]) } }
        case .uint16(let a): a.withUnsafeBufferPointer { s in for t in 0..<count { out[t] = Int32(s[offset + t]) } }
        case .int32(let a): a.withUnsafeBufferPointer { s in for t in 0..<count { out[t] = s[offset + t] } }
        }
    }

    /// The ids [offset, offset + count) as an array.
    public func slice(from offset: Int, count: Int) -> [Int32] {
        var out = [Int32](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { o in
            if count > 0 { copy(from: offset, count: count, into: o.baseAddress!) }
        }
        return out
    }

    /// The stream's raw little-endian bytes as stored (for cache files and checksums).
    public func withUnsafeRawBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .uint8(let a): try a.withUnsafeBytes(body)
        case .uint16(let a): try a.withUnsafeBytes(body)
        case .int32(let a): try a.withUnsafeBytes(body)
        }
    }
}
