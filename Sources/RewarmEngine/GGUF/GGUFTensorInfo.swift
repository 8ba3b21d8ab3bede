/// One entry of a GGUF file's tensor-info table (ggml `docs/gguf.md`, "gguf_tensor_info_t"):
///
///     [u64 length][bytes]        name, UTF-8 (unique in the file)
///     [u32 n_dims]               at most 4 (GGML_MAX_DIMS)
///     [n_dims x u64]             ne[0], ne[1], ...: the dimensions, innermost first
///     [u32]                      the ggml type (`GGMLType`)
///     [u64]                      offset of the data from the start of the data section, a
///                                multiple of the file's alignment
///
/// ## Shapes
/// GGUF, like ggml, lists dimensions innermost first: `ne[0]` is the length of a row, the
/// dimension whose elements are contiguous; `ne[1]` counts rows; `ne[2]`, `ne[3]` count
/// matrices. The row-major (PyTorch, Hugging Face) shape is the reverse, `shape`:
///
/// - a Hugging Face `nn.Linear` weight of shape (out, in), stored row-major with `in`
///   contiguous, is written to GGUF with `ne = [in, out]`: `rowCount = out`,
///   `rowLength = in`, and element (r, c) of the (out, in) matrix is element
///   `r * rowLength + c` of the dequantized values;
/// - SmolLM2's `blk.0.ffn_down.weight` has `ne = [1536, 576]`: HF
///   `model.layers.0.mlp.down_proj.weight` of shape (576, 1536);
///   `token_embd.weight` has `ne = [576, 49152]`: `model.embed_tokens.weight`, (49152, 576),
///   one row per token; a norm weight has `ne = [576]`, shape (576).
///
/// Quantized types cut each row into blocks (`GGMLType.blockSize`), so `ne[0]` must be a
/// multiple of the block size; a block never straddles two rows.
///
/// Beware, for a later loader: llama.cpp's Hugging Face converter permutes the rows of the
/// Llama query and key projections (`attn_q`, `attn_k`) to ggml's rotary layout; this type
/// reports the tensor as stored and does not undo that.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor's name as in the file, e.g. `blk.0.attn_q.weight`.
    public let name: String
    /// `ne`: the dimensions, innermost (row length) first; 1 to 4 of them (0 for a scalar).
    public let dimensions: [Int]
    /// The storage type.
    public let type: GGMLType
    /// Byte offset of the data from the start of the data section (`GGUFFile.dataOffset`).
    public let offset: Int
    /// Product of `dimensions` (1 for a scalar).
    public let elementCount: Int
    /// Bytes of data: `elementCount / type.blockSize * type.blockBytes`.
    public let byteCount: Int

    /// `dimensions` reversed: the row-major shape, as PyTorch and safetensors list it.
    public var shape: [Int] { dimensions.reversed() }

    /// `ne[0]`: elements per row (1 for a scalar).
    public var rowLength: Int { dimensions.first ?? 1 }

    /// Rows of `rowLength` elements: the product of `ne[1...]` (for a matrix, `ne[1]`).
    public var rowCount: Int { dimensions.dropFirst().reduce(1, *) }

    /// Bytes of one row: `rowLength / type.blockSize * type.blockBytes`.
    public var rowBytes: Int { rowLength / type.blockSize * type.blockBytes }
}
