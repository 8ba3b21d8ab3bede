import Foundation

/// `config.json` of a Hugging Face Llama folder (`transformers.LlamaConfig`): Rewarm's shape
/// written as one, and one read back with every field Rewarm cannot honour refused by name.
///
/// Rewarm's decoder is Llama with any vocabulary, SiLU, no biases, grouped-query attention
/// (`num_key_value_heads` dividing `num_attention_heads`), tied or untied embeddings and plain
/// rotary embeddings; anything else (rope scaling, biases, other architectures) is one error line.
enum HuggingFaceConfig {
    /// The `LlamaConfig` of `c`. transformers 5 reads `rope_parameters`; `rope_theta` is also
    /// written at the top level for transformers 4.
    static func json(_ c: ModelConfig) -> [String: Any] {
        [
            "architectures": ["LlamaForCausalLM"], "model_type": "llama",
            "vocab_size": c.vocabSize, "hidden_size": c.hiddenSize, "intermediate_size": c.intermediateSize,
            "num_hidden_layers": c.numHiddenLayers, "num_attention_heads": c.numAttentionHeads,
            "num_key_value_heads": c.numKeyValueHeads, "head_dim": c.headDim,
            "hidden_act": "silu", "max_position_embeddings": c.maxPositionEmbeddings,
            "rms_norm_eps": c.rmsNormEps, "rope_theta": c.ropeTheta,
            "rope_parameters": ["rope_type": "default", "rope_theta": c.ropeTheta] as [String: Any],
            "attention_bias": false, "attention_dropout": 0.0, "mlp_bias": false,
            "tie_word_embeddings": c.tieWordEmbeddings, "initializer_range": 0.02, "pretraining_tp": 1,
            "use_cache": true,
            // a byte vocabulary has no special tokens (documents end with "\n\n"); another
            // vocabulary's are its tokenizer's, which Rewarm does not know
            "bos_token_id": NSNull(), "eos_token_id": NSNull(), "pad_token_id": NSNull(),
            "dtype": "float32",
        ]
    }

    /// The shape `json` (the contents of `path`) describes, or the first field Rewarm cannot use.
    static func modelConfig(from json: [String: Any], path: String) throws(CheckpointError) -> ModelConfig {
        func refuse(_ field: String, _ reason: String) -> CheckpointError {
            .unsupportedModel(path: path, field: field, reason: reason)
        }
        func present(_ key: String) -> Any? {
            guard let v = json[key], !(v is NSNull) else { return nil }
            return v
        }
        func int(_ key: String, default value: Int? = nil) throws(CheckpointError) -> Int {
            guard let raw = present(key) else {
                if let value { return value }
                throw refuse(key, "missing")
            }
            guard let n = raw as? NSNumber, n.doubleValue == n.doubleValue.rounded(), n.intValue > 0 else {
                throw refuse(key, "\(raw) is not a positive integer")
            }
            return n.intValue
        }
        func double(_ raw: Any?, _ key: String, default value: Double) throws(CheckpointError) -> Double {
            guard let raw else { return value }
            guard let n = raw as? NSNumber, n.doubleValue > 0 else {
                throw refuse(key, "\(raw) is not a positive number")
            }
            return n.doubleValue
        }
        func mustBeFalse(_ key: String, why: String) throws(CheckpointError) {
            if let v = present(key), (v as? NSNumber)?.boolValue != false { throw refuse(key, "\(v): \(why)") }
        }
        func text(_ v: Any) -> String { (v as? String).map { "\"\($0)\"" } ?? "\(v)" }

        if let type = present("model_type"), (type as? String) != "llama" {
            throw refuse("model_type", "\(text(type)): Rewarm reads Llama models only")
        }
        let vocab = try int("vocab_size", default: 32_000)  // LlamaConfig's default
        let hidden = try int("hidden_size")
        let layers = try int("num_hidden_layers")
        let heads = try int("num_attention_heads")
        guard hidden % heads == 0 else {
            throw refuse("num_attention_heads", "\(heads) does not divide hidden_size \(hidden)")
        }
        let kvHeads = try int("num_key_value_heads", default: heads)
        guard heads % kvHeads == 0 else {
            throw refuse("num_key_value_heads", "\(kvHeads) does not divide num_attention_heads \(heads)")
        }
        if let hd = present("head_dim"), (hd as? NSNumber)?.intValue != hidden / heads {
            throw refuse("head_dim", "\(hd): Rewarm needs hidden_size / num_attention_heads = \(hidden / heads)")
        }
        guard (hidden / heads) % 2 == 0 else {
            throw refuse("head_dim", "\(hidden / heads) is odd: rotary embeddings need pairs")
        }
        if let act = present("hidden_act"), (act as? String) != "silu" {
            throw refuse("hidden_act", "\(text(act)): Rewarm's MLP is SwiGLU (silu)")
        }
        try mustBeFalse("attention_bias", why: "Rewarm's attention projections have no bias")
        try mustBeFalse("mlp_bias", why: "Rewarm's MLP has no bias")
        var tied = false  // LlamaConfig's default
        if let flag = present("tie_word_embeddings") {
            guard let b = flag as? NSNumber else {
                throw refuse("tie_word_embeddings", "\(text(flag)) is not a boolean")
            }
            tied = b.boolValue
        }
        if let tp = present("pretraining_tp"), (tp as? NSNumber)?.intValue != 1 {
            throw refuse("pretraining_tp", "\(tp): only 1 is supported")
        }
        var theta = try double(present("rope_theta"), "rope_theta", default: 10_000)
        if let scaling = present("rope_scaling") {
            let type = (scaling as? [String: Any])?["rope_type"] ?? (scaling as? [String: Any])?["type"]
            if (type as? String) != "default" {
                throw refuse("rope_scaling", "\(text(type ?? scaling)): Rewarm has plain rotary embeddings only")
            }
        }
        if let raw = present("rope_parameters") {
            guard let p = raw as? [String: Any] else { throw refuse("rope_parameters", "not an object") }
            if let type = p["rope_type"], (type as? String) != "default" {
                throw refuse("rope_parameters.rope_type", "\(text(type)): Rewarm has plain rotary embeddings only")
            }
            theta = try double(p["rope_theta"], "rope_parameters.rope_theta", default: theta)
        }
        return ModelConfig(
            vocabSize: vocab, hiddenSize: hidden, numHiddenLayers: layers, numAttentionHeads: heads,
            numKeyValueHeads: kvHeads, intermediateSize: try int("intermediate_size"),
            maxPositionEmbeddings: try int("max_position_embeddings", default: 2048),
            rmsNormEps: try double(present("rms_norm_eps"), "rms_norm_eps", default: 1e-6), ropeTheta: theta,
            tieWordEmbeddings: tied)
    }

    /// `generation_config.json`: sampling as `rewarm generate` does by default; no end token.
    static func generationJSON() -> [String: Any] {
        ["do_sample": true, "temperature": 1.0, "top_p": 1.0, "bos_token_id": NSNull(), "eos_token_id": NSNull(),
         "pad_token_id": NSNull()]
    }
}
