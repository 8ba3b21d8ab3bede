import Foundation
import Testing

import RewarmEngine

/// The real SmolLM2-135M-Instruct GGUF (`scripts/fetch-model` puts it in `<repo>/models/`), and
/// the values the Python `gguf` package reads from it (`scripts/gguf_reference.py` wrote the
/// fixture in `Tests/Fixtures/gguf/`).
private enum SmolLM2 {
    static let repo = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let model = repo.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf")
    static let fixture = repo.appendingPathComponent("Tests/Fixtures/gguf/smollm2-135m-q4_1-reference.json")
    static let present = FileManager.default.fileExists(atPath: model.path)

    struct Reference: Decodable {
        var version: UInt32
        var alignment: Int
        var dataOffset: Int
        var tensorCount: Int
        var typeCounts: [String: Int]
        var metadataKeyCount: Int
        var tokenCount: Int
        var firstTokens: [String]
        var lastToken: String
        var mergeCount: Int
        var firstMerges: [String]
        var tensors: [Tensor]

        struct Tensor: Decodable {
            var name: String
            var type: String
            var ne: [Int]
            var offset: Int
            var byteCount: Int
            var first: [Double]
            var row: Int
            var rowFirst: [Double]
            var last: [Double]
            var sum: Double
            var sumAbs: Double
        }
    }

    static func reference() throws -> Reference {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Reference.self, from: Data(contentsOf: fixture))
    }
}

/// The largest |actual - expected| and where, for a failure message that shows the worst element.
private func worst(_ actual: ArraySlice<Float>, _ expected: [Double]) -> (index: Int, difference: Double)? {
    guard actual.count == expected.count else { return (-1, .infinity) }
    return zip(actual.indices, expected).map { (index: $0, difference: abs(Double(actual[$0]) - $1)) }
        .max { $0.difference < $1.difference }
}

/// The sum and the sum of absolute values, in Double (a plain pointer loop: tests build
/// unoptimized, where anything fancier is slower).
private func sums(_ values: [Float]) -> (sum: Double, sumAbs: Double) {
    values.withUnsafeBufferPointer { buffer in
        let p = buffer.baseAddress!
        var (sum, sumAbs) = (0.0, 0.0)
        var i = 0
        while i < buffer.count {
            let value = Double(p[i])
            sum += value
            sumAbs += value < 0 ? -value : value
            i += 1
        }
        return (sum, sumAbs)
    }
}

@Suite struct GGUFSmolLM2Tests {
    // Skipped, with one line from the test runner, when the model file is absent: it is a
    // 98 MB download (`scripts/fetch-model`) that CI and a fresh clone may not have.
    @Test(
        "the real SmolLM2-135M GGUF: its header and tokenizer, and Q8_0, Q4_1 and F32 values equal to the Python gguf package's",
        .enabled(if: SmolLM2.present, "no models/SmolLM2-135M-Instruct.Q4_1.gguf (run scripts/fetch-model)"))
    func smolLM2() throws {
        let file = try GGUFFile(contentsOf: SmolLM2.model)
        let reference = try SmolLM2.reference()
        try header(file, reference)
        try dequantizedValues(file, reference)
        try rawBlocks(file)
    }

    /// 272 tensors, the Llama shape, and its byte-level BPE tokenizer.
    private func header(_ file: GGUFFile, _ reference: SmolLM2.Reference) throws {
        #expect(file.version == 3 && file.version == reference.version)
        #expect(file.alignment == reference.alignment && file.dataOffset == reference.dataOffset)
        #expect(file.tensors.count == 272 && reference.tensorCount == 272)
        let counts = Dictionary(grouping: file.tensors, by: \.type.description).mapValues(\.count)
        #expect(counts == ["Q4_1": 210, "F32": 61, "Q8_0": 1])
        #expect(counts == reference.typeCounts)
        #expect(file.metadataKeys.count == reference.metadataKeyCount)

        #expect(try file.string("general.architecture") == "llama")
        #expect(try file.int("llama.block_count") == 30)
        #expect(try file.int("llama.embedding_length") == 576)
        #expect(try file.int("llama.feed_forward_length") == 1536)
        #expect(try file.int("llama.attention.head_count") == 9)
        #expect(try file.int("llama.attention.head_count_kv") == 3)
        #expect(try file.int("llama.context_length") == 8192)
        #expect(try file.int("llama.vocab_size") == 49152)
        #expect(try file.float("llama.rope.freq_base") == 100_000)
        #expect(try Float(file.float("llama.attention.layer_norm_rms_epsilon")) == 1e-5)

        #expect(try file.string("tokenizer.ggml.model") == "gpt2")
        #expect(try file.string("tokenizer.ggml.pre") == "smollm")
        let tokens = try file.strings("tokenizer.ggml.tokens")
        let merges = try file.strings("tokenizer.ggml.merges")
        #expect(tokens.count == 49152 && tokens.count == reference.tokenCount)
        #expect(merges.count == 48900 && merges.count == reference.mergeCount)
        #expect(Array(tokens.prefix(reference.firstTokens.count)) == reference.firstTokens)
        #expect(tokens.last == reference.lastToken)
        #expect(Array(merges.prefix(reference.firstMerges.count)) == reference.firstMerges)
        #expect(try file.ints("tokenizer.ggml.token_type").count == 49152)
        #expect(try file.int("tokenizer.ggml.bos_token_id") == 1 && file.int("tokenizer.ggml.eos_token_id") == 2)
        #expect(try file.bool("tokenizer.ggml.add_bos_token") == false)

        // Shapes: ne is innermost first; the Hugging Face shapes are the reverse.
        #expect(try file.tensor(named: "token_embd.weight").shape == [49152, 576])
        #expect(try file.tensor(named: "blk.0.ffn_down.weight").shape == [576, 1536])
        #expect(try file.tensor(named: "blk.0.attn_k.weight").shape == [192, 576])
        #expect(!file.tensors.contains { $0.name == "output.weight" })  // tied embeddings
    }

    /// Q8_0, Q4_1 and F32 tensors dequantize to the Python gguf package's values within 1e-6.
    private func dequantizedValues(_ file: GGUFFile, _ reference: SmolLM2.Reference) throws {
        #expect(Set(reference.tensors.map(\.type)) == ["Q8_0", "Q4_1", "F32"])
        for expected in reference.tensors {
            let info = try file.tensor(named: expected.name)
            #expect(info.type.description == expected.type, "\(expected.name)")
            #expect(info.dimensions == expected.ne && info.offset == expected.offset, "\(expected.name)")
            #expect(info.byteCount == expected.byteCount, "\(expected.name)")
            let values = try file.dequantize(named: expected.name)
            #expect(values.count == info.elementCount)
            let start = expected.row * info.rowLength
            for (label, actual, wanted) in [
                ("first", values.prefix(expected.first.count), expected.first),
                ("row \(expected.row)", values[start..<start + expected.rowFirst.count], expected.rowFirst),
                ("last", values.suffix(expected.last.count), expected.last),
            ] {
                let (index, difference) = try #require(worst(actual, wanted))
                #expect(difference <= 1e-6, "\(expected.name) \(label): element \(index) differs by \(difference)")
            }
            let (sum, sumAbs) = sums(values)
            #expect(abs(sum - expected.sum) <= 1e-6 * max(1, sumAbs), "\(expected.name): sum \(sum) vs \(expected.sum)")
            #expect(abs(sumAbs - expected.sumAbs) <= 1e-6 * max(1, sumAbs), "\(expected.name): sum |x| \(sumAbs) vs \(expected.sumAbs)")
        }
    }

    /// A Q4_1 row dequantized from the raw blocks equals that row of the whole tensor.
    private func rawBlocks(_ file: GGUFFile) throws {
        let name = "blk.0.ffn_down.weight"
        let blocks = try file.quantizedBlocks(named: name)
        #expect(blocks.type == .q4_1 && blocks.rowLength == 1536 && blocks.rowCount == 576)
        #expect(blocks.blocksPerRow == 48 && blocks.rowBytes == 960)
        #expect(blocks.withUnsafeBytes(\.count) == 576 * 960)
        let whole = try file.dequantize(named: name)
        var row = [Float](repeating: .nan, count: 1536)
        for r in [0, 300, 575] {
            try row.withUnsafeMutableBufferPointer { buffer throws(GGUFError) in try blocks.dequantizeRow(r, into: buffer) }
            #expect(row == Array(whole[r * 1536..<(r + 1) * 1536]), "row \(r)")
        }
    }
}
