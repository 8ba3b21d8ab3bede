import Foundation

/// Writing a `BPETokenizer` as a Hugging Face tokenizer folder: `tokenizer.json` (the
/// `tokenizers` serialization) and `tokenizer_config.json`, such that `tokenizers.Tokenizer
/// .from_file`, `transformers.AutoTokenizer.from_pretrained(folder)` and
/// `BPETokenizer.load(tokenizerJSON:)` all give the ids Rewarm gives (`scripts/check-tokenizer`
/// checks the first two on whole corpora, `TokenizerJSONWriterTests` the third).
///
/// The shapes are those `tokenizers` 0.22 serializes (`serde` of `TokenizerImpl` in
/// `tokenizers/src/tokenizer/serialization.rs`, `models/bpe/serialization.rs`,
/// `pre_tokenizers/{byte_level,digits,split,sequence}.rs`, `processors/template.rs`):
/// - `model`: `BPE` with `vocab` (text -> id, vocabulary tokens only), `merges` as `[left, right]`
///   pairs in rank order (the form `tokenizers` >= 0.20 writes; a space inside a token stays
///   unambiguous), `unk_token`, `fuse_unk`, `ignore_merges`, `byte_fallback: false`.
/// - `added_tokens`: every added token with its flags, by id.
/// - `pre_tokenizer`: the `PreTokenizer` steps (`Digits`, `Split` with `Regex` and `Isolated`,
///   `ByteLevel`), as a `Sequence` when there is more than one.
/// - `post_processor`: `TemplateProcessing` with the template's special tokens around `$A`
///   (and `$B:1` for pairs, as `transformers`' `update_post_processor` writes it).
/// - `decoder`: `ByteLevel`; no normalizer.
///
/// `tokenizer_config.json` names the roles (`bos_token`, `eos_token`, `pad_token`, `unk_token`),
/// `tokenizer_class: PreTrainedTokenizerFast`, `clean_up_tokenization_spaces: false` (so
/// `decode` gives the text back) and, when the template is `[bos] $A [eos]`-shaped, the
/// `add_bos_token` / `add_eos_token` flags that `transformers` 5 rebuilds the template from
/// (`SpecialTokenTemplate` says why); another template is left to the post-processor.
extension BPETokenizer {
    /// The `tokenizer.json` document.
    public func tokenizerJSONObject() -> [String: Any] {
        var vocab: [String: Any] = [:]
        vocab.reserveCapacity(vocabularyIDs.count)
        for (text, id) in vocabularyIDs { vocab[text] = Int(id) }
        let added: [[String: Any]] = addedTokens.sorted { $0.id < $1.id }.map { t in
            [
                "id": Int(t.id), "content": t.content, "single_word": t.singleWord, "lstrip": t.leftStrip,
                "rstrip": t.rightStrip, "normalized": t.normalized, "special": t.special,
            ]
        }
        let steps = preTokenizer.steps.map(Self.stepJSON)
        let model: [String: Any] = [
            "type": "BPE", "dropout": NSNull(), "unk_token": options.unknownTokenID.flatMap(token) ?? NSNull(),
            "continuing_subword_prefix": NSNull(), "end_of_word_suffix": NSNull(), "fuse_unk": options.fuseUnknown,
            "byte_fallback": false, "ignore_merges": options.ignoreMerges, "vocab": vocab,
            "merges": mergeList.map { [$0.left, $0.right] },
        ]
        return [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": added,
            "normalizer": NSNull(),
            "pre_tokenizer": steps.count == 1 ? steps[0] : ["type": "Sequence", "pretokenizers": steps],
            "post_processor": templateJSON(),
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": model,
        ]
    }

    /// The `tokenizer_config.json` document; `modelMaxLength` is the model's context (a GGUF's
    /// `<arch>.context_length`), left out when unknown.
    public func tokenizerConfigObject(modelMaxLength: Int? = nil) -> [String: Any] {
        var config: [String: Any] = [
            "tokenizer_class": "PreTrainedTokenizerFast", "clean_up_tokenization_spaces": false,
        ]
        let roles: [(String, Int32?)] = [
            ("bos_token", specialTokens.bos), ("eos_token", specialTokens.eos), ("pad_token", specialTokens.pad),
            ("unk_token", options.unknownTokenID),
        ]
        for (key, id) in roles { if let id, let text = token(id) { config[key] = text } }
        if template == .bosEOS(addBOS: addsBOS, bos: specialTokens.bos, addEOS: addsEOS, eos: specialTokens.eos) {
            config["add_bos_token"] = addsBOS
            config["add_eos_token"] = addsEOS
        }
        if let modelMaxLength { config["model_max_length"] = modelMaxLength }
        return config
    }

    /// Writes `tokenizer.json` and `tokenizer_config.json` into `folder` (created if needed).
    public func writeHuggingFace(folder: String, modelMaxLength: Int? = nil) throws(TokenizerError) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .unwritable(file: folder, reason: TextFile.oneLine(error.localizedDescription))
        }
        try Self.write(tokenizerJSONObject(), to: folder + "/tokenizer.json")
        try Self.write(tokenizerConfigObject(modelMaxLength: modelMaxLength), to: folder + "/tokenizer_config.json")
    }

    /// JSON with sorted keys (the same tokenizer always gives the same bytes).
    public static func jsonData(_ object: [String: Any]) -> Data {
        // Every value above is a string, number, boolean, null, array or object: cannot fail.
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    private static func write(_ object: [String: Any], to path: String) throws(TokenizerError) {
        do {
            try jsonData(object).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .unwritable(file: path, reason: TextFile.oneLine(error.localizedDescription))
        }
    }

    private static func stepJSON(_ step: PreTokenizer.Step) -> [String: Any] {
        switch step {
        case let .digits(individualDigits):
            ["type": "Digits", "individual_digits": individualDigits]
        case let .split(regex):
            ["type": "Split", "pattern": ["Regex": regex.pattern], "behavior": "Isolated", "invert": false]
        case let .byteLevel(addPrefixSpace, useRegex):
            ["type": "ByteLevel", "add_prefix_space": addPrefixSpace, "trim_offsets": true, "use_regex": useRegex]
        }
    }

    /// `TemplateProcessing`: single `prefix $A suffix`, pair `prefix $A suffix prefix $B suffix`.
    private func templateJSON() -> [String: Any] {
        func special(_ id: Int32, _ typeID: Int) -> [String: Any] {
            ["SpecialToken": ["id": token(id) ?? "", "type_id": typeID]]
        }
        func sequence(_ name: String, _ typeID: Int) -> [String: Any] {
            ["Sequence": ["id": name, "type_id": typeID]]
        }
        let single = template.prefix.map { special($0, 0) } + [sequence("A", 0)]
            + template.suffix.map { special($0, 0) }
        let pair = single + template.prefix.map { special($0, 1) } + [sequence("B", 1)]
            + template.suffix.map { special($0, 1) }
        var specials: [String: Any] = [:]
        for id in template.prefix + template.suffix {
            let text = token(id) ?? ""
            specials[text] = ["id": text, "ids": [Int(id)], "tokens": [text]]
        }
        return ["type": "TemplateProcessing", "single": single, "pair": pair, "special_tokens": specials]
    }
}
