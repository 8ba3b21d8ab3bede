/// One linear weight of a QLoRA base, held in 4 bits and dequantized when used.
public enum FrozenLinearWeight: Sendable {
    /// Quantized here from float32 (NF4 / FP4 with double-quantized block scales).
    case quantized(QuantizedTensor)
    /// A GGUF file's own Q4_0 / Q4_1 blocks, used as the file holds them. Row r of the weight
    /// (out, in) is the blocks' row `rowOrder[r]` (llama.cpp stores attn_q / attn_k with their
    /// rows permuted, `GGUFTensorInfo`); nil: row r is row r.
    case gguf(GGUFQuantizedBlocks, rowOrder: [Int32]?)

    /// (out, in) for a linear weight.
    public var shape: [Int] {
        switch self {
        case .quantized(let t): t.shape
        case .gguf(let b, _): [b.rowCount, b.rowLength]
        }
    }

    /// Weights held.
    public var count: Int {
        switch self {
        case .quantized(let t): t.count
        case .gguf(let b, _): b.rowCount * b.rowLength
        }
    }

    /// Bytes held (a GGUF tensor's bytes are a view of the file, counted here all the same).
    public var byteCount: Int {
        switch self {
        case .quantized(let t): t.byteCount
        case .gguf(let b, let order): b.rowCount * b.rowBytes + 4 * (order?.count ?? 0)
        }
    }

    /// Writes the `count` dequantized values, row-major (out, in), into `out`.
    public func dequantize(into out: UnsafeMutablePointer<Float>) {
        switch self {
        case .quantized(let t):
            t.dequantize(into: out)
        case .gguf(let blocks, let order):
            let n = blocks.rowLength, rowBytes = blocks.rowBytes, type = blocks.type
            blocks.withUnsafeBytes { raw in
                let base = raw.baseAddress!
                for r in 0..<blocks.rowCount {
                    let source = order.map { Int($0[r]) } ?? r
                    GGUFQuantizedBlocks.dequantize(type, blocks: base + source * rowBytes, count: n, into: out + r * n)
                }
            }
        }
    }
}
