/// ggml's storage types converted to float32, as ggml's `dequantize_row_*` (`ggml-quants.c`)
/// and gguf-py's `quants.py` do it. Block layouts (little-endian, `ggml-common.h`):
///
/// - F32: 4-byte floats. F16: IEEE binary16. BF16: the top 16 bits of a float32.
/// - Q8_0, 34 bytes per 32 elements: fp16 `d`, then 32 int8 `q`; `x[i] = q[i] * d`.
/// - Q4_0, 18 bytes per 32 elements: fp16 `d`, then 16 bytes `qs`; element `j` (0..<16) is the
///   low nibble of `qs[j]`, element `j + 16` its high nibble; `x = (nibble - 8) * d`.
/// - Q4_1, 20 bytes per 32 elements: fp16 `d`, fp16 `m`, then 16 bytes of nibbles laid out as
///   Q4_0's; `x = nibble * d + m` (the product rounded to float32, then the sum, as numpy).
///
/// The callers have checked that `count` elements' worth of blocks lie inside the file, and that
/// `count` is a multiple of the block size.
enum GGMLDequantization {
    /// Converts `count` elements of `type` at `source` into `destination[0..<count]`.
    /// `type.isDequantizable` must hold.
    static func convert(
        _ type: GGMLType, from source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>
    ) {
        switch type {
        case .f32:
            UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: 4 * count)
        case .f16:
            for i in 0..<count { destination[i] = floatFromHalfBits(half(source, 2 * i)) }
        case .bf16:
            for i in 0..<count { destination[i] = Float(bitPattern: UInt32(half(source, 2 * i)) << 16) }
        case .q8_0: q8_0(source, blocks: count / 32, into: destination)
        case .q4_0: q4_0(source, blocks: count / 32, into: destination)
        case .q4_1: q4_1(source, blocks: count / 32, into: destination)
        default: preconditionFailure("\(type) is not dequantizable")
        }
    }

    /// The little-endian UInt16 at byte `offset` of `source`.
    @inline(__always)
    static func half(_ source: UnsafeRawPointer, _ offset: Int) -> UInt16 {
        UInt16(littleEndian: source.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// `blocks` Q8_0 blocks (34 bytes each) into `32 x blocks` floats.
    static func q8_0(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + 34 * b
            let out = destination + 32 * b
            let d = floatFromHalfBits(half(block, 0))
            let q = (block + 2).assumingMemoryBound(to: UInt8.self)
            for j in 0..<32 { out[j] = Float(Int8(bitPattern: q[j])) * d }
        }
    }

    /// `blocks` Q4_0 blocks (18 bytes each) into `32 x blocks` floats.
    static func q4_0(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + 18 * b
            let out = destination + 32 * b
            let d = floatFromHalfBits(half(block, 0))
            let qs = (block + 2).assumingMemoryBound(to: UInt8.self)
            for j in 0..<16 {
                out[j] = Float(Int32(qs[j] & 0x0F) - 8) * d
                out[j + 16] = Float(Int32(qs[j] >> 4) - 8) * d
            }
        }
    }

    /// `blocks` Q4_1 blocks (20 bytes each) into `32 x blocks` floats.
    static func q4_1(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + 20 * b
            let out = destination + 32 * b
            let d = floatFromHalfBits(half(block, 0))
            let m = floatFromHalfBits(half(block, 2))
            let qs = (block + 4).assumingMemoryBound(to: UInt8.self)
            for j in 0..<16 {
                let low = Float(qs[j] & 0x0F) * d
                let high = Float(qs[j] >> 4) * d
                out[j] = low + m
                out[j + 16] = high + m
            }
        }
    }
}
