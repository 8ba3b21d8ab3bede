/// A float32 tensor held in 4 bits per weight with double-quantized block scales, as QLoRA's
/// frozen base (Dettmers et al. 2023, arXiv 2305.14314, eq. 1-6; bitsandbytes' layout):
///
/// - the weights, in row-major order, are cut into blocks of 64; block b's absmax a_b scales
///   it to [-1, 1] and each weight stores the nibble of the nearest code value (NF4 or FP4),
///   two per byte (element 2i in the low nibble, 2i + 1 in the high one);
/// - the absmaxes are double-quantized: their mean m is subtracted, and the results, in blocks
///   of 256, are stored as 8-bit indices of the dynamic map scaled by each block's own float32
///   absmax s_k;
/// - dequantization: w = code[nibble] x (dynamic[scaleCode_b] x s_(b / 256) + m).
///
/// Memory: 0.5 + 1/64 bytes per weight + 4 bytes per 16384 weights, about 0.516 bytes
/// (4.127 bits), against 4 for float32.
public struct QuantizedTensor: Sendable {
    public static let blockSize = 64
    public static let scaleBlockSize = 256

    public let type: FourBitCodeBook
    public let shape: [Int]
    public let count: Int
    /// (count + 1) / 2 bytes: two 4-bit code indices per byte.
    public let packed: [UInt8]
    /// One per block of 64 weights: the dynamic-map index of (absmax - scaleOffset) / scaleScale.
    public let scaleCodes: [UInt8]
    /// One per 256 blocks: the absmax of their (absmax - scaleOffset).
    public let scaleScales: [Float]
    /// m: the mean of all block absmaxes.
    public let scaleOffset: Float

    /// Quantizes `values` (row-major, `shape`).
    public init(quantizing values: UnsafeBufferPointer<Float>, shape: [Int], type: FourBitCodeBook) {
        let n = values.count
        precondition(n == shape.reduce(1, *), "\(n) values for shape \(shape)")
        self.type = type
        self.shape = shape
        count = n
        let blocks = (n + Self.blockSize - 1) / Self.blockSize
        var absmax = [Float](repeating: 0, count: blocks)
        for b in 0..<blocks {
            var m: Float = 0
            for i in b * Self.blockSize..<min(n, (b + 1) * Self.blockSize) { m = max(m, abs(values[i])) }
            absmax[b] = m
        }
        let code = FourBitCode.values(type)
        var packed = [UInt8](repeating: 0, count: (n + 1) / 2)
        for b in 0..<blocks {
            let inverse: Float = absmax[b] > 0 ? 1 / absmax[b] : 0
            for i in b * Self.blockSize..<min(n, (b + 1) * Self.blockSize) {
                let nibble = FourBitCode.nearest(values[i] * inverse, in: code)
                packed[i / 2] |= i % 2 == 0 ? nibble : nibble << 4
            }
        }
        self.packed = packed
        // double quantization of the block scales
        let offset = blocks > 0 ? Float(absmax.reduce(0.0) { $0 + Double($1) } / Double(blocks)) : 0
        let scaleBlocks = (blocks + Self.scaleBlockSize - 1) / Self.scaleBlockSize
        var scaleScales = [Float](repeating: 0, count: scaleBlocks)
        var scaleCodes = [UInt8](repeating: 0, count: blocks)
        for k in 0..<scaleBlocks {
            let range = k * Self.scaleBlockSize..<min(blocks, (k + 1) * Self.scaleBlockSize)
            let s = range.reduce(Float(0)) { max($0, abs(absmax[$1] - offset)) }
            scaleScales[k] = s
            for b in range { scaleCodes[b] = DynamicEightBitCode.nearest(s > 0 ? (absmax[b] - offset) / s : 0) }
        }
        self.scaleCodes = scaleCodes
        self.scaleScales = scaleScales
        scaleOffset = offset
    }

    /// Block b's dequantized absmax.
    @inline(__always)
    public func blockScale(_ b: Int) -> Float {
        DynamicEightBitCode.values[Int(scaleCodes[b])] * scaleScales[b / Self.scaleBlockSize] + scaleOffset
    }

    /// Writes the `count` dequantized values into `out`.
    public func dequantize(into out: UnsafeMutablePointer<Float>) {
        let code = FourBitCode.values(type)
        code.withUnsafeBufferPointer { c in
            packed.withUnsafeBufferPointer { p in
                var i = 0
                for b in 0..<scaleCodes.count {
                    let scale = blockScale(b)
                    let end = min(count, i + Self.blockSize)
                    while i < end {
                        let byte = p[i / 2]
                        out[i] = c[Int(i % 2 == 0 ? byte & 0x0F : byte >> 4)] * scale
                        i += 1
                    }
                }
            }
        }
    }

    public func dequantized() -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            dequantize(into: buffer.baseAddress!)
            initialized = count
        }
    }

    /// Bytes held: packed codes, scale codes, scale scales and the offset.
    public var byteCount: Int { packed.count + scaleCodes.count + 4 * scaleScales.count + 4 }
}
