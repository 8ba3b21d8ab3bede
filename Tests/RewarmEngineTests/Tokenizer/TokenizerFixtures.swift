import Foundation
@testable import RewarmEngine

/// Small tokenizers built in code for the tokenizer tests.
enum TokenizerFixtures {
    /// The 256 byte spellings, id = byte value.
    static let byteTokens: [String] = (0..<256).map { ByteLevelAlphabet.spelling([UInt8($0)]) }

    /// A byte-level vocabulary (id = byte value) plus the result of each merge, in merge order
    /// from id 256 on, with `merges` given as plain text pairs ("he", "ll"); spaces are written
    /// as "Ġ" as in real vocabularies.
    static func tokenizer(
        merges: [(String, String)] = [], addedTokens: [AddedToken] = [], preTokenizer: PreTokenizer = .gpt2,
        template: SpecialTokenTemplate = .none, specialTokens: SpecialTokenIDs = SpecialTokenIDs(),
        options: BPEModelOptions = BPEModelOptions()
    ) throws -> BPETokenizer {
        var tokens = byteTokens
        for (left, right) in merges where !tokens.contains(left + right) { tokens.append(left + right) }
        for token in addedTokens where Int(token.id) >= tokens.count { tokens.append(token.content) }
        return try BPETokenizer(
            tokens: tokens, merges: merges.map { BPEMerge($0.0, $0.1) }, addedTokens: addedTokens,
            preTokenizer: preTokenizer, template: template, specialTokens: specialTokens, options: options)
    }

    /// A complete small `tokenizer.json` as a JSON object: byte vocabulary, merges "h e", "l l",
    /// "he ll", two added tokens (`<|endoftext|>` 259 special, `<think>` 260 not special), the
    /// GPT-2 pre-tokenizer, a `<|endoftext|> $A` template. `edit` changes it before it is encoded.
    static func tokenizerJSON(_ edit: (inout [String: Any]) -> Void = { _ in }) -> Data {
        var vocab: [String: Any] = [:]
        for (id, token) in byteTokens.enumerated() { vocab[token] = id }
        vocab["he"] = 256
        vocab["ll"] = 257
        vocab["hell"] = 258
        var root: [String: Any] = [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(),
            "added_tokens": [
                ["id": 259, "content": "<|endoftext|>", "single_word": false, "lstrip": false, "rstrip": false,
                 "normalized": false, "special": true],
                ["id": 260, "content": "<think>", "single_word": false, "lstrip": false, "rstrip": false,
                 "normalized": false, "special": false],
            ],
            "normalizer": NSNull(),
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
            "post_processor": [
                "type": "TemplateProcessing",
                "single": [["SpecialToken": ["id": "<|endoftext|>", "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]]],
                "pair": [["Sequence": ["id": "A", "type_id": 0]], ["Sequence": ["id": "B", "type_id": 1]]],
                "special_tokens": ["<|endoftext|>": ["id": "<|endoftext|>", "ids": [259], "tokens": ["<|endoftext|>"]]],
            ] as [String: Any],
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": [
                "type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": "",
                "end_of_word_suffix": "", "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                "vocab": vocab, "merges": ["h e", ["l", "l"], "he ll"],
            ] as [String: Any],
        ]
        edit(&root)
        return try! JSONSerialization.data(withJSONObject: root)
    }

    /// `root[path]` set to `value` (nil removes it), for editing nested JSON objects.
    static func set(_ root: inout [String: Any], _ path: [String], _ value: Any?) {
        guard let key = path.first else { return }
        if path.count == 1 {
            root[key] = value
            return
        }
        var child = root[key] as? [String: Any] ?? [:]
        set(&child, Array(path.dropFirst()), value)
        root[key] = child
    }

    /// The UTF-8 bytes of each string (exact comparison: `String ==` is canonical equivalence).
    static func bytes(_ strings: [String]) -> [[UInt8]] { strings.map { Array($0.utf8) } }
}
