import Foundation

import RewarmEngine

// A tiny GGUF writer for the tests: files built byte by byte, so each test can make a valid
// file or break exactly one thing in it. The layout follows ggml's docs/gguf.md, written here
// independently of the reader under test.

/// Little-endian bytes, appended field by field.
struct GGUFBytes {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func float32(_ value: Float) { append(value.bitPattern) }
    mutating func float64(_ value: Double) { append(value.bitPattern) }

    /// A GGUF string: u64 byte length, then the bytes (UTF-8 for a Swift string).
    mutating func string(_ text: String) { rawString(Array(text.utf8)) }

    mutating func rawString(_ raw: [UInt8]) {
        append(UInt64(raw.count))
        bytes += raw
    }

    /// A value's payload (no type tag), arrays as element type, count, elements.
    mutating func payload(_ value: GGUFValue) {
        switch value {
        case .uint8(let v): append(v)
        case .int8(let v): append(v)
        case .uint16(let v): append(v)
        case .int16(let v): append(v)
        case .uint32(let v): append(v)
        case .int32(let v): append(v)
        case .uint64(let v): append(v)
        case .int64(let v): append(v)
        case .float32(let v): float32(v)
        case .float64(let v): float64(v)
        case .bool(let v): append(UInt8(v ? 1 : 0))
        case .string(let v): string(v)
        case .array(let elementType, let elements):
            append(elementType.rawValue)
            append(UInt64(elements.count))
            for element in elements { payload(element) }
        }
    }

    /// A metadata entry: key, type tag, payload.
    mutating func keyValue(_ key: String, _ value: GGUFValue) {
        string(key)
        append(value.type.rawValue)
        payload(value)
    }

    /// Zeros up to a multiple of `alignment`.
    mutating func pad(to alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }
}

/// A tensor to write: `dims` innermost first, `type` a ggml type number, `data` its bytes;
/// `offset` nil places it after the previous one, aligned.
struct TestTensor {
    var name: String
    var dims: [UInt64]
    var type: UInt32
    var data: [UInt8]
    var offset: UInt64?

    init(_ name: String, dims: [UInt64], type: GGMLType, data: [UInt8], offset: UInt64? = nil) {
        self.init(name, dims: dims, rawType: type.rawValue, data: data, offset: offset)
    }

    init(_ name: String, dims: [UInt64], rawType: UInt32, data: [UInt8], offset: UInt64? = nil) {
        self.name = name
        self.dims = dims
        type = rawType
        self.data = data
        self.offset = offset
    }
}

/// A whole GGUF file: magic, version, counts (the real ones unless overridden), metadata,
/// tensor infos, zeros to `alignment` (from `general.alignment` when the metadata has it),
/// then each tensor's data at its offset (a tensor with empty `data` writes nothing, so a header
/// can point far past the end of a small file).
func ggufFile(
    magic: String = "GGUF", version: UInt32 = 3, metadata: [(String, GGUFValue)] = [],
    tensors: [TestTensor] = [], tensorCount: UInt64? = nil, kvCount: UInt64? = nil
) -> Data {
    var alignment = 32
    if let (_, value) = metadata.first(where: { $0.0 == "general.alignment" }), case .uint32(let a) = value,
        a > 0, a & (a - 1) == 0 {
        alignment = Int(a)
    }
    var out = GGUFBytes()
    out.bytes += Array(magic.utf8)
    out.append(version)
    out.append(tensorCount ?? UInt64(tensors.count))
    out.append(kvCount ?? UInt64(metadata.count))
    for (key, value) in metadata { out.keyValue(key, value) }
    var offsets: [UInt64] = []
    var next: UInt64 = 0
    for tensor in tensors {
        let offset = tensor.offset ?? next
        offsets.append(offset)
        // Wrapping: a test may place a tensor at an offset near 2^64.
        let end = offset &+ UInt64(tensor.data.count)
        next = (end &+ UInt64(alignment - 1)) / UInt64(alignment) &* UInt64(alignment)
        out.string(tensor.name)
        out.append(UInt32(tensor.dims.count))
        for d in tensor.dims { out.append(d) }
        out.append(tensor.type)
        out.append(offset)
    }
    out.pad(to: alignment)
    let dataStart = out.bytes.count
    for (tensor, offset) in zip(tensors, offsets) where !tensor.data.isEmpty {
        let begin = dataStart + Int(offset)
        if out.bytes.count < begin { out.bytes += [UInt8](repeating: 0, count: begin - out.bytes.count) }
        for (i, byte) in tensor.data.enumerated() {
            if begin + i < out.bytes.count { out.bytes[begin + i] = byte } else { out.bytes.append(byte) }
        }
    }
    return Data(out.bytes)
}

/// Little-endian bytes of float32 values.
func float32Bytes(_ values: [Float]) -> [UInt8] {
    var out = GGUFBytes()
    for v in values { out.float32(v) }
    return out.bytes
}

/// Little-endian bytes of 16-bit patterns (F16, BF16, a block's fp16 scale).
func uint16Bytes(_ values: [UInt16]) -> [UInt8] {
    var out = GGUFBytes()
    for v in values { out.append(v) }
    return out.bytes
}

/// The error `body` throws, or nil.
func ggufError(_ body: () throws(GGUFError) -> Void) -> GGUFError? {
    do throws(GGUFError) {
        try body()
        return nil
    } catch {
        return error
    }
}
