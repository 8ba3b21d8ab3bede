import Foundation

/// A GGUF file (ggml `docs/gguf.md`: llama.cpp's model format) read and validated: its
/// metadata, its tensor infos, and its tensors converted to float32 on demand.
///
/// The file is memory-mapped: opening it reads only the header (for SmolLM2-135M, 1.8 MB of a
/// 98 MB file, most of it the tokenizer's strings); tensor data is paged in when a tensor is
/// dequantized or its blocks are read. Every count, length and offset in the header is checked
/// against the file's size when the file is opened, so the accessors below cannot read out of
/// bounds.
///
/// Shapes: see `GGUFTensorInfo` (dimensions innermost first; a Hugging Face (out, in) weight
/// has `ne = [in, out]`).
public struct GGUFFile: Sendable {
    /// The path errors name.
    public let path: String
    /// The format version: 2 or 3.
    public let version: UInt32
    /// `general.alignment`, or 32: the data section and every tensor's offset are multiples of it.
    public let alignment: Int
    /// Absolute byte offset of the data section: the end of the tensor infos, aligned up.
    public let dataOffset: Int
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// Metadata by key (typed accessors in `GGUFFile+Metadata.swift`).
    public let metadata: [String: GGUFValue]
    /// Tensor infos in file order.
    public let tensors: [GGUFTensorInfo]
    private let tensorIndex: [String: Int]
    /// The whole file (mapped when opened from a path).
    let bytes: Data

    /// Opens the file at `url`, memory-mapped, and validates its header.
    public init(contentsOf url: URL) throws(GGUFError) {
        guard FileManager.default.fileExists(atPath: url.path) else { throw .fileMissing(path: url.path) }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .io(path: url.path, reason: "cannot read: \(error)")
        }
        try self.init(bytes: bytes, path: url.path)
    }

    /// Parses and validates a whole file held in `bytes` (for tests and fuzzing: no file
    /// needed); `path` names it in errors.
    public init(bytes: Data, path: String) throws(GGUFError) {
        // `Data.withUnsafeBytes` rethrows untyped errors: the typed one travels in a Result.
        let parsed = bytes.withUnsafeBytes { raw in
            Result { () throws(GGUFError) -> GGUFHeader in try GGUFHeader.parse(raw, path: path) }
        }
        let header = try parsed.get()
        self.path = path
        self.bytes = bytes
        version = header.version
        alignment = header.alignment
        dataOffset = header.dataOffset
        metadataKeys = header.metadataKeys
        metadata = header.metadata
        tensors = header.tensors
        tensorIndex = Dictionary(uniqueKeysWithValues: header.tensors.enumerated().map { ($1.name, $0) })
    }

    /// The info of tensor `name`.
    public func tensor(named name: String) throws(GGUFError) -> GGUFTensorInfo {
        guard let index = tensorIndex[name] else { throw .missingTensor(path: path, tensor: name) }
        return tensors[index]
    }

    /// Tensor `name` converted to float32, `elementCount` values in row-major order of `shape`
    /// (row r of a matrix is `values[r * rowLength ..< (r + 1) * rowLength]`).
    public func dequantize(named name: String) throws(GGUFError) -> [Float] {
        let info = try dequantizableInfo(named: name)
        return [Float](unsafeUninitializedCapacity: info.elementCount) { buffer, initialized in
            withTensorBytes(info) { raw in
                GGMLDequantization.convert(info.type, from: raw, count: info.elementCount, into: buffer.baseAddress!)
            }
            initialized = info.elementCount
        }
    }

    /// Converts tensor `name` into `destination`, which must hold exactly its element count
    /// (for loading straight into a parameter slab).
    public func dequantize(
        named name: String, into destination: UnsafeMutableBufferPointer<Float>
    ) throws(GGUFError) {
        let info = try dequantizableInfo(named: name)
        guard destination.count == info.elementCount else {
            throw .invalidDestination(
                path: path, tensor: name,
                detail: "has \(info.elementCount) elements, destination holds \(destination.count)")
        }
        guard let base = destination.baseAddress else { return }
        withTensorBytes(info) { raw in
            GGMLDequantization.convert(info.type, from: raw, count: info.elementCount, into: base)
        }
    }

    /// The raw blocks of a Q4_0 or Q4_1 tensor, without converting them: for a frozen base kept
    /// in its own 4-bit blocks and dequantized row by row when used.
    public func quantizedBlocks(named name: String) throws(GGUFError) -> GGUFQuantizedBlocks {
        let info = try tensor(named: name)
        guard info.type == .q4_0 || info.type == .q4_1 else {
            throw .unsupportedTensorType(
                path: path, tensor: name, type: info.type.description, wanted: "as raw 4-bit blocks (Q4_0, Q4_1)")
        }
        // An empty tensor may lie where the file has no bytes: a data section that starts at its end.
        guard info.byteCount > 0 else { return GGUFQuantizedBlocks(path: path, info: info, bytes: Data()) }
        let start = bytes.startIndex + dataOffset + info.offset
        return GGUFQuantizedBlocks(path: path, info: info, bytes: bytes[start..<start + info.byteCount])
    }

    private func dequantizableInfo(named name: String) throws(GGUFError) -> GGUFTensorInfo {
        let info = try tensor(named: name)
        guard info.type.isDequantizable else {
            throw .unsupportedTensorType(
                path: path, tensor: name, type: info.type.description,
                wanted: "for dequantization (Rewarm converts F32, F16, BF16, Q8_0, Q4_0 and Q4_1)")
        }
        return info
    }

    /// The tensor's bytes, `info.byteCount` of them (bounds checked when the file was opened).
    private func withTensorBytes(_ info: GGUFTensorInfo, _ body: (UnsafeRawPointer) -> Void) {
        guard info.byteCount > 0 else { return }
        bytes.withUnsafeBytes { raw in body(raw.baseAddress! + dataOffset + info.offset) }
    }
}
