import Foundation

/// The components of a `tokenizer.json` besides the vocabulary, read with field paths for errors.
enum TokenizerJSONComponents {
    /// Model options Rewarm does not run must be off.
    static func checkModelOptions(_ model: JSONFields) throws(TokenizerError) {
        let file = model.file
        if try model.bool("byte_fallback", default: false) {
            throw .unsupported(
                file: file, field: "model.byte_fallback", value: "true",
                supported: "false (byte fallback is SentencePiece-style BPE, e.g. Llama 2, not byte-level BPE)")
        }
        if let dropout = model.value("dropout") {
            guard let p = dropout as? NSNumber, p.doubleValue == 0 else {
                throw .unsupported(file: file, field: "model.dropout", value: "\(dropout)", supported: "null or 0")
            }
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let affix = try model.string(key), !affix.isEmpty {
                throw .unsupported(file: file, field: "model.\(key)", value: JSONLiteral.string(affix),
                                   supported: "null or \"\"")
            }
        }
    }

    /// No normalizer (or an empty `Sequence`).
    static func checkNormalizer(_ root: JSONFields) throws(TokenizerError) {
        guard let normalizer = try root.object("normalizer") else { return }
        let type = try normalizer.requiredString("type")
        if type == "Sequence", (try normalizer.array("normalizers") ?? []).isEmpty { return }
        throw .unsupported(file: root.file, field: "normalizer.type", value: type, supported: "null")
    }

    /// The `ByteLevel` decoder.
    static func checkDecoder(_ root: JSONFields) throws(TokenizerError) {
        guard let decoder = try root.object("decoder") else {
            throw .unsupported(file: root.file, field: "decoder", value: "null", supported: "ByteLevel")
        }
        let type = try decoder.requiredString("type")
        guard type == "ByteLevel" else {
            throw .unsupported(file: root.file, field: "decoder.type", value: type, supported: "ByteLevel")
        }
    }

    /// `pre_tokenizer`, with `Sequence`s flattened.
    static func preTokenizer(_ root: JSONFields) throws(TokenizerError) -> PreTokenizer {
        guard let object = try root.object("pre_tokenizer") else {
            throw .unsupported(file: root.file, field: "pre_tokenizer", value: "null",
                               supported: "ByteLevel, Digits, Split, Sequence")
        }
        var steps: [PreTokenizer.Step] = []
        try appendSteps(object, to: &steps)
        return try PreTokenizer(steps: steps).validated(file: root.file, field: "pre_tokenizer")
    }

    static func appendSteps(_ o: JSONFields, to steps: inout [PreTokenizer.Step]) throws(TokenizerError) {
        let type = try o.requiredString("type")
        switch type {
        case "Sequence":
            for child in try o.objects("pretokenizers") { try appendSteps(child, to: &steps) }
        case "ByteLevel":
            steps.append(.byteLevel(
                addPrefixSpace: try o.bool("add_prefix_space", default: true),
                useRegex: try o.bool("use_regex", default: true)))
        case "Digits":
            steps.append(.digits(individualDigits: try o.bool("individual_digits", default: false)))
        case "Split":
            let pattern = try o.requiredObject("pattern")
            guard let regex = try pattern.string("Regex") else {
                let literal = try pattern.string("String") ?? "?"
                throw .unsupported(
                    file: o.file, field: o.field("pattern.String"), value: JSONLiteral.string(literal),
                    supported: "a Regex pattern")
            }
            guard let known = PreTokenizer.SplitRegex(pattern: regex) else {
                throw .unsupported(
                    file: o.file, field: o.field("pattern.Regex"), value: JSONLiteral.string(regex),
                    supported: "the GPT-2, Llama 3 and Qwen2 regexes")
            }
            let behavior = try o.requiredString("behavior")
            guard behavior == "Isolated" else {
                throw .unsupported(file: o.file, field: o.field("behavior"), value: behavior, supported: "Isolated")
            }
            if try o.bool("invert", default: false) {
                throw .unsupported(file: o.file, field: o.field("invert"), value: "true", supported: "false")
            }
            steps.append(.split(known))
        default:
            throw .unsupported(file: o.file, field: o.field("type"), value: type,
                               supported: "ByteLevel, Digits, Split, Sequence")
        }
    }

    /// `added_tokens`.
    static func addedTokens(_ root: JSONFields) throws(TokenizerError) -> [AddedToken] {
        var tokens: [AddedToken] = []
        for o in try root.objects("added_tokens") {
            guard let id = try o.int("id") else { throw .missingField(file: o.file, field: o.field("id")) }
            guard let id32 = Int32(exactly: id) else {
                throw .badID(file: o.file, field: o.field("id"), id: id, reason: "outside Int32")
            }
            let special = try o.bool("special", default: false)
            tokens.append(AddedToken(
                id: id32, content: try o.requiredString("content"), special: special,
                normalized: try o.bool("normalized", default: !special),
                singleWord: try o.bool("single_word", default: false),
                leftStrip: try o.bool("lstrip", default: false), rightStrip: try o.bool("rstrip", default: false)))
        }
        return tokens
    }

    /// A merge: `"left right"` (exactly one space, as `tokenizers` requires) or `["left", "right"]`.
    static func merge(_ raw: Any, file: String, field: String) throws(TokenizerError) -> BPEMerge {
        if let s = raw as? String {
            let parts = s.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw .malformedMerge(file: file, field: field, merge: s) }
            return BPEMerge(String(parts[0]), String(parts[1]))
        }
        if let pair = raw as? [Any] {
            guard pair.count == 2, let left = pair[0] as? String, let right = pair[1] as? String else {
                throw .malformedMerge(file: file, field: field, merge: "\(pair)")
            }
            return BPEMerge(left, right)
        }
        throw .wrongType(file: file, field: field, expected: "a \"left right\" string or a [left, right] pair")
    }

    /// The single-sequence template of `post_processor`.
    static func template(_ root: JSONFields) throws(TokenizerError) -> SpecialTokenTemplate {
        guard let processor = try root.object("post_processor") else { return .none }
        var template = SpecialTokenTemplate.none
        var templates = 0
        try apply(processor, to: &template, templates: &templates)
        return template
    }

    static func apply(
        _ o: JSONFields, to template: inout SpecialTokenTemplate, templates: inout Int
    ) throws(TokenizerError) {
        let type = try o.requiredString("type")
        switch type {
        case "ByteLevel": return  // offsets only
        case "Sequence":
            for child in try o.objects("processors") { try apply(child, to: &template, templates: &templates) }
        case "TemplateProcessing":
            templates += 1
            guard templates == 1 else {
                throw .unsupported(file: o.file, field: o.field("type"), value: "a second TemplateProcessing",
                                   supported: "one")
            }
            template = try templateProcessing(o)
        default:
            throw .unsupported(
                file: o.file, field: o.field("type"), value: type, supported: "TemplateProcessing, ByteLevel, Sequence")
        }
    }

    /// `TemplateProcessing.single`: special tokens before `$A` go first, those after it last.
    static func templateProcessing(_ o: JSONFields) throws(TokenizerError) -> SpecialTokenTemplate {
        let specials = try o.object("special_tokens")
        var result = SpecialTokenTemplate.none
        var seenSequence = false
        for item in try o.objects("single") {
            if let sequence = try item.object("Sequence") {
                let id = try sequence.requiredString("id")
                guard id == "A", !seenSequence else {
                    throw .unsupported(file: o.file, field: sequence.field("id"), value: id, supported: "one $A")
                }
                seenSequence = true
            } else if let special = try item.object("SpecialToken") {
                let name = try special.requiredString("id")
                guard let entry = try specials?.object(name) else {
                    throw .unknownToken(file: o.file, field: o.field("special_tokens"), token: name)
                }
                var ids: [Int32] = []
                for (i, v) in (try entry.requiredArray("ids")).enumerated() {
                    let id = try JSONFields.integer(v, file: o.file, field: entry.field("ids[\(i)]"))
                    guard let id32 = Int32(exactly: id) else {
                        throw .badID(file: o.file, field: entry.field("ids[\(i)]"), id: id, reason: "outside Int32")
                    }
                    ids.append(id32)
                }
                if seenSequence { result.suffix += ids } else { result.prefix += ids }
            } else {
                throw .unsupported(
                    file: o.file, field: item.path, value: item.values.keys.sorted().joined(separator: ", "),
                    supported: "Sequence, SpecialToken")
            }
        }
        return result
    }

    /// A `tokenizer_config.json` token: a string, or an object with `content`.
    static func tokenContent(_ config: JSONFields, _ key: String) throws(TokenizerError) -> String? {
        guard let v = config.value(key) else { return nil }
        if let s = v as? String { return s }
        let o = try JSONFields.object(v, file: config.file, field: config.field(key))
        return try o.requiredString("content")
    }
}
