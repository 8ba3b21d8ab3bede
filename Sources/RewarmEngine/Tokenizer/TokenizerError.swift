/// What can go wrong while loading or building a byte-level BPE tokenizer.
///
/// Every `description` is one line that names the file (or `<memory>` for values built in code)
/// and the field at fault, with JSON paths as `tokenizers` writes them (`model.merges[12]`,
/// `pre_tokenizer.pretokenizers[0].type`) or GGUF keys (`tokenizer.ggml.merges[12]`).
public enum TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file does not exist or cannot be read.
    case unreadable(file: String, reason: String)
    /// A file or folder that cannot be written (`writeHuggingFace`).
    case unwritable(file: String, reason: String)
    /// The file is not JSON, or its top level is not an object.
    case malformedJSON(file: String, reason: String)
    /// A required field is absent.
    case missingField(file: String, field: String)
    /// A field holds a value of the wrong JSON type (`expected` says which).
    case wrongType(file: String, field: String, expected: String)
    /// `model.type` (or `tokenizer.ggml.model`) names a model other than byte-level BPE.
    case unknownModelType(file: String, field: String, type: String)
    /// A component or option Rewarm does not implement (a normalizer, a pre-tokenizer, a split
    /// regex, a decoder, a post-processor, byte fallback, dropout...); `supported` lists what is.
    case unsupported(file: String, field: String, value: String, supported: String)
    /// A merge that is not two tokens, e.g. a `"a b c"` string.
    case malformedMerge(file: String, field: String, merge: String)
    /// A merge whose part, or whose result, is not in the vocabulary.
    case mergeTokenNotInVocabulary(file: String, field: String, token: String)
    /// Two vocabulary entries with the same id.
    case duplicateID(file: String, field: String, id: Int, tokens: [String])
    /// Two ids with the same token text.
    case duplicateToken(file: String, field: String, token: String, ids: [Int])
    /// A token id outside `0..<vocabularySize` (or negative, or above Int32), or an id that no
    /// token holds between others (ids must be `0..<n` without holes).
    case badID(file: String, field: String, id: Int, reason: String)
    /// A token named by text (unk, bos, eos, pad, a template's special token) that is neither in
    /// the vocabulary nor an added token.
    case unknownToken(file: String, field: String, token: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            "\(file): cannot be read: \(reason)"
        case let .unwritable(file, reason):
            "\(file): cannot be written: \(reason)"
        case let .malformedJSON(file, reason):
            "\(file): not a tokenizer JSON file: \(reason)"
        case let .missingField(file, field):
            "\(file): \(field): missing"
        case let .wrongType(file, field, expected):
            "\(file): \(field): expected \(expected)"
        case let .unknownModelType(file, field, type):
            "\(file): \(field) = \(type): not a byte-level BPE model (expected BPE)"
        case let .unsupported(file, field, value, supported):
            "\(file): \(field) = \(value): not supported (supported: \(supported))"
        case let .malformedMerge(file, field, merge):
            "\(file): \(field) = \(JSONLiteral.string(merge)): a merge is two tokens"
        case let .mergeTokenNotInVocabulary(file, field, token):
            "\(file): \(field): token \(JSONLiteral.string(token)) is not in the vocabulary"
        case let .duplicateID(file, field, id, tokens):
            "\(file): \(field): id \(id) is held by \(tokens.map(JSONLiteral.string).joined(separator: " and "))"
        case let .duplicateToken(file, field, token, ids):
            "\(file): \(field): token \(JSONLiteral.string(token)) has ids "
                + ids.map(String.init).joined(separator: " and ")
        case let .badID(file, field, id, reason):
            "\(file): \(field): id \(id): \(reason)"
        case let .unknownToken(file, field, token):
            "\(file): \(field): token \(JSONLiteral.string(token)) is not in the vocabulary"
        }
    }
}

/// Where a tokenizer's values came from, so errors can name the file and the field.
///
/// `tokens`, `merges` and `addedTokens` are the field names used in error messages for the
/// three arrays `BPETokenizer.init` receives.
public struct TokenizerOrigin: Equatable, Sendable {
    public var file: String
    public var tokens: String
    public var merges: String
    public var addedTokens: String

    public init(file: String, tokens: String, merges: String, addedTokens: String) {
        self.file = file
        self.tokens = tokens
        self.merges = merges
        self.addedTokens = addedTokens
    }

    /// A Hugging Face `tokenizer.json`.
    public static func tokenizerJSON(_ path: String) -> TokenizerOrigin {
        TokenizerOrigin(file: path, tokens: "model.vocab", merges: "model.merges", addedTokens: "added_tokens")
    }

    /// A GGUF file's `tokenizer.ggml.*` metadata.
    public static func gguf(_ path: String) -> TokenizerOrigin {
        TokenizerOrigin(
            file: path, tokens: "tokenizer.ggml.tokens", merges: "tokenizer.ggml.merges",
            addedTokens: "tokenizer.ggml.token_type")
    }

    /// Values built in code (tests).
    public static let memory = TokenizerOrigin(
        file: "<memory>", tokens: "tokens", merges: "merges", addedTokens: "added_tokens")
}
