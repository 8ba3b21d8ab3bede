import Foundation

/// Loading a Hugging Face `tokenizer.json` (the `tokenizers` serialization) as a `BPETokenizer`.
///
/// Read: `model` (type `BPE`: `vocab`, `merges` as `"a b"` strings or `["a", "b"]` pairs,
/// `unk_token`, `fuse_unk`, `ignore_merges`), `added_tokens`, `normalizer` (none),
/// `pre_tokenizer` (`PreTokenizer`), `post_processor` (`TemplateProcessing`, `ByteLevel`, or a
/// `Sequence` of them) and `decoder` (`ByteLevel`). `truncation` and `padding` are ignored, as
/// `transformers` ignores them when it loads a tokenizer. Anything else (a WordPiece or Unigram
/// model, byte fallback, a normalizer, another pre-tokenizer) throws `unsupported` or
/// `unknownModelType` naming the field: Rewarm would rather refuse than tokenize differently.
///
/// `tokenizer_config.json` beside it (when present) gives the roles `bos_token`, `eos_token`,
/// `pad_token` (a string or an `{"content": ...}` object) and, if it sets `add_bos_token` or
/// `add_eos_token`, the template (`SpecialTokenTemplate` says why).
extension BPETokenizer {
    /// Loads `path` and, unless `configPath` is given, `tokenizer_config.json` from the same
    /// folder if it exists.
    public static func load(
        tokenizerJSON path: String, config configPath: String? = nil
    ) throws(TokenizerError) -> BPETokenizer {
        let folder = (path as NSString).deletingLastPathComponent
        let defaultConfig = (folder.isEmpty ? "." : folder) + "/tokenizer_config.json"
        let config: JSONFields?
        if let configPath {
            config = try JSONFields.read(configPath)
        } else if FileManager.default.fileExists(atPath: defaultConfig) {
            config = try JSONFields.read(defaultConfig)
        } else {
            config = nil
        }
        return try BPETokenizer(tokenizerJSON: try JSONFields.read(path), config: config)
    }

    /// From the bytes of `tokenizer.json` (and of `tokenizer_config.json`); `file` and
    /// `configFile` name them in errors.
    public static func parse(
        tokenizerJSON data: Data, file: String = "tokenizer.json", config: Data? = nil,
        configFile: String = "tokenizer_config.json"
    ) throws(TokenizerError) -> BPETokenizer {
        let root = try JSONFields.parse(data, file: file)
        let configFields: JSONFields? = if let config { try JSONFields.parse(config, file: configFile) } else { nil }
        return try BPETokenizer(tokenizerJSON: root, config: configFields)
    }

    init(tokenizerJSON root: JSONFields, config: JSONFields?) throws(TokenizerError) {
        let file = root.file
        let model = try root.requiredObject("model")
        let type = try model.requiredString("type")
        guard type == "BPE" else { throw .unknownModelType(file: file, field: "model.type", type: type) }
        try TokenizerJSONComponents.checkModelOptions(model)
        try TokenizerJSONComponents.checkNormalizer(root)
        try TokenizerJSONComponents.checkDecoder(root)
        let preTokenizer = try TokenizerJSONComponents.preTokenizer(root)

        // The id table: vocabulary, then added tokens that are not in it.
        let vocab = try model.requiredObject("vocab")
        var textOfID: [Int: String] = [:]
        textOfID.reserveCapacity(vocab.values.count)
        for (text, value) in vocab.values {
            let id = try JSONFields.integer(value, file: file, field: "model.vocab.\(JSONLiteral.string(text))")
            guard (0...Int(Int32.max)).contains(id) else {
                throw .badID(file: file, field: "model.vocab.\(JSONLiteral.string(text))", id: id,
                             reason: "outside 0...Int32.max")
            }
            if let other = textOfID.updateValue(text, forKey: id) {
                throw .duplicateID(file: file, field: "model.vocab", id: id, tokens: [other, text].sorted())
            }
        }
        let addedTokens = try TokenizerJSONComponents.addedTokens(root)
        var addedOnly: Set<Int32> = []
        for (i, token) in addedTokens.enumerated() where textOfID[Int(token.id)] == nil {
            guard token.id >= 0 else {
                throw .badID(file: file, field: "added_tokens[\(i)].id", id: Int(token.id), reason: "negative")
            }
            textOfID[Int(token.id)] = token.content
            addedOnly.insert(token.id)
        }
        let count = (textOfID.keys.max() ?? -1) + 1
        // Ids are 0..<n without holes, so n is the number of ids: checked before anything of size
        // `count` is allocated (a vocabulary `{"a": 2147483646}` once asked for 2^31 strings).
        let checked = min(count, textOfID.count + 1)
        var tokens: [String] = []
        tokens.reserveCapacity(checked)
        for id in 0..<checked {
            guard let text = textOfID[id] else {
                throw .badID(file: file, field: "model.vocab", id: id,
                             reason: "no token has this id, but id \(count - 1) is used")
            }
            tokens.append(text)
        }

        var merges: [BPEMerge] = []
        let rawMerges = try model.requiredArray("merges")
        merges.reserveCapacity(rawMerges.count)
        for (i, raw) in rawMerges.enumerated() {
            merges.append(try TokenizerJSONComponents.merge(raw, file: file, field: "model.merges[\(i)]"))
        }

        func idOf(_ text: String, _ configField: String, in fields: JSONFields) throws(TokenizerError) -> Int32 {
            if let token = addedTokens.first(where: { $0.content == text }) { return token.id }
            if let id = vocab.values[text] as? NSNumber, !addedOnly.contains(Int32(truncating: id)) {
                return Int32(truncating: id)
            }
            throw .unknownToken(file: fields.file, field: configField, token: text)
        }
        var options = BPEModelOptions(
            fuseUnknown: try model.bool("fuse_unk", default: false),
            ignoreMerges: try model.bool("ignore_merges", default: false))
        if let unk = try model.string("unk_token") {
            options.unknownTokenID = try idOf(unk, "model.unk_token", in: model)
        }

        var roles = SpecialTokenIDs()
        var template = try TokenizerJSONComponents.template(root)
        if let config {
            func role(_ key: String) throws(TokenizerError) -> Int32? {
                guard let text = try TokenizerJSONComponents.tokenContent(config, key) else { return nil }
                return try idOf(text, key, in: config)
            }
            roles = SpecialTokenIDs(bos: try role("bos_token"), eos: try role("eos_token"), pad: try role("pad_token"))
            if config.has("add_bos_token") || config.has("add_eos_token") {
                template = .bosEOS(
                    addBOS: try config.bool("add_bos_token", default: false), bos: roles.bos,
                    addEOS: try config.bool("add_eos_token", default: false), eos: roles.eos)
            }
        }
        try self.init(
            tokens: tokens, addedOnly: addedOnly, merges: merges, addedTokens: addedTokens, preTokenizer: preTokenizer,
            template: template, specialTokens: roles, options: options, origin: .tokenizerJSON(file))
    }
}
