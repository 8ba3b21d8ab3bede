import Foundation
import Testing
@testable import RewarmEngine

@Suite struct HuggingFaceConfigTests {
    let shape = ModelConfig(hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64,
                            maxPositionEmbeddings: 64, rmsNormEps: 1e-5, ropeTheta: 500_000)

    @Test("the written LlamaConfig reads back as the same shape")
    func roundTrip() throws {
        #expect(try HuggingFaceConfig.modelConfig(from: HuggingFaceConfig.json(shape), path: "c.json") == shape)
    }

    @Test("transformers 5's rope_parameters give rope_theta; absent fields take LlamaConfig's defaults")
    func ropeParametersAndDefaults() throws {
        let json: [String: Any] = [
            "vocab_size": 256, "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
            "intermediate_size": 40, "rope_parameters": ["rope_type": "default", "rope_theta": 1234.0],
        ]
        let c = try HuggingFaceConfig.modelConfig(from: json, path: "c.json")
        #expect(c.ropeTheta == 1234 && c.rmsNormEps == 1e-6 && c.maxPositionEmbeddings == 2048)
    }

    @Test("each architecture Rewarm cannot run is refused in one line naming the field", arguments: [
        ("hidden_act", "\"gelu\""), ("attention_bias", "true"), ("mlp_bias", "true"),
        ("num_key_value_heads", "3"), ("tie_word_embeddings", "\"yes\""), ("head_dim", "16"), ("model_type", "\"mistral\""),
        ("rope_scaling", "{\"rope_type\": \"linear\", \"factor\": 2.0}"), ("pretraining_tp", "2"),
        ("rope_parameters", "{\"rope_type\": \"yarn\", \"rope_theta\": 10000.0}"),
    ])
    func refused(field: String, valueJSON: String) throws {
        let value = try JSONSerialization.jsonObject(with: Data(valueJSON.utf8), options: .fragmentsAllowed)
        var json = HuggingFaceConfig.json(shape)
        json[field] = value
        do {
            _ = try HuggingFaceConfig.modelConfig(from: json, path: "/m/config.json")
            Issue.record("\(field) = \(value) was accepted")
        } catch {
            guard case .unsupportedModel(let path, let named, _) = error else { Issue.record("\(error)"); return }
            #expect(path == "/m/config.json")
            #expect(named.hasPrefix(field))
            #expect(!error.description.contains("\n"))
            #expect(error.description.hasPrefix("/m/config.json: \(field)"))
        }
    }

    @Test("absent vocab_size, num_key_value_heads and tie_word_embeddings take LlamaConfig's defaults: 32000, the heads, false")
    func llamaConfigDefaults() throws {
        var json = HuggingFaceConfig.json(shape)
        json["vocab_size"] = nil
        json["num_key_value_heads"] = nil
        json["tie_word_embeddings"] = nil
        let c = try HuggingFaceConfig.modelConfig(from: json, path: "c.json")
        #expect(c.vocabSize == 32_000 && c.numKeyValueHeads == 4 && !c.tieWordEmbeddings)
    }

    @Test("grouped-query attention, tied embeddings and any vocabulary are written and read back")
    func laterShapesRoundTrip() throws {
        var gqa = shape
        (gqa.vocabSize, gqa.numKeyValueHeads, gqa.tieWordEmbeddings) = (37, 2, true)
        let json = HuggingFaceConfig.json(gqa)
        #expect(json["num_key_value_heads"] as? Int == 2 && json["tie_word_embeddings"] as? Bool == true)
        #expect(try HuggingFaceConfig.modelConfig(from: json, path: "c.json") == gqa)
    }
}
