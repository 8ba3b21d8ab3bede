import Foundation

/// Tokenized corpora on disk, so a BPE tokenizes each corpus once: one file per key
/// (`TokenizedCorpus.cacheKey`: tokenizer identity, corpus spec with its `[k/N]` part, `val_size`
/// and the corpus's content fingerprint), `DIR/<key>.bin`.
///
/// File layout (little-endian; 80-byte header, then the payload):
///
///     offset size field
///          0    8 magic "RWTOKENS"
///          8    4 format version (1)
///         12    4 width: bytes per id, 1, 2 or 4 (`TokenStream.width`)
///         16   16 key, 16 ASCII hex digits
///         32    8 N_train: ids in the training stream
///         40    8 N_val: ids in the validation stream
///         48    8 training documents
///         56    8 validation documents
///         64    8 text bytes of the corpus (`Corpus.textByteCount`)
///         72    8 checksum: FNV-1a 64 of the payload
///         80      payload: N_train ids, then N_val ids, `width` bytes each
///
/// Files are written atomically (`Data.write(options: .atomic)`: a temporary file, then a
/// rename), so a reader never sees half a file. A file that fails any check (size, magic,
/// version, key, width, counts, checksum, an id outside the vocabulary) is rejected with one line
/// naming it and the fault, and the corpus is tokenized again and the file replaced.
public struct TokenCache: Sendable {
    /// The folder holding the `.bin` files.
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// `$REWARM_CACHE_DIR/tokens` when the variable is set, else `~/.cache/rewarm/tokens`.
    public static func defaultDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> URL {
        let root = environment["REWARM_CACHE_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? NSHomeDirectory() + "/.cache/rewarm"
        return URL(fileURLWithPath: root).appendingPathComponent("tokens")
    }

    /// The cache in `defaultDirectory()`.
    public static var standard: TokenCache { TokenCache(directory: defaultDirectory()) }

    static let magic = Array("RWTOKENS".utf8)
    static let version: UInt32 = 1
    static let headerSize = 80

    /// What a cache file must hold to be trusted for a corpus.
    struct Expectation {
        var key: String
        var width: Int
        var vocabularySize: Int
        var trainDocumentCount: Int
        var validationDocumentCount: Int
        var textByteCount: Int
    }

    public func file(key: String) -> URL { directory.appendingPathComponent(key + ".bin") }

    /// The two streams of `expected.key`'s file; nil when there is no such file. Throws (naming
    /// the file and the fault) when the file is there but cannot be trusted.
    func read(_ expected: Expectation) throws(TokenCacheError) -> (train: TokenStream, validation: TokenStream)? {
        let url = file(key: expected.key)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        func fail(_ reason: String) -> TokenCacheError { TokenCacheError(path: url.path, reason: reason) }
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw fail("cannot be read: \(error.localizedDescription)")
        }
        return try data.withUnsafeBytes { raw in
            Result { () throws(TokenCacheError) in try Self.parse(raw, expected, fail) }
        }.get()
    }

    /// The streams in `raw` (a whole file), checked against `expected`.
    static func parse(
        _ raw: UnsafeRawBufferPointer, _ expected: Expectation, _ fail: (String) -> TokenCacheError
    ) throws(TokenCacheError) -> (train: TokenStream, validation: TokenStream) {
        guard raw.count >= Self.headerSize else { throw fail("\(raw.count) bytes, shorter than the 80-byte header") }
        guard Array(raw[0..<8]) == Self.magic else { throw fail("not a token cache (bad magic)") }
        func u32(_ o: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        guard u32(8) == Self.version else { throw fail("format version \(u32(8)), expected \(Self.version)") }
        let width = Int(u32(12))
        guard width == expected.width else { throw fail("ids of \(width) bytes, expected \(expected.width)") }
        let key = String(decoding: raw[16..<32], as: UTF8.self)
        guard key == expected.key else { throw fail("holds key \(key), expected \(expected.key)") }
        let counts = stride(from: 40, through: 64, by: 8).map { u64($0) }
        let (nTrain, nValidation) = (u64(32), counts[0])
        let fields = [("training documents", counts[1], expected.trainDocumentCount),
                      ("validation documents", counts[2], expected.validationDocumentCount),
                      ("text bytes", counts[3], expected.textByteCount)]
        for (name, got, want) in fields where got != UInt64(want) { throw fail("\(got) \(name), expected \(want)") }
        let (ids, overflow) = nTrain.addingReportingOverflow(nValidation)
        let (payload, overflow2) = ids.multipliedReportingOverflow(by: UInt64(width))
        guard !overflow, !overflow2, payload == UInt64(raw.count - Self.headerSize) else {
            throw fail("header says \(nTrain) + \(nValidation) ids of \(width) bytes, "
                + "but the file holds \(raw.count - Self.headerSize) payload bytes")
        }
        let body = UnsafeRawBufferPointer(rebasing: raw[Self.headerSize...])
        guard Self.checksum(body) == u64(72) else { throw fail("checksum mismatch (the payload is corrupt)") }
        let split = Int(nTrain) * width
        let train = Self.stream(UnsafeRawBufferPointer(rebasing: body[..<split]), width: width)
        let validation = Self.stream(UnsafeRawBufferPointer(rebasing: body[split...]), width: width)
        for s in [train, validation] {
            if let bad = Self.firstOutOfRange(s, vocabularySize: expected.vocabularySize) {
                throw fail("id \(bad) outside the vocabulary of \(expected.vocabularySize)")
            }
        }
        return (train, validation)
    }

    /// Writes the streams of `expected.key` atomically (creating the folder).
    func write(_ expected: Expectation, train: TokenStream, validation: TokenStream) throws(TokenCacheError) {
        let url = file(key: expected.key)
        var payload = Data()
        payload.reserveCapacity((train.count + validation.count) * train.width)
        train.withUnsafeRawBytes { payload.append(contentsOf: $0) }
        validation.withUnsafeRawBytes { payload.append(contentsOf: $0) }
        var header = Data(Self.magic)
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { header.append(contentsOf: $0) } }
        put(Self.version)
        put(UInt32(train.width))
        let key = Array(expected.key.utf8.prefix(16))
        header.append(contentsOf: key + [UInt8](repeating: 0x30, count: 16 - key.count))
        for v in [train.count, validation.count, expected.trainDocumentCount, expected.validationDocumentCount,
                  expected.textByteCount] { put(UInt64(v)) }
        put(payload.withUnsafeBytes { Self.checksum($0) })
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try (header + payload).write(to: url, options: .atomic)
        } catch {
            throw TokenCacheError(path: url.path, reason: "cannot be written: \(error.localizedDescription)")
        }
    }

    /// FNV-1a 64 of `bytes`.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// A stream from raw little-endian ids of `width` bytes.
    static func stream(_ raw: UnsafeRawBufferPointer, width: Int) -> TokenStream {
        let n = raw.count / width
        switch width {
        case 1: return TokenStream(storage: .uint8(Array(raw.bindMemory(to: UInt8.self))))
        case 2: return TokenStream(storage: .uint16((0..<n).map {
            UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) }))
        default: return TokenStream(storage: .int32((0..<n).map {
            Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }))
        }
    }

    /// The first id of `stream` outside 0..<V, or nil.
    static func firstOutOfRange(_ stream: TokenStream, vocabularySize v: Int) -> Int32? {
        switch stream.storage {
        case .uint8(let a): a.first { Int($0) >= v }.map { Int32($0) }
        case .uint16(let a): a.first { Int($0) >= v }.map { Int32($0) }
        case .int32(let a): a.first { $0 < 0 || Int($0) >= v }
        }
    }
}

/// A token cache file that cannot be trusted or written: one line naming the file and the fault.
public struct TokenCacheError: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
