import Foundation

/// Building a `BPETokenizer` from a GGUF file's tokenizer metadata (ggml `docs/gguf.md`,
/// "Tokenizer": `tokenizer.ggml.*`), exactly as `BPETokenizer`'s doc comment prescribes. Keys
/// read, with what llama.cpp (`src/llama-vocab.cpp`, `llama_vocab::impl::load`) and
/// `transformers`' GGUF conversion (`integrations/ggml.py`, `GGUFGPTConverter`) do with them:
///
/// | key                                   | use                                                      |
/// |---------------------------------------|----------------------------------------------------------|
/// | `tokenizer.ggml.model`                | must be `gpt2` (byte-level BPE)                          |
/// | `tokenizer.ggml.tokens`               | the vocabulary, id = index                               |
/// | `tokenizer.ggml.merges`               | `"left right"` strings in rank order                     |
/// | `tokenizer.ggml.token_type`           | 3 (CONTROL): special added token, 4 (USER_DEFINED): added token |
/// | `tokenizer.ggml.pre`                  | the pre-tokenizer (`PreTokenizer.gguf(pre:file:)`)       |
/// | `tokenizer.ggml.bos_token_id`, `eos_token_id`, `padding_token_id` | the roles (optional) |
/// | `tokenizer.ggml.add_bos_token`, `add_eos_token` | the template (optional, default false)   |
///
/// Every refusal is a `TokenizerError` naming the file and the `tokenizer.ggml.*` field.
extension BPETokenizer {
    /// The tokenizer of the GGUF file at `path` (only its header is read).
    public static func load(gguf path: String) throws(TokenizerError) -> BPETokenizer {
        let file: GGUFFile
        do {
            file = try GGUFFile(contentsOf: URL(fileURLWithPath: path))
        } catch {
            // A GGUFError's line starts with the path already.
            let line = error.description
            let reason = line.hasPrefix(path + ": ") ? String(line.dropFirst(path.count + 2)) : line
            throw .unreadable(file: path, reason: reason)
        }
        return try BPETokenizer(gguf: file)
    }

    /// The tokenizer of an opened GGUF file; errors name `gguf.path` and the field.
    public init(gguf: GGUFFile) throws(TokenizerError) {
        let fields = GGUFTokenizerFields(gguf)
        let modelType = try fields.string("model")
        guard modelType == "gpt2" else {
            throw .unknownModelType(file: gguf.path, field: "tokenizer.ggml.model", type: modelType)
        }
        let tokens = try fields.strings("tokens")
        var merges: [BPEMerge] = []
        let rawMerges = try fields.strings("merges")
        merges.reserveCapacity(rawMerges.count)
        for (rank, text) in rawMerges.enumerated() {
            // A byte-level token never holds a space (space is spelled `Ġ`): exactly one separates.
            let parts = text.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw .malformedMerge(file: gguf.path, field: "tokenizer.ggml.merges[\(rank)]", merge: text)
            }
            merges.append(BPEMerge(String(parts[0]), String(parts[1])))
        }
        var addedTokens: [AddedToken] = []
        if let types = try fields.optionalInts("token_type") {
            guard types.count == tokens.count else {
                throw .wrongType(
                    file: gguf.path, field: "tokenizer.ggml.token_type",
                    expected: "one type per token (\(tokens.count)), found \(types.count)")
            }
            for (id, type) in types.enumerated() where type == 3 || type == 4 {
                addedTokens.append(
                    AddedToken(id: Int32(id), content: tokens[id], special: type == 3, normalized: false))
            }
        }
        let pre = try fields.optionalString("pre")
        let preTokenizer = try PreTokenizer.gguf(pre: pre, file: gguf.path)
        let roles = SpecialTokenIDs(
            bos: try fields.tokenID("bos_token_id", count: tokens.count),
            eos: try fields.tokenID("eos_token_id", count: tokens.count),
            pad: try fields.tokenID("padding_token_id", count: tokens.count))
        let template = SpecialTokenTemplate.bosEOS(
            addBOS: try fields.optionalBool("add_bos_token") ?? false, bos: roles.bos,
            addEOS: try fields.optionalBool("add_eos_token") ?? false, eos: roles.eos)
        // llama.cpp sets `ignore_merges` for the llama3 family of `pre` values only.
        let options = BPEModelOptions(ignoreMerges: preTokenizer == .llama3)
        try self.init(
            tokens: tokens, merges: merges, addedTokens: addedTokens, preTokenizer: preTokenizer, template: template,
            specialTokens: roles, options: options, origin: .gguf(gguf.path))
    }
}

/// Typed reads of `tokenizer.ggml.<name>` that throw `TokenizerError`s naming the file and key.
private struct GGUFTokenizerFields {
    let file: GGUFFile

    init(_ file: GGUFFile) { self.file = file }

    func key(_ name: String) -> String { "tokenizer.ggml." + name }

    func required(_ name: String) throws(TokenizerError) -> GGUFValue {
        guard let value = file.value(key(name)) else { throw .missingField(file: file.path, field: key(name)) }
        return value
    }

    func wrong(_ name: String, _ expected: String, _ value: GGUFValue) -> TokenizerError {
        .wrongType(file: file.path, field: key(name), expected: "\(expected), found \(value.typeDescription)")
    }

    func string(_ name: String) throws(TokenizerError) -> String {
        let value = try required(name)
        guard let text = value.stringValue else { throw wrong(name, "STRING", value) }
        return text
    }

    func optionalString(_ name: String) throws(TokenizerError) -> String? {
        file.value(key(name)) == nil ? nil : try string(name)
    }

    func strings(_ name: String) throws(TokenizerError) -> [String] {
        let value = try required(name)
        guard case .array(.string, let elements) = value else { throw wrong(name, "ARRAY[STRING]", value) }
        return elements.map { $0.stringValue ?? "" }
    }

    func optionalInts(_ name: String) throws(TokenizerError) -> [Int]? {
        guard let value = file.value(key(name)) else { return nil }
        guard case .array(let type, let elements) = value, type.isInteger else {
            throw wrong(name, "an ARRAY of integers", value)
        }
        return elements.map { $0.intValue ?? -1 }
    }

    func optionalBool(_ name: String) throws(TokenizerError) -> Bool? {
        guard let value = file.value(key(name)) else { return nil }
        guard let flag = value.boolValue else { throw wrong(name, "BOOL", value) }
        return flag
    }

    /// An id in `0..<count`, or nil when the key is absent.
    func tokenID(_ name: String, count: Int) throws(TokenizerError) -> Int32? {
        guard let value = file.value(key(name)) else { return nil }
        guard value.type.isInteger else { throw wrong(name, "an integer", value) }
        guard let id = value.intValue, (0..<count).contains(id) else {
            throw .badID(
                file: file.path, field: key(name), id: value.intValue ?? Int.max, reason: "outside 0..<\(count)")
        }
        return Int32(id)
    }
}

extension BPETokenizer {
    /// `<general.architecture>.context_length` of a GGUF file (the `model_max_length` a
    /// `tokenizer_config.json` gives), or nil when either key is absent or `path` is not a GGUF file.
    public static func contextLength(gguf path: String) -> Int? {
        guard let file = try? GGUFFile(contentsOf: URL(fileURLWithPath: path)),
            let architecture = try? file.string("general.architecture")
        else { return nil }
        return try? file.int(architecture + ".context_length")
    }
}
