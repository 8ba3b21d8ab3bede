import Foundation

/// A Q4_0 or Q4_1 tensor kept in its own ggml blocks, for a frozen base that stays 4-bit and
/// is dequantized row by row when used (QLoRA on a GGUF model).
///
/// Layout: the tensor is a (`rowCount`, `rowLength`) row-major matrix (`GGUFTensorInfo`:
/// `rowLength = ne[0]`); row r is `blocksPerRow = rowLength / 32` consecutive blocks of
/// `type.blockBytes` bytes (18 for Q4_0, 20 for Q4_1), starting at byte `r * rowBytes`; the
/// block layouts are in `GGMLDequantization`. Memory: 4.5 (Q4_0) or 5 (Q4_1) bits per weight.
///
/// The bytes are a view of the file's mapped bytes, not a copy; the value keeps them alive.
public struct GGUFQuantizedBlocks: Sendable {
    /// The path errors name.
    public let path: String
    /// The tensor's name and shape.
    public let info: GGUFTensorInfo
    /// `.q4_0` or `.q4_1`.
    public var type: GGMLType { info.type }
    /// Elements per row (`ne[0]`, a multiple of 32).
    public var rowLength: Int { info.rowLength }
    /// Rows (`ne[1] x ne[2] x ne[3]`).
    public var rowCount: Int { info.rowCount }
    /// Blocks of 32 elements per row.
    public var blocksPerRow: Int { rowLength / 32 }
    /// Bytes per row: `blocksPerRow x type.blockBytes`.
    public var rowBytes: Int { info.rowBytes }

    /// `rowCount x rowBytes` bytes (a slice of the file's `Data`: its indices do not start at 0).
    private let bytes: Data

    init(path: String, info: GGUFTensorInfo, bytes: Data) {
        precondition(info.type == .q4_0 || info.type == .q4_1, "\(info.type) is not a 4-bit block type")
        precondition(bytes.count == info.byteCount, "\(bytes.count) bytes for \(info.byteCount)")
        self.path = path
        self.info = info
        self.bytes = bytes
    }

    /// Calls `body` with the block bytes, `rowCount x rowBytes` of them, row after row.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }

    /// Dequantizes row `row` (0 ..< `rowCount`) into `destination`, which must hold `rowLength`
    /// floats: the same values as row `row` of `GGUFFile.dequantize(named:)`.
    public func dequantizeRow(_ row: Int, into destination: UnsafeMutableBufferPointer<Float>) throws(GGUFError) {
        guard (0..<rowCount).contains(row) else {
            throw .invalidDestination(path: path, tensor: info.name, detail: "row \(row) is outside 0..<\(rowCount)")
        }
        guard destination.count == rowLength else {
            throw .invalidDestination(
                path: path, tensor: info.name,
                detail: "a row has \(rowLength) elements, destination holds \(destination.count)")
        }
        guard let base = destination.baseAddress else { return }
        bytes.withUnsafeBytes { raw in
            Self.dequantize(type, blocks: raw.baseAddress! + row * rowBytes, count: rowLength, into: base)
        }
    }

    /// Dequantizes `count` elements (a multiple of 32) of `type` (`.q4_0` or `.q4_1`) from the
    /// blocks at `blocks` into `destination[0..<count]`, with no checks: for kernels that walk
    /// `withUnsafeBytes` themselves and have checked their bounds once.
    public static func dequantize(
        _ type: GGMLType, blocks: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>
    ) {
        switch type {
        case .q4_0: GGMLDequantization.q4_0(blocks, blocks: count / 32, into: destination)
        case .q4_1: GGMLDequantization.q4_1(blocks, blocks: count / 32, into: destination)
        default: preconditionFailure("\(type) is not a 4-bit block type")
        }
    }
}
