import Foundation

// The safetensors format (https://github.com/huggingface/safetensors):
//
//     [8 bytes]  N, the header length, unsigned little-endian
//     [N bytes]  JSON header: {"__metadata__": {string: string},
//                              name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}
//                padded with spaces so that 8 + N is a multiple of 8
//     [rest]     raw little-endian tensor data; offsets are relative to the end of the header,
//                and the tensors tile it exactly: sorted by offset, each begins where the last ended.
//
// Float data is written and read as raw memory: every platform Swift runs Rewarm on is little-endian.
#if !_endian(little)
#error("Safetensors.swift assumes a little-endian host")
#endif

/// Element types a safetensors header may name, with their sizes in bytes.
public enum SafetensorsDtype: String, Sendable, CaseIterable {
    case bool = "BOOL", u8 = "U8", i8 = "I8", f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3"
    case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
    case i32 = "I32", u32 = "U32", f32 = "F32", f64 = "F64", i64 = "I64", u64 = "U64"

    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: 1
        case .i16, .u16, .f16, .bf16: 2
        case .i32, .u32, .f32: 4
        case .f64, .i64, .u64: 8
        }
    }
}

/// A named float32 tensor to write: `values` in row-major order, `values.count == shape product`.
public struct SafetensorsTensor: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}

/// A named float32 tensor to write straight from memory the caller owns (a view into a slab),
/// valid for the duration of the write.
public struct SafetensorsTensorView {
    public var name: String
    public var shape: [Int]
    public var values: UnsafeBufferPointer<Float>

    public init(name: String, shape: [Int], values: UnsafeBufferPointer<Float>) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}

/// Writes float32 tensors as a safetensors file, laid out as the Python library lays it out:
/// tensors sorted by name, compact JSON with `__metadata__` first, header padded with spaces.
public enum SafetensorsWriter {
    /// Writes `tensors` and `metadata` to `url` atomically: a temporary file in the same folder,
    /// flushed to disk, then renamed over `url`. The folder must exist.
    public static func write(
        _ tensors: [SafetensorsTensor], metadata: [String: String] = [:], to url: URL
    ) throws(CheckpointError) {
        try write(
            names: tensors.map(\.name), shapes: tensors.map(\.shape),
            counts: tensors.map(\.values.count), metadata: metadata, to: url
        ) { index, body in try tensors[index].values.withUnsafeBufferPointer { try body($0) } }
    }

    /// Writes tensors viewed in caller-owned memory; see `write(_:metadata:to:)`.
    public static func write(
        views: [SafetensorsTensorView], metadata: [String: String] = [:], to url: URL
    ) throws(CheckpointError) {
        try write(
            names: views.map(\.name), shapes: views.map(\.shape),
            counts: views.map(\.values.count), metadata: metadata, to: url
        ) { index, body in try body(views[index].values) }
    }

    private static func write(
        names: [String], shapes: [[Int]], counts: [Int], metadata: [String: String], to url: URL,
        withValues: (Int, (UnsafeBufferPointer<Float>) throws -> Void) throws -> Void
    ) throws(CheckpointError) {
        let path = url.path
        // Byte order of the UTF-8 names, as Rust's (and Python's) string sort.
        let order = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
        var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        var offset = 0
        for index in order {
            let name = names[index], shape = shapes[index]
            if let previous = entries.last, previous.name == name {
                throw .invalidTensor(path: path, tensor: name, detail: "name appears twice")
            }
            guard let elements = elementCount(shape), elements == counts[index] else {
                throw .invalidTensor(
                    path: path, tensor: name,
                    detail: "shape \(shape) does not match \(counts[index]) values")
            }
            entries.append((name, shape, offset, offset + 4 * elements))
            offset += 4 * elements
        }
        var header = headerJSON(entries: entries, metadata: metadata)
        header.append(contentsOf: Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        var prefix = Data(count: 8)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { prefix.replaceSubrange(0..<8, with: $0) }
        prefix.append(contentsOf: header)

        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw .io(path: path, reason: "cannot create a temporary file in \(folder.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: prefix)
            for index in order {
                try withValues(index) { values in try handle.write(contentsOf: UnsafeRawBufferPointer(values)) }
            }
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .io(path: path, reason: "write failed: \(error)")
        }
        if rename(temporary.path, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .io(path: path, reason: "cannot rename the temporary file into place: \(reason)")
        }
    }

    /// The unpadded header: `{"__metadata__":{..},"name":{"dtype":"F32","shape":[..],"data_offsets":[b,e]},..}`,
    /// metadata keys sorted, tensors in offset order (which is name order).
    static func headerJSON(
        entries: [(name: String, shape: [Int], begin: Int, end: Int)], metadata: [String: String]
    ) -> [UInt8] {
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(JSONLiteral.string($0)):\(JSONLiteral.string(metadata[$0]!))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        for entry in entries {
            let shape = entry.shape.map(String.init).joined(separator: ",")
            fields.append(
                "\(JSONLiteral.string(entry.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],"
                    + "\"data_offsets\":[\(entry.begin),\(entry.end)]}")
        }
        return Array("{\(fields.joined(separator: ","))}".utf8)
    }
}

/// Number of elements of `shape` (1 for a scalar `[]`), or nil when a dimension is negative or the
/// product overflows.
func elementCount(_ shape: [Int]) -> Int? {
    var product = 1
    for dimension in shape {
        guard dimension >= 0 else { return nil }
        let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
        if overflow { return nil }
        product = next
    }
    return product
}

/// A safetensors file read and validated: its metadata, its tensors' names, dtypes and shapes,
/// and their values as Float (from F32, F16 or BF16).
public struct SafetensorsFile: Sendable {
    /// Where one tensor lies: `dataOffsets` are byte offsets into the data after the header.
    public struct TensorInfo: Sendable, Equatable {
        public var dtype: SafetensorsDtype
        public var shape: [Int]
        public var dataOffsets: Range<Int>
    }

    /// The path errors name.
    public let path: String
    /// The header's `__metadata__` (empty when absent).
    public let metadata: [String: String]
    /// Tensor names, sorted.
    public let names: [String]
    private let infos: [String: TensorInfo]
    private let bytes: Data
    private let dataStart: Int

    /// Largest header accepted, as the Python library (100 MB).
    public static let maxHeaderLength = 100_000_000

    /// Reads and validates the file at `url` (memory-mapped when possible).
    public init(contentsOf url: URL) throws(CheckpointError) {
        guard FileManager.default.fileExists(atPath: url.path) else { throw .fileMissing(path: url.path) }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw .io(path: url.path, reason: "cannot read: \(error)")
        }
        try self.init(bytes: bytes, path: url.path)
    }

    /// Parses and validates a whole file held in `bytes`; `path` names it in errors.
    public init(bytes: Data, path: String) throws(CheckpointError) {
        self.path = path
        self.bytes = bytes
        guard bytes.count >= 8 else {
            throw .truncated(path: path, detail: "\(bytes.count) bytes, shorter than the 8-byte header length")
        }
        let start = bytes.startIndex
        let headerLength = bytes[start..<start + 8].enumerated()
            .reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(Self.maxHeaderLength) else {
            throw .invalidHeader(path: path, detail: "header length \(headerLength) exceeds \(Self.maxHeaderLength)")
        }
        let n = Int(headerLength)
        guard bytes.count - 8 >= n else {
            throw .truncated(path: path, detail: "header length is \(n) bytes but only \(bytes.count - 8) follow")
        }
        dataStart = 8 + n
        let header = try Self.parseHeader(bytes[start + 8..<start + 8 + n], path: path)
        metadata = header.metadata ?? [:]
        infos = try Self.validate(header.tensors, dataLength: bytes.count - dataStart, path: path)
        names = infos.keys.sorted()
    }

    /// Dtype, shape and offsets of tensor `name`.
    public func info(named name: String) throws(CheckpointError) -> TensorInfo {
        guard let info = infos[name] else { throw .missingTensor(path: path, tensor: name) }
        return info
    }

    /// Tensor `name`'s shape and values, converted to Float, row-major.
    public func tensor(named name: String) throws(CheckpointError) -> (shape: [Int], values: [Float]) {
        let info = try readableInfo(named: name)
        let count = info.dataOffsets.count / info.dtype.byteSize
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            convert(info, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            initialized = count
        }
        return (info.shape, values)
    }

    /// Converts tensor `name` into `destination`, which must hold exactly its element count
    /// (for loading straight into a parameter slab).
    public func copyTensor(
        named name: String, into destination: UnsafeMutableBufferPointer<Float>
    ) throws(CheckpointError) {
        let info = try readableInfo(named: name)
        let count = info.dataOffsets.count / info.dtype.byteSize
        guard destination.count == count else {
            throw .invalidTensor(
                path: path, tensor: name, detail: "has \(count) elements, destination holds \(destination.count)")
        }
        convert(info, into: destination)
    }

    private func readableInfo(named name: String) throws(CheckpointError) -> TensorInfo {
        let info = try info(named: name)
        guard [.f32, .f16, .bf16].contains(info.dtype) else {
            throw .unsupportedDtype(path: path, tensor: name, dtype: info.dtype.rawValue)
        }
        return info
    }

    /// Little-endian F32, F16 or BF16 bytes of `info` to Float.
    private func convert(_ info: TensorInfo, into destination: UnsafeMutableBufferPointer<Float>) {
        let begin = bytes.startIndex + dataStart + info.dataOffsets.lowerBound
        bytes[begin..<begin + info.dataOffsets.count].withUnsafeBytes { raw in
            func half(_ i: Int) -> UInt16 {
                UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            }
            switch info.dtype {
            case .f16: for i in destination.indices { destination[i] = floatFromHalfBits(half(i)) }
            case .bf16: for i in destination.indices { destination[i] = Float(bitPattern: UInt32(half(i)) << 16) }
            default: UnsafeMutableRawBufferPointer(destination).copyMemory(from: raw)
            }
        }
    }

    // MARK: Header parsing and validation

    private struct Header: Decodable {
        var metadata: [String: String]?
        var tensors: [String: RawTensorInfo] = [:]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            for key in container.allKeys {
                if key.stringValue == "__metadata__" {
                    metadata = try container.decode([String: String].self, forKey: key)
                } else {
                    tensors[key.stringValue] = try container.decode(RawTensorInfo.self, forKey: key)
                }
            }
        }
    }

    private struct RawTensorInfo: Decodable {
        var dtype: String
        var shape: [Int]
        var data_offsets: [Int]  // swiftlint:disable:this identifier_name
    }

    private static func parseHeader(_ json: Data, path: String) throws(CheckpointError) -> Header {
        guard String(data: json, encoding: .utf8) != nil else {
            throw .headerNotJSON(path: path, reason: "not valid UTF-8")
        }
        do {
            return try JSONDecoder().decode(Header.self, from: json)
        } catch let error as DecodingError {
            switch error {
            case .dataCorrupted(let context) where context.codingPath.isEmpty:
                let underlying = context.underlyingError.map { "\($0)" } ?? context.debugDescription
                throw .headerNotJSON(path: path, reason: underlying)
            case .typeMismatch(_, let context) where context.codingPath.isEmpty:
                throw .invalidHeader(path: path, detail: "the top level is not a JSON object")
            case .typeMismatch(_, let context), .valueNotFound(_, let context),
                .keyNotFound(_, let context), .dataCorrupted(let context):
                let at = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
                    .joined()
                var detail = "at \(at): \(context.debugDescription)"
                if case .keyNotFound(let key, _) = error { detail = "at \(at): missing \"\(key.stringValue)\"" }
                throw .invalidHeader(path: path, detail: detail)
            @unknown default:
                throw .invalidHeader(path: path, detail: "\(error)")
            }
        } catch {
            throw .headerNotJSON(path: path, reason: "\(error)")
        }
    }

    /// Checks dtypes, shapes and offsets as the Python library does: sorted by offset, the tensors
    /// must tile `0..<dataLength` exactly, each span holding `product(shape) x dtype size` bytes.
    private static func validate(
        _ raw: [String: RawTensorInfo], dataLength: Int, path: String
    ) throws(CheckpointError) -> [String: TensorInfo] {
        var infos: [String: TensorInfo] = [:]
        for (name, entry) in raw {
            func bad(_ detail: String) -> CheckpointError { .invalidOffsets(path: path, tensor: name, detail: detail) }
            guard let dtype = SafetensorsDtype(rawValue: entry.dtype) else {
                throw .unsupportedDtype(path: path, tensor: name, dtype: entry.dtype)
            }
            guard entry.data_offsets.count == 2 else { throw bad("\(entry.data_offsets) is not [begin, end]") }
            let (begin, end) = (entry.data_offsets[0], entry.data_offsets[1])
            guard begin >= 0, end >= begin else { throw bad("[\(begin), \(end)] is not a valid range") }
            guard let elements = elementCount(entry.shape),
                case (let needed, false) = elements.multipliedReportingOverflow(by: dtype.byteSize)
            else {
                throw .invalidHeader(path: path, detail: "tensor '\(name)': invalid shape \(entry.shape)")
            }
            guard end - begin == needed else {
                throw bad("[\(begin), \(end)] spans \(end - begin) bytes, "
                    + "shape \(entry.shape) of \(dtype.rawValue) needs \(needed)")
            }
            infos[name] = TensorInfo(dtype: dtype, shape: entry.shape, dataOffsets: begin..<end)
        }
        let byOffset = infos.sorted {
            ($0.value.dataOffsets.lowerBound, $0.value.dataOffsets.upperBound, $0.key)
                < ($1.value.dataOffsets.lowerBound, $1.value.dataOffsets.upperBound, $1.key)
        }
        var (expected, previous) = (0, "the start of the data")
        for (name, info) in byOffset {
            let (begin, end) = (info.dataOffsets.lowerBound, info.dataOffsets.upperBound)
            if begin != expected {
                let relation = begin < expected ? "overlaps" : "leaves a gap after"
                throw .invalidOffsets(
                    path: path, tensor: name,
                    detail: "[\(begin), \(end)] \(relation) \(previous), which ends at \(expected)")
            }
            guard end <= dataLength else {
                throw .truncated(
                    path: path,
                    detail: "tensor '\(name)' ends at data byte \(end) but only \(dataLength) follow the header")
            }
            (expected, previous) = (end, "tensor '\(name)'")
        }
        guard expected == dataLength else {
            throw .invalidHeader(
                path: path, detail: "tensors cover \(expected) data bytes but \(dataLength) follow the header")
        }
        return infos
    }
}

/// IEEE 754 binary16 bits to Float, exactly (every half is a float): sign, 5-bit exponent
/// (bias 15), 10-bit mantissa; subnormals are `mantissa x 2^-24`; infinities and NaNs keep
/// their payload.
public func floatFromHalfBits(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1F
    let mantissa = UInt32(bits & 0x3FF)
    switch exponent {
    case 0:
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    case 0x1F:
        return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
    default:
        return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
    }
}
