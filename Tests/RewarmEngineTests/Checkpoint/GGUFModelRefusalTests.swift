import Foundation
import Testing
@testable import RewarmEngine

/// A GGUF file Rewarm cannot run is refused in one line naming the file and the field or tensor,
/// before anything is loaded or written. The files are built byte by byte (`GGUFTestWriter`):
/// a valid tiny Llama (C 8, 2 heads on 1 key/value head, hs 4, 1 layer, F 8, V 4, tied, F32
/// zeros) with one thing changed.
@Suite struct GGUFModelRefusalTests {
    static let metadata: [(String, GGUFValue)] = [
        ("general.architecture", .string("llama")), ("llama.context_length", .uint32(16)),
        ("llama.embedding_length", .uint32(8)), ("llama.block_count", .uint32(1)),
        ("llama.feed_forward_length", .uint32(8)), ("llama.attention.head_count", .uint32(2)),
        ("llama.attention.head_count_kv", .uint32(1)), ("llama.attention.layer_norm_rms_epsilon", .float32(1e-5)),
        ("llama.rope.dimension_count", .uint32(4)),
    ]
    /// name -> ne (innermost first).
    static let tensors: [(String, [UInt64])] = [
        ("token_embd.weight", [8, 4]), ("blk.0.attn_norm.weight", [8]), ("blk.0.attn_q.weight", [8, 8]),
        ("blk.0.attn_k.weight", [8, 4]), ("blk.0.attn_v.weight", [8, 4]), ("blk.0.attn_output.weight", [8, 8]),
        ("blk.0.ffn_norm.weight", [8]), ("blk.0.ffn_gate.weight", [8, 8]), ("blk.0.ffn_up.weight", [8, 8]),
        ("blk.0.ffn_down.weight", [8, 8]), ("output_norm.weight", [8]),
    ]

    /// Writes the tiny Llama with `metadata` and `tensors` edited into a fresh folder; returns its path.
    static func write(
        metadata edit: (inout [(String, GGUFValue)]) -> Void = { _ in },
        tensors editTensors: (inout [(String, [UInt64])]) -> Void = { _ in }
    ) throws -> URL {
        var kv = metadata, ts = tensors
        edit(&kv)
        editTensors(&ts)
        let file = temporaryFolder("gguf-refusal").appendingPathComponent("m.gguf")
        let data = ggufFile(metadata: kv, tensors: ts.map { name, dims in
            TestTensor(name, dims: dims, type: .f32, data: [UInt8](repeating: 0, count: 4 * Int(dims.reduce(1, *))))
        })
        try data.write(to: file)
        return file
    }

    /// The one-line error opening `file` gives.
    static func refusal(_ file: URL) -> String {
        do {
            _ = try Checkpoint(ggufFile: file)
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test("the unedited tiny file is accepted (so each refusal below is due to its one change)")
    func baseline() throws {
        let checkpoint = try Checkpoint(ggufFile: Self.write())
        #expect(checkpoint.state.model == ModelConfig(
            vocabSize: 4, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, numKeyValueHeads: 1,
            intermediateSize: 8, maxPositionEmbeddings: 16, rmsNormEps: 1e-5, ropeTheta: 10_000,
            tieWordEmbeddings: true))
        #expect(try checkpoint.loadModel().weights.snapshot().allSatisfy { $0 == 0 })
    }

    typealias MetadataEdit = @Sendable (inout [(String, GGUFValue)]) -> Void
    typealias TensorEdit = @Sendable (inout [(String, [UInt64])]) -> Void

    /// (the error after "<path>: ", the metadata edit, the tensor edit)
    static let cases: [(String, MetadataEdit, TensorEdit)] = [
        ("general.architecture: \"gpt2\": Rewarm reads Llama models only",
         { $0[0].1 = .string("gpt2") }, { _ in }),
        ("llama.rope.scaling.type: \"linear\": Rewarm has plain rotary embeddings only",
         { $0.append(("llama.rope.scaling.type", .string("linear"))) }, { _ in }),
        ("llama.rope.scaling.factor: 4.0: Rewarm has plain rotary embeddings only",
         { $0.append(("llama.rope.scaling.factor", .float32(4))) }, { _ in }),
        ("tensor 'rope_freqs.weight': rope frequency factors: Rewarm has plain rotary embeddings only",
         { _ in }, { $0.append(("rope_freqs.weight", [2])) }),
        ("tensor 'blk.0.attn_q.bias': a bias: Rewarm's Llama has no biases",
         { _ in }, { $0.append(("blk.0.attn_q.bias", [8])) }),
        ("tensor 'blk.0.ffn_down.bias': a bias: Rewarm's Llama has no biases",
         { _ in }, { $0.append(("blk.0.ffn_down.bias", [8])) }),
        ("llama.expert_count: 8: Rewarm has no mixture-of-experts layers",
         { $0.append(("llama.expert_count", .uint32(8))) }, { _ in }),
        ("tensor 'blk.0.ffn_gate_exps.weight': mixture-of-experts weights: Rewarm has no expert layers",
         { _ in }, { $0.append(("blk.0.ffn_gate_exps.weight", [8, 8, 2])) }),
        ("no tensor named 'blk.0.ffn_up.weight'",
         { _ in }, { $0.removeAll { $0.0 == "blk.0.ffn_up.weight" } }),
        ("tensor 'blk.0.attn_k.weight': ne [8, 8], expected [8, 4] for this model's shape "
            + "(model.layers.0.self_attn.k_proj.weight)",
         { _ in }, { $0[3].1 = [8, 8] }),
        ("tensor 'blk.1.attn_q.weight': not a tensor of a Llama model Rewarm knows (or of a layer past "
            + "llama.block_count)",
         { _ in }, { $0.append(("blk.1.attn_q.weight", [8, 8])) }),
        ("llama.rope.dimension_count: 2: Rewarm needs the head size embedding_length / head_count = 4",
         { $0[8].1 = .uint32(2) }, { _ in }),
        ("llama.attention.head_count_kv: 3 does not divide head_count 2",
         { $0[6].1 = .uint32(3) }, { _ in }),
        ("no metadata key 'llama.block_count'",
         { $0.remove(at: 3) }, { _ in }),
    ]

    @Test("what Rewarm cannot run is refused in one line naming the file and the field", arguments: 0..<cases.count)
    func refused(index: Int) throws {
        let (expected, metadata, tensors) = Self.cases[index]
        let file = try Self.write(metadata: metadata, tensors: tensors)
        #expect(Self.refusal(file) == "\(file.path): \(expected)")
    }

    @Test("init_from a GGUF file Rewarm cannot run fails before the run folder is written")
    func nothingWritten() throws {
        let file = try Self.write(metadata: { $0[0].1 = .string("qwen2") })
        let run = temporaryFolder("gguf-refused-run").appendingPathComponent("run")
        do {
            _ = try Trainer(ResolvedRun(tinyRunConfig(run, ["init_from": .string(file.path)])), resume: false)
            Issue.record("a qwen2 GGUF accepted")
        } catch let error as TrainingError {
            #expect(error.description
                == "\(file.path): general.architecture: \"qwen2\": Rewarm reads Llama models only")
        }
        #expect(!FileManager.default.fileExists(atPath: run.path))
    }
}
