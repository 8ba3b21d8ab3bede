// The layout of a GGUF file (ggml `docs/gguf.md`; gguf-py `gguf_reader.py`; ggml `gguf.cpp`):
//
//     [4]   magic "GGUF"
//     [u32] version (2 or 3; version 1 had 32-bit counts)
//     [u64] tensor count
//     [u64] metadata key/value count
//     [...] metadata key/values (`GGUFValue.swift`)
//     [...] tensor infos (`GGUFTensorInfo.swift`)
//     [pad] zeros up to a multiple of `general.alignment` (a UINT32, default 32)
//     [...] the data section: each tensor at its offset, a multiple of the alignment
//
// Every count, length and offset is checked against the file's size before it is used.

/// A GGUF header parsed and validated: everything but the tensor data.
struct GGUFHeader {
    var version: UInt32
    /// Keys in file order.
    var metadataKeys: [String]
    var metadata: [String: GGUFValue]
    /// Tensor infos in file order.
    var tensors: [GGUFTensorInfo]
    var alignment: Int
    /// Absolute offset of the data section.
    var dataOffset: Int

    static let magic: [UInt8] = Array("GGUF".utf8)
    static let defaultAlignment = 32
    /// Deepest nesting of arrays accepted (an array of arrays is depth 2). gguf-py flattens
    /// nested arrays, ggml refuses them; a bound keeps a crafted file from exhausting the stack.
    static let maxArrayDepth = 8
    /// ggml's GGML_MAX_DIMS.
    static let maxDimensions = 4

    /// Parses the header of the file held in `bytes`; `path` names it in errors.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(GGUFError) -> GGUFHeader {
        let head = Array(bytes.prefix(4))
        guard head == Array(magic.prefix(head.count)) else { throw .wrongMagic(path: path, found: head) }
        var reader = GGUFByteReader(bytes: bytes, path: path)
        _ = try reader.integer(UInt32.self, "the magic")
        let version = try reader.integer(UInt32.self, "the version")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(path: path, version: version) }

        // The smallest tensor info is 24 bytes (empty name, n_dims 0, type, offset), the
        // smallest key/value 13 (empty key, type, one UINT8).
        let rawTensorCount = try reader.integer(UInt64.self, "the tensor count")
        let rawKVCount = try reader.integer(UInt64.self, "the key/value count")
        let tensorCount = try reader.check(rawTensorCount, of: "tensor infos", minimumSize: 24, at: 8)
        let kvCount = try reader.check(rawKVCount, of: "metadata key/values", minimumSize: 13, at: 16)

        var keys: [String] = []
        var metadata: [String: GGUFValue] = [:]
        keys.reserveCapacity(kvCount)
        metadata.reserveCapacity(kvCount)
        for index in 0..<kvCount {
            let keyStart = reader.offset
            guard let key = try reader.strictString("the key of key/value \(index)") else {
                throw .invalidMetadata(
                    path: path, key: "#\(index)", detail: "key at byte \(keyStart) is not valid UTF-8")
            }
            guard metadata[key] == nil else {
                throw .invalidMetadata(path: path, key: key, detail: "key appears twice")
            }
            let rawType = try reader.integer(UInt32.self, "the value type of '\(key)'")
            guard let type = GGUFValueType(rawValue: rawType) else {
                throw .invalidMetadata(path: path, key: key, detail: "unknown value type \(rawType)")
            }
            metadata[key] = try readValue(type, key: key, depth: 0, reader: &reader)
            keys.append(key)
        }

        let alignment = try alignment(metadata["general.alignment"], path: path)
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(tensorCount)
        var names = Set<String>(minimumCapacity: tensorCount)
        for index in 0..<tensorCount {
            let tensor = try readTensorInfo(index: index, of: tensorCount, reader: &reader)
            guard names.insert(tensor.name).inserted else {
                throw .duplicateTensorName(path: path, tensor: tensor.name)
            }
            tensors.append(tensor)
        }
        reader.align(to: alignment)
        let dataOffset = reader.offset
        try checkPlacement(tensors, dataOffset: dataOffset, alignment: alignment, fileSize: bytes.count, path: path)
        return GGUFHeader(
            version: version, metadataKeys: keys, metadata: metadata, tensors: tensors,
            alignment: alignment, dataOffset: dataOffset)
    }

    /// One value of `type`; arrays recursively, at most `maxArrayDepth` deep.
    private static func readValue(
        _ type: GGUFValueType, key: String, depth: Int, reader: inout GGUFByteReader
    ) throws(GGUFError) -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try reader.integer(UInt8.self, "'\(key)'"))
        case .int8: return .int8(try reader.integer(Int8.self, "'\(key)'"))
        case .uint16: return .uint16(try reader.integer(UInt16.self, "'\(key)'"))
        case .int16: return .int16(try reader.integer(Int16.self, "'\(key)'"))
        case .uint32: return .uint32(try reader.integer(UInt32.self, "'\(key)'"))
        case .int32: return .int32(try reader.integer(Int32.self, "'\(key)'"))
        case .uint64: return .uint64(try reader.integer(UInt64.self, "'\(key)'"))
        case .int64: return .int64(try reader.integer(Int64.self, "'\(key)'"))
        case .float32: return .float32(Float(bitPattern: try reader.integer(UInt32.self, "'\(key)'")))
        case .float64: return .float64(Double(bitPattern: try reader.integer(UInt64.self, "'\(key)'")))
        case .bool: return .bool(try reader.integer(UInt8.self, "'\(key)'") != 0)
        case .string: return .string(try reader.lenientString("the string '\(key)'"))
        case .array:
            guard depth < maxArrayDepth else {
                throw .invalidMetadata(
                    path: reader.path, key: key, detail: "arrays nested more than \(maxArrayDepth) deep")
            }
            let rawType = try reader.integer(UInt32.self, "the element type of '\(key)'")
            guard let elementType = GGUFValueType(rawValue: rawType) else {
                throw .invalidMetadata(path: reader.path, key: key, detail: "unknown array element type \(rawType)")
            }
            let count = try reader.count(
                of: "\(elementType) elements of '\(key)'", minimumSize: elementType.minimumSize,
                field: "the element count of '\(key)'")
            var elements: [GGUFValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count {
                elements.append(try readValue(elementType, key: key, depth: depth + 1, reader: &reader))
            }
            return .array(elementType: elementType, elements)
        }
    }

    /// `general.alignment`: absent means 32; present, a UINT32 power of two.
    private static func alignment(_ value: GGUFValue?, path: String) throws(GGUFError) -> Int {
        guard let value else { return defaultAlignment }
        guard case .uint32(let raw) = value else {
            throw .invalidMetadata(
                path: path, key: "general.alignment", detail: "must be a UINT32, not \(value.typeDescription)")
        }
        guard raw != 0, raw & (raw - 1) == 0 else {
            throw .invalidMetadata(path: path, key: "general.alignment", detail: "\(raw) is not a power of two")
        }
        return Int(raw)
    }

    /// One tensor info, its dimensions and type validated (not yet its placement).
    private static func readTensorInfo(
        index: Int, of count: Int, reader: inout GGUFByteReader
    ) throws(GGUFError) -> GGUFTensorInfo {
        let path = reader.path
        let nameStart = reader.offset
        guard let name = try reader.strictString("the name of tensor info \(index) of \(count)") else {
            throw .invalidTensorName(
                path: path, index: index, detail: "name at byte \(nameStart) is not valid UTF-8")
        }
        let dimensionCount = try reader.integer(UInt32.self, "the dimension count of tensor '\(name)'")
        guard dimensionCount <= UInt32(maxDimensions) else {
            throw .invalidShape(path: path, tensor: name,
                                detail: "\(dimensionCount) dimensions, more than \(maxDimensions)")
        }
        var dimensions: [Int] = []
        for axis in 0..<Int(dimensionCount) {
            let raw = try reader.integer(UInt64.self, "dimension \(axis) of tensor '\(name)'")
            guard let dimension = Int(exactly: raw) else {
                throw .invalidShape(path: path, tensor: name, detail: "ne[\(axis)] = \(raw) is larger than 2^63 - 1")
            }
            dimensions.append(dimension)
        }
        // The row count (the product of ne[1...]) must fit too, even when ne[0] = 0 makes the
        // element count 0: `GGUFTensorInfo.rowCount` computes it.
        var rows = 1
        for dimension in dimensions.dropFirst() {
            let (product, overflow) = rows.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw .invalidShape(
                    path: path, tensor: name, detail: "the element count of ne = \(dimensions) overflows 64 bits")
            }
            rows = product
        }
        let (elements, overflow) = rows.multipliedReportingOverflow(by: dimensions.first ?? 1)
        guard !overflow else {
            throw .invalidShape(path: path, tensor: name,
                                detail: "the element count of ne = \(dimensions) overflows 64 bits")
        }
        let rawType = try reader.integer(UInt32.self, "the type of tensor '\(name)'")
        guard let type = GGMLType(rawValue: rawType) else {
            throw .unknownTensorType(path: path, tensor: name, rawType: rawType)
        }
        let rowLength = dimensions.first ?? 1
        guard rowLength % type.blockSize == 0 else {
            throw .invalidShape(
                path: path, tensor: name,
                detail: "ne[0] = \(rowLength) is not a multiple of \(type)'s block size \(type.blockSize)")
        }
        // elements / blockSize * blockBytes <= elements * blockBytes; the division is exact.
        let (byteCount, byteOverflow) = (elements / type.blockSize).multipliedReportingOverflow(by: type.blockBytes)
        guard !byteOverflow else {
            throw .invalidShape(path: path, tensor: name,
                                detail: "the byte count of ne = \(dimensions) in \(type) overflows 64 bits")
        }
        let rawOffset = try reader.integer(UInt64.self, "the data offset of tensor '\(name)'")
        guard let offset = Int(exactly: rawOffset) else {
            throw .tensorDataPastEnd(
                path: path, tensor: name, detail: "offset \(rawOffset) is past the end of any file")
        }
        return GGUFTensorInfo(
            name: name, dimensions: dimensions, type: type, offset: offset, elementCount: elements,
            byteCount: byteCount)
    }

    /// Each tensor's data lies inside the file (an empty tensor's offset too), at an aligned
    /// offset, and no two overlap.
    private static func checkPlacement(
        _ tensors: [GGUFTensorInfo], dataOffset: Int, alignment: Int, fileSize: Int, path: String
    ) throws(GGUFError) {
        // Negative when the header's padding runs past the end: a file without tensor data.
        let dataSize = max(fileSize - dataOffset, 0)
        for tensor in tensors {
            guard tensor.offset % alignment == 0 else {
                throw .invalidTensorOffset(
                    path: path, tensor: tensor.name,
                    detail: "\(tensor.offset) is not a multiple of the alignment \(alignment)")
            }
            let (end, overflow) = tensor.offset.addingReportingOverflow(tensor.byteCount)
            guard !overflow, end <= dataSize else {
                let endText = overflow ? "beyond 2^63" : String(dataOffset + end)
                throw .tensorDataPastEnd(
                    path: path, tensor: tensor.name,
                    detail: "\(tensor.byteCount) bytes at data offset \(tensor.offset) end at file byte \(endText), "
                        + "but the file has \(fileSize) bytes")
            }
        }
        let byOffset = tensors.filter { $0.byteCount > 0 }.sorted { ($0.offset, $0.name) < ($1.offset, $1.name) }
        for (previous, tensor) in zip(byOffset, byOffset.dropFirst())
        where tensor.offset < previous.offset + previous.byteCount {
            throw .invalidTensorOffset(
                path: path, tensor: tensor.name,
                detail: "data at \(tensor.offset) overlaps tensor '\(previous.name)', which ends at "
                    + "\(previous.offset + previous.byteCount)")
        }
    }
}
