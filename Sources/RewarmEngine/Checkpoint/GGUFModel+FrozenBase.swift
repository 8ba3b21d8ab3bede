import Foundation

/// QLoRA on a GGUF file's own 4-bit blocks (`quantization_type: gguf`): the linear weights stay
/// in the file's Q4_0 / Q4_1 blocks and are dequantized on the fly (`FrozenLinearWeight.gguf`),
/// with no second quantization; embeddings and norms are float32 as in any QLoRA base.
extension GGUFModel {
    /// The file's blocks of Hugging Face linear weight `name` with the row order that undoes
    /// llama.cpp's q/k permutation (`permutedHeads`, `ggufRow(ofHFRow:headDim:)`). Throws, naming
    /// the tensor, when it is not Q4_0 / Q4_1.
    public func frozenLinearWeight(_ name: String) throws(CheckpointError) -> FrozenLinearWeight {
        let (info, bytes) = try rawTensor(name)
        guard info.type == .q4_0 || info.type == .q4_1 else {
            throw .invalidTensor(path: path, tensor: info.name, detail: "type \(info.type): quantization_type gguf "
                + "keeps Q4_0 / Q4_1 blocks only (use nf4 or fp4 to quantize the dequantized weights)")
        }
        let blocks = GGUFQuantizedBlocks(path: path, info: info, bytes: bytes)
        guard let heads = permutedHeads(of: name) else { return .gguf(blocks, rowOrder: nil) }
        let headDim = config.hiddenSize / config.numAttentionHeads
        precondition(blocks.rowCount == heads * headDim, "\(name): \(blocks.rowCount) rows for \(heads) heads")
        let order = (0..<blocks.rowCount).map { Int32(GGUFModel.ggufRow(ofHFRow: $0, headDim: headDim)) }
        return .gguf(blocks, rowOrder: order)
    }

    /// Checks that every linear weight of the model is held in Q4_0 / Q4_1 blocks.
    public func checkFourBitLinearWeights() throws(CheckpointError) {
        for spec in WeightNames.baseTensors(config) where QuantizedBase.isQuantized(spec.name) {
            _ = try frozenLinearWeight(spec.name)
        }
    }
}

extension LlamaModel {
    /// Sets a `quantization_type: gguf` base: float32 tensors from `full` (every base tensor,
    /// dequantized), the linear ones held as `gguf`'s own blocks.
    public func loadBase(from full: ParameterSlab, keepingBlocksOf gguf: GGUFModel) throws(CheckpointError) {
        guard let quantizedBase else { preconditionFailure("not a QLoRA model") }
        for s in full.specs {
            if QuantizedBase.isQuantized(s.name) {
                quantizedBase.hold(s.name, try gguf.frozenLinearWeight(s.name))
            } else {
                weights.pointer(s.name).update(from: full.base + s.offset, count: s.count)
            }
        }
    }
}
