import Foundation
import Testing

import RewarmEngine

/// Inputs on which `scripts/fuzz gguf` once crashed the reader, rebuilt by hand and kept.
@Suite struct GGUFFuzzRegressionTests {
    /// Found 2026-12-05 within seconds: `quantizedBlocks` sliced the file's bytes at the data
    /// section's start for an empty tensor, and the data section started past the end of the file
    /// (an alignment of 16384 and a file that stops after its tensor infos): a trap in `Data`.
    @Test("an empty 4-bit tensor in a file that ends before its data section reads as empty, without a trap")
    func emptyTensorPastTheEnd() throws {
        // 24 bytes of header, 33 of `general.alignment`, 33 of tensor info: the file ends at 90,
        // and its data section would start at 16384.
        let whole = ggufFile(
            metadata: [("general.alignment", .uint32(16384))],
            tensors: [TestTensor("a", dims: [0], type: .q4_1, data: [])])
        let bytes = whole.prefix(90)
        let file = try GGUFFile(bytes: bytes, path: "x.gguf")
        #expect(file.dataOffset == 16384)
        let blocks = try file.quantizedBlocks(named: "a")
        #expect(blocks.rowLength == 0 && blocks.withUnsafeBytes(\.count) == 0)
        var none: [Float] = []
        try none.withUnsafeMutableBufferPointer { buffer throws(GGUFError) in try blocks.dequantizeRow(0, into: buffer) }
        #expect(try file.dequantize(named: "a").isEmpty)

        // An empty tensor is still placed inside the data section: an offset past it is a lie.
        let lying = ggufFile(
            metadata: [("general.alignment", .uint32(16384))],
            tensors: [TestTensor("a", dims: [0], type: .q4_1, data: [], offset: 16384)]).prefix(90)
        let error = ggufError { () throws(GGUFError) in _ = try GGUFFile(bytes: lying, path: "x.gguf") }
        #expect(error?.description == "x.gguf: tensor 'a': data past the end of the file: "
            + "0 bytes at data offset 16384 end at file byte 32768, but the file has 90 bytes")
    }

    /// Found 2026-12-05 reading the stack of a timeout the fuzzer reported (an empty tensor with
    /// 2^40 rows): with ne[0] = 0 the element count is 0 whatever the other dimensions, so their
    /// product went unchecked, and `rowCount` could overflow (a trap) for ne = [0, 2^32, 2^32].
    @Test("an empty tensor whose row count overflows 64 bits is refused when the file is opened")
    func emptyTensorWithTooManyRows() throws {
        let bytes = ggufFile(tensors: [TestTensor("e", dims: [0, 1 << 32, 1 << 32], type: .f32, data: [])])
        let error = ggufError { () throws(GGUFError) in _ = try GGUFFile(bytes: bytes, path: "x.gguf") }
        #expect(error?.description
            == "x.gguf: tensor 'e': invalid shape: the element count of ne = [0, 4294967296, 4294967296] overflows 64 bits")
        // Many empty rows that fit are fine.
        let many = ggufFile(tensors: [TestTensor("e", dims: [0, 1 << 40], type: .f32, data: [])])
        #expect(try GGUFFile(bytes: many, path: "x.gguf").tensor(named: "e").rowCount == 1 << 40)
    }
}
