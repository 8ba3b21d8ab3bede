import Foundation
import Testing

import RewarmEngine

@Suite struct FrozenLinearWeightTests {
    /// A (3, 32) Q4_0 matrix: row r has d = 1 and every nibble r + 8, so its values are all r.
    func blocks() throws -> GGUFQuantizedBlocks {
        var data: [UInt8] = []
        for r in 0..<3 { data += uint16Bytes([0x3C00]) + [UInt8](repeating: UInt8(r + 8) * 0x11, count: 16) }
        let file = try GGUFFile(
            bytes: ggufFile(tensors: [TestTensor("w", dims: [32, 3], type: .q4_0, data: data)]), path: "w.gguf")
        return try file.quantizedBlocks(named: "w")
    }

    @Test("a GGUF-held weight dequantizes its rows in the order given, and as stored without one")
    func rowOrder() throws {
        let b = try blocks()
        var out = [Float](repeating: .nan, count: 96)
        FrozenLinearWeight.gguf(b, rowOrder: nil).dequantize(into: &out)
        #expect(out == (0..<3).flatMap { r in [Float](repeating: Float(r), count: 32) })
        FrozenLinearWeight.gguf(b, rowOrder: [2, 0, 1]).dequantize(into: &out)
        #expect(out == [2, 0, 1].flatMap { r in [Float](repeating: Float(r), count: 32) })
        let w = FrozenLinearWeight.gguf(b, rowOrder: nil)
        #expect(w.shape == [3, 32] && w.count == 96 && w.byteCount == 3 * 18)
    }

    @Test("a QLoRA base holds GGUF blocks as they are and serves them dequantized")
    func baseHoldsBlocks() throws {
        let c = ModelConfig(vocabSize: 256, hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 2,
                            intermediateSize: 64, maxPositionEmbeddings: 8)
        let base = QuantizedBase(config: c, type: .gguf)
        base.hold("model.layers.0.self_attn.q_proj.weight", .gguf(try blocks(), rowOrder: [1, 1, 0]))
        let p = try #require(base.dequantized("model.layers.0.self_attn.q_proj.weight"))
        #expect(Array(UnsafeBufferPointer(start: p, count: 96))
                == [1, 1, 0].flatMap { r in [Float](repeating: Float(r), count: 32) })
        #expect(base.dequantized("model.layers.0.mlp.up_proj.weight") == nil)
        #expect(base.weightCount == 96 && base.byteCount == 54 + 12)
    }
}
