/// A ggml tensor type, with its number in a GGUF tensor info (ggml `ggml.h`, `enum ggml_type`;
/// gguf-py `constants.py`, `GGMLQuantizationType` and `GGML_QUANT_SIZES`).
///
/// Every type stores a row of `ne[0]` elements as `ne[0] / blockSize` blocks of `blockBytes`
/// bytes; plain types are blocks of one element. All are known here so that any file's tensors
/// can be located and bounds-checked; `isDequantizable` says which ones Rewarm converts to
/// float32. Numbers 4, 5 and 31-33, 36-38 belonged to layouts ggml has removed, and are unknown.
public enum GGMLType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
    case q2_K = 10, q3_K = 11, q4_K = 12, q5_K = 13, q6_K = 14, q8_K = 15
    case iq2_XXS = 16, iq2_XS = 17, iq3_XXS = 18, iq1_S = 19, iq4_NL = 20, iq3_S = 21, iq2_S = 22
    case iq4_XS = 23, i8 = 24, i16 = 25, i32 = 26, i64 = 27, f64 = 28, iq1_M = 29, bf16 = 30
    case tq1_0 = 34, tq2_0 = 35, mxfp4 = 39, nvfp4 = 40, q1_0 = 41

    /// Elements per block: 1 for plain types, 32 for Q4_0 / Q4_1 / Q8_0, 256 for the K-quants.
    public var blockSize: Int { layout.elements }

    /// Bytes per block: Q4_0 18 (fp16 d + 16 bytes of nibbles), Q4_1 20 (fp16 d, fp16 m + 16),
    /// Q8_0 34 (fp16 d + 32 int8).
    public var blockBytes: Int { layout.bytes }

    /// Whether `GGUFFile.dequantize` converts this type: F32, F16, BF16, Q8_0, Q4_0, Q4_1.
    public var isDequantizable: Bool {
        switch self {
        case .f32, .f16, .bf16, .q8_0, .q4_0, .q4_1: true
        default: false
        }
    }

    /// The name ggml and gguf-py use: `F32`, `Q4_1`, `Q6_K`, `IQ2_XXS`, ...
    public var description: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .q4_0: "Q4_0"
        case .q4_1: "Q4_1"
        case .q5_0: "Q5_0"
        case .q5_1: "Q5_1"
        case .q8_0: "Q8_0"
        case .q8_1: "Q8_1"
        case .q2_K: "Q2_K"
        case .q3_K: "Q3_K"
        case .q4_K: "Q4_K"
        case .q5_K: "Q5_K"
        case .q6_K: "Q6_K"
        case .q8_K: "Q8_K"
        case .iq2_XXS: "IQ2_XXS"
        case .iq2_XS: "IQ2_XS"
        case .iq3_XXS: "IQ3_XXS"
        case .iq1_S: "IQ1_S"
        case .iq4_NL: "IQ4_NL"
        case .iq3_S: "IQ3_S"
        case .iq2_S: "IQ2_S"
        case .iq4_XS: "IQ4_XS"
        case .i8: "I8"
        case .i16: "I16"
        case .i32: "I32"
        case .i64: "I64"
        case .f64: "F64"
        case .iq1_M: "IQ1_M"
        case .bf16: "BF16"
        case .tq1_0: "TQ1_0"
        case .tq2_0: "TQ2_0"
        case .mxfp4: "MXFP4"
        case .nvfp4: "NVFP4"
        case .q1_0: "Q1_0"
        }
    }

    /// (elements, bytes) of one block, as gguf-py's `GGML_QUANT_SIZES` (QK_K = 256).
    private var layout: (elements: Int, bytes: Int) {
        let k = 256
        return switch self {
        case .f32, .i32: (1, 4)
        case .f16, .bf16, .i16: (1, 2)
        case .i8: (1, 1)
        case .i64, .f64: (1, 8)
        case .q4_0: (32, 2 + 16)
        case .q4_1: (32, 2 + 2 + 16)
        case .q5_0: (32, 2 + 4 + 16)
        case .q5_1: (32, 2 + 2 + 4 + 16)
        case .q8_0: (32, 2 + 32)
        case .q8_1: (32, 4 + 4 + 32)
        case .q2_K: (k, 2 + 2 + k / 16 + k / 4)
        case .q3_K: (k, 2 + k / 4 + k / 8 + 12)
        case .q4_K: (k, 2 + 2 + k / 2 + 12)
        case .q5_K: (k, 2 + 2 + k / 2 + k / 8 + 12)
        case .q6_K: (k, 2 + k / 2 + k / 4 + k / 16)
        case .q8_K: (k, 4 + k + k / 8)
        case .iq2_XXS: (k, 2 + k / 4)
        case .iq2_XS: (k, 2 + k / 4 + k / 32)
        case .iq3_XXS: (k, 2 + k / 4 + k / 8)
        case .iq1_S: (k, 2 + k / 8 + k / 16)
        case .iq4_NL: (32, 2 + 16)
        case .iq3_S: (k, 2 + k / 4 + k / 8 + k / 32 + 4)
        case .iq2_S: (k, 2 + k / 4 + k / 16)
        case .iq4_XS: (k, 2 + 2 + k / 2 + k / 64)
        case .iq1_M: (k, k / 8 + k / 16 + k / 32)
        case .tq1_0: (k, 2 + 4 * 13)
        case .tq2_0: (k, 2 + 64)
        case .mxfp4: (32, 1 + 16)
        case .nvfp4: (64, 4 + 32)
        case .q1_0: (128, 2 + 16)
        }
    }
}
