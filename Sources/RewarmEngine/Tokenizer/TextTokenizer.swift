import Foundation

/// The tokenizer a run encodes its corpora with and `rewarm generate` encodes prompts and decodes
/// samples with: Rewarm's byte tokenizer (its own models, V = 256), or a real model's byte-level
/// BPE (from its `tokenizer.json` or its GGUF metadata).
public enum TextTokenizer: Sendable {
    /// One token per UTF-8 byte (`ByteTokenizer`); documents end with "\n\n".
    case bytes
    /// A byte-level BPE; documents end with its EOS (`BPEEncoder.encodeDocument`).
    case bpe(BPETokenizer)

    /// Number of ids the tokenizer can produce.
    public var vocabularySize: Int {
        switch self {
        case .bytes: ByteTokenizer.vocabularySize
        case .bpe(let t): t.vocabularySize
        }
    }

    /// What identifies the tokenizer in caches and results: "bytes", or "bpe-" and the BPE's
    /// fingerprint (`BPETokenizer.fingerprint`).
    public var identity: String {
        switch self {
        case .bytes: "bytes"
        case .bpe(let t): "bpe-" + t.fingerprint
        }
    }

    /// The ids of a prompt: its bytes, or the BPE's ids with its template's special tokens (as
    /// `tokenizer(text)` gives them in `transformers`).
    public func encodePrompt(_ text: String) -> [Int32] {
        switch self {
        case .bytes: ByteTokenizer.encode(text)
        case .bpe(let t): t.encode(text, addSpecialTokens: true)
        }
    }

    /// The UTF-8 bytes `ids` stand for (special tokens included as their text).
    public func decodeUTF8(_ ids: [Int32]) -> [UInt8] {
        switch self {
        case .bytes: ids.map { UInt8(truncatingIfNeeded: $0) }
        case .bpe(let t): t.decodeUTF8(ids)
        }
    }

    /// The text of `ids`; ill-formed UTF-8 shows as U+FFFD.
    public func decode(_ ids: [Int32]) -> String {
        String(decoding: decodeUTF8(ids), as: UTF8.self)
    }
}

extension TextTokenizer {
    /// The byte-level BPE of a model: a GGUF file's metadata (`BPETokenizer(gguf:)`), a
    /// `tokenizer.json`, or a Hugging Face folder holding one (with its `tokenizer_config.json`).
    public static func load(model path: String) throws(TokenizerError) -> TextTokenizer {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .unreadable(file: path, reason: "no such file or folder")
        }
        if isFolder.boolValue { return .bpe(try BPETokenizer.load(tokenizerJSON: path + "/tokenizer.json")) }
        if path.hasSuffix(".json") { return .bpe(try BPETokenizer.load(tokenizerJSON: path)) }
        return .bpe(try BPETokenizer.load(gguf: path))
    }
}
