import Foundation
import Testing

import RewarmEngine

/// Blocks built by hand: each block's bytes and the values ggml's layout says they hold,
/// worked out by hand (fp16 0x3800 = 0.5, 0x4000 = 2, 0xC000 = -2, 0x3400 = 0.25,
/// 0xBC00 = -1, 0x3555 = 0.333251953125, 0x0001 = 2^-24).
private enum Blocks {
    /// Q8_0: d = 0.5, q[j] = j - 16; then d = -2, q = [127, -128, 1, -1, 0 x 28].
    static let q8_0: [UInt8] = uint16Bytes([0x3800]) + (0..<32).map { UInt8(bitPattern: Int8($0 - 16)) }
        + uint16Bytes([0xC000]) + [0x7F, 0x80, 0x01, 0xFF] + [UInt8](repeating: 0, count: 28)
    static let q8_0Values: [Float] = [
        -8, -7.5, -7, -6.5, -6, -5.5, -5, -4.5, -4, -3.5, -3, -2.5, -2, -1.5, -1, -0.5,
        0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5,
    ] + [-254, 256, -2, 2] + [Float](repeating: 0, count: 28)

    /// Q4_0: d = 2, qs[j] = j (low nibble) | (15 - j) << 4; then d = 0.333251953125, qs all 0x9F.
    static let q4_0: [UInt8] = uint16Bytes([0x4000]) + (0..<16).map { UInt8($0) | UInt8(15 - $0) << 4 }
        + uint16Bytes([0x3555]) + [UInt8](repeating: 0x9F, count: 16)
    static let q4_0Values: [Float] = [
        // low nibbles 0...15 are elements 0..<16: (q - 8) x 2
        -16, -14, -12, -10, -8, -6, -4, -2, 0, 2, 4, 6, 8, 10, 12, 14,
        // high nibbles 15...0 are elements 16..<32
        14, 12, 10, 8, 6, 4, 2, 0, -2, -4, -6, -8, -10, -12, -14, -16,
    ] + [Float](repeating: 7 * 0.333251953125, count: 16)  // low nibble 0xF: (15 - 8) x d
        + [Float](repeating: 0.333251953125, count: 16)     // high nibble 0x9: (9 - 8) x d

    /// Q4_1: d = 0.25, m = -1, qs as Q4_0's first block; then d = 2^-24, m = 0.5, qs all 0x0F.
    static let q4_1: [UInt8] = uint16Bytes([0x3400, 0xBC00]) + (0..<16).map { UInt8($0) | UInt8(15 - $0) << 4 }
        + uint16Bytes([0x0001, 0x3800]) + [UInt8](repeating: 0x0F, count: 16)
    static let q4_1Values: [Float] = [
        -1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75,
        2.75, 2.5, 2.25, 2, 1.75, 1.5, 1.25, 1, 0.75, 0.5, 0.25, 0, -0.25, -0.5, -0.75, -1,
    ] + [Float](repeating: 0.5 + 15 * 0x1p-24, count: 16) + [Float](repeating: 0.5, count: 16)

    /// F16 patterns and their values (as numpy's float16 view reads them).
    static let f16: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x3555, 0x8000]
    static let f16Values: [Float] = [
        1, -2, 65504, 5.960464477539063e-08, 6.097555160522461e-05, 6.103515625e-05, 0.333251953125, -0.0,
    ]
    /// BF16 patterns: the top halves of these float32s.
    static let bf16: [UInt16] = [0x3F80, 0xC040, 0x3EAB, 0x7F80, 0x4049]
    static let bf16Values: [Float] = [1, -3, 0.333984375, .infinity, 3.140625]
    static let f32Values: [Float] = [1.5, -0.0, .infinity, .leastNonzeroMagnitude, -3.4e38]
}

@Suite struct GGUFDequantizationTests {
    let file: GGUFFile

    init() throws {
        file = try GGUFFile(bytes: ggufFile(tensors: [
            TestTensor("q8", dims: [64], type: .q8_0, data: Blocks.q8_0),
            TestTensor("q40", dims: [32, 2], type: .q4_0, data: Blocks.q4_0),
            TestTensor("q41", dims: [64], type: .q4_1, data: Blocks.q4_1),
            TestTensor("f16", dims: [8], type: .f16, data: uint16Bytes(Blocks.f16)),
            TestTensor("bf16", dims: [5], type: .bf16, data: uint16Bytes(Blocks.bf16)),
            TestTensor("f32", dims: [5], type: .f32, data: float32Bytes(Blocks.f32Values)),
            TestTensor("q6k", dims: [256], type: .q6_K, data: [UInt8](repeating: 0, count: 210)),
            TestTensor("i8", dims: [4], type: .i8, data: [1, 2, 3, 4]),
        ]), path: "q.gguf")
    }

    @Test("Q8_0 blocks are int8 times their fp16 scale")
    func q8_0() throws {
        #expect(try file.dequantize(named: "q8") == Blocks.q8_0Values)
    }

    @Test("Q4_0 blocks hold elements 0-15 in the low nibbles and 16-31 in the high ones, (q - 8) times d")
    func q4_0() throws {
        #expect(try file.dequantize(named: "q40") == Blocks.q4_0Values)
    }

    @Test("Q4_1 blocks are q times d plus m, in the nibble order of Q4_0")
    func q4_1() throws {
        #expect(try file.dequantize(named: "q41") == Blocks.q4_1Values)
    }

    @Test("F16, BF16 and F32 tensors are read as the floats they encode, bit for bit")
    func plainTypes() throws {
        #expect(try file.dequantize(named: "f16").map(\.bitPattern) == Blocks.f16Values.map(\.bitPattern))
        #expect(try file.dequantize(named: "bf16") == Blocks.bf16Values)
        #expect(try file.dequantize(named: "f32").map(\.bitPattern) == Blocks.f32Values.map(\.bitPattern))
    }

    @Test("dequantizing into a caller's buffer gives the same values, and a buffer of the wrong size is refused")
    func intoBuffer() throws {
        var values = [Float](repeating: .nan, count: 64)
        try values.withUnsafeMutableBufferPointer { buffer throws(GGUFError) in
            try file.dequantize(named: "q41", into: buffer)
        }
        #expect(values == Blocks.q4_1Values)
        var short = [Float](repeating: 0, count: 63)
        let error = short.withUnsafeMutableBufferPointer { buffer in
            ggufError { () throws(GGUFError) in try file.dequantize(named: "q41", into: buffer) }
        }
        #expect(error?.description == "q.gguf: tensor 'q41': has 64 elements, destination holds 63")
    }

    @Test("types Rewarm does not convert give an error naming the file, the tensor and the type")
    func unsupportedTypes() throws {
        let q6k = ggufError { () throws(GGUFError) in _ = try file.dequantize(named: "q6k") }
        #expect(q6k == .unsupportedTensorType(
            path: "q.gguf", tensor: "q6k", type: "Q6_K",
            wanted: "for dequantization (Rewarm converts F32, F16, BF16, Q8_0, Q4_0 and Q4_1)"))
        #expect(q6k?.description
            == "q.gguf: tensor 'q6k': type Q6_K is not supported for dequantization (Rewarm converts F32, F16, BF16, Q8_0, Q4_0 and Q4_1)")
        let i8 = ggufError { () throws(GGUFError) in _ = try file.dequantize(named: "i8") }
        #expect(i8?.description.hasPrefix("q.gguf: tensor 'i8': type I8 is not supported") == true)
        #expect(try file.tensor(named: "q6k").byteCount == 210)
    }

    @Test("4-bit tensors expose their raw blocks, and a row dequantized from them equals that row of the whole tensor")
    func quantizedBlocks() throws {
        let blocks = try file.quantizedBlocks(named: "q40")
        #expect(blocks.type == .q4_0 && blocks.rowLength == 32 && blocks.rowCount == 2)
        #expect(blocks.blocksPerRow == 1 && blocks.rowBytes == 18)
        #expect(blocks.withUnsafeBytes { Array($0) } == Blocks.q4_0)
        var row = [Float](repeating: .nan, count: 32)
        for r in 0..<2 {
            try row.withUnsafeMutableBufferPointer { buffer throws(GGUFError) in try blocks.dequantizeRow(r, into: buffer) }
            #expect(row == Array(Blocks.q4_0Values[32 * r..<32 * (r + 1)]), "row \(r)")
        }
        let q41 = try file.quantizedBlocks(named: "q41")
        var whole = [Float](repeating: .nan, count: 64)
        q41.withUnsafeBytes { raw in
            GGUFQuantizedBlocks.dequantize(.q4_1, blocks: raw.baseAddress!, count: 64, into: &whole)
        }
        #expect(whole == Blocks.q4_1Values)

        let outside = row.withUnsafeMutableBufferPointer { buffer in
            ggufError { () throws(GGUFError) in try blocks.dequantizeRow(2, into: buffer) }
        }
        #expect(outside?.description == "q.gguf: tensor 'q40': row 2 is outside 0..<2")
        let wrongSize = whole.withUnsafeMutableBufferPointer { buffer in
            ggufError { () throws(GGUFError) in try blocks.dequantizeRow(0, into: buffer) }
        }
        #expect(wrongSize?.description == "q.gguf: tensor 'q40': a row has 32 elements, destination holds 64")
        let notFourBit = ggufError { () throws(GGUFError) in _ = try file.quantizedBlocks(named: "q8") }
        #expect(notFourBit?.description == "q.gguf: tensor 'q8': type Q8_0 is not supported as raw 4-bit blocks (Q4_0, Q4_1)")
    }

    @Test("a Q4_1 matrix of several blocks per row is laid out row after row")
    func multiBlockRows() throws {
        // 2 rows x 64 columns: row r, block b has d = 1, m = 10 x (2r + b), all nibbles = b + 1.
        var data: [UInt8] = []
        for r in 0..<2 {
            for b in 0..<2 {
                let m = Float(10 * (2 * r + b))
                data += uint16Bytes([0x3C00, halfBits(m)]) + [UInt8](repeating: UInt8(b + 1) * 0x11, count: 16)
            }
        }
        let file = try GGUFFile(
            bytes: ggufFile(tensors: [TestTensor("w", dims: [64, 2], type: .q4_1, data: data)]), path: "w.gguf")
        let expected: [Float] = [Float](repeating: 1, count: 32) + [Float](repeating: 12, count: 32)
            + [Float](repeating: 21, count: 32) + [Float](repeating: 32, count: 32)
        #expect(try file.dequantize(named: "w") == expected)
        let blocks = try file.quantizedBlocks(named: "w")
        var row = [Float](repeating: 0, count: 64)
        try row.withUnsafeMutableBufferPointer { buffer throws(GGUFError) in try blocks.dequantizeRow(1, into: buffer) }
        #expect(row == Array(expected[64...]))
    }
}

/// fp16 bits of small integers 0...2048 (exact in binary16), for building scales.
private func halfBits(_ value: Float) -> UInt16 {
    guard value != 0 else { return 0 }
    let bits = value.bitPattern
    let exponent = UInt16((bits >> 23) & 0xFF) - 127 + 15
    return exponent << 10 | UInt16((bits >> 13) & 0x3FF)
}
