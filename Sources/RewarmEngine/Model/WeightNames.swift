/// Hugging Face Llama parameter names and shapes, in the order of `LlamaForCausalLM.state_dict()`.
public enum WeightNames {
    public static let embedding = "model.embed_tokens.weight"
    public static let finalNorm = "model.norm.weight"
    /// The output head (V, C) of an untied model; a tied one has none (HF `tie_word_embeddings`).
    public static let lmHead = "lm_head.weight"

    /// The tensor the output head reads (V, C): `lm_head.weight`, or the embedding table when tied.
    public static func head(_ c: ModelConfig) -> String { c.tieWordEmbeddings ? embedding : lmHead }

    /// The modules outside the decoder layers that train whole when asked (PEFT `modules_to_save`,
    /// LLaMA-Factory `freeze_extra_modules`), by their module names.
    public static let wholeModules = ["embed_tokens", "lm_head"]

    /// The tensors `modules` (of `wholeModules`) train, in slab order: `lm_head` is the embedding
    /// table when the embeddings are tied, so a tied model trains that one table once.
    public static func wholeModuleTensors(_ modules: [String], _ c: ModelConfig) -> Set<String> {
        Set(modules.map { moduleTensor($0, c) })
    }

    /// The tensor of the model that holds whole module `module` (`lm_head` of a tied model: the
    /// embedding table).
    public static func moduleTensor(_ module: String, _ c: ModelConfig) -> String {
        module == "lm_head" ? head(c) : embedding
    }

    /// The untied tensor name of whole module `module` (`model.embed_tokens.weight`,
    /// `lm_head.weight`): PEFT's key for it, after `base_model.model.`.
    public static func moduleKey(_ module: String) -> String { module == "lm_head" ? lmHead : embedding }

    /// The seven linear modules of a decoder layer, by their PEFT `target_modules` names.
    public static let linearModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

    public static func layerPrefix(_ l: Int) -> String { "model.layers.\(l)." }

    /// Full name of linear module `module` (e.g. "q_proj") of layer `l`.
    public static func linear(_ module: String, layer l: Int) -> String {
        let group = ["gate_proj", "up_proj", "down_proj"].contains(module) ? "mlp" : "self_attn"
        return "\(layerPrefix(l))\(group).\(module).weight"
    }

    public static func inputNorm(layer l: Int) -> String { "\(layerPrefix(l))input_layernorm.weight" }
    public static func postAttentionNorm(layer l: Int) -> String { "\(layerPrefix(l))post_attention_layernorm.weight" }

    /// (in, out) features of a linear module: weights are stored (out, in). k_proj and v_proj
    /// are (NKV*hs, C) (grouped-query attention, HF `LlamaAttention`), q_proj and o_proj (C, C).
    public static func linearShape(_ module: String, _ c: ModelConfig) -> (inFeatures: Int, outFeatures: Int) {
        switch module {
        case "gate_proj", "up_proj": (c.hiddenSize, c.intermediateSize)
        case "down_proj": (c.intermediateSize, c.hiddenSize)
        case "k_proj", "v_proj": (c.hiddenSize, c.keyValueDim)
        default: (c.hiddenSize, c.hiddenSize)
        }
    }

    /// Every base tensor with its shape, HF order; no `lm_head.weight` when the embeddings are tied.
    public static func baseTensors(_ c: ModelConfig) -> [(name: String, shape: [Int])] {
        var t: [(String, [Int])] = [(embedding, [c.vocabSize, c.hiddenSize])]
        for l in 0..<c.numHiddenLayers {
            t.append((inputNorm(layer: l), [c.hiddenSize]))
            for m in linearModules {
                let (i, o) = linearShape(m, c)
                t.append((linear(m, layer: l), [o, i]))
            }
            t.append((postAttentionNorm(layer: l), [c.hiddenSize]))
        }
        t.append((finalNorm, [c.hiddenSize]))
        if !c.tieWordEmbeddings { t.append((lmHead, [c.vocabSize, c.hiddenSize])) }
        return t
    }

    /// LoRA tensor names as PEFT saves them without the `base_model.model.` prefix:
    /// `model.layers.0.self_attn.q_proj.lora_A.weight` (r, in) and `...lora_B.weight` (out, r).
    public static func loraA(_ module: String, layer l: Int) -> String {
        linear(module, layer: l).replacingSuffix(".weight", with: ".lora_A.weight")
    }
    public static func loraB(_ module: String, layer l: Int) -> String {
        linear(module, layer: l).replacingSuffix(".weight", with: ".lora_B.weight")
    }
}

extension String {
    func replacingSuffix(_ suffix: String, with new: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + new : self
    }
}
