import Foundation

/// `tokenizer.json` and `tokenizer_config.json` for Rewarm's byte vocabulary, so that
/// `AutoTokenizer.from_pretrained(DIR)` (a `tokenizers` fast tokenizer) maps byte b to id b.
///
/// A BPE model with no merges whose vocabulary is the 256 characters of GPT-2's ByteLevel
/// alphabet (`bytes_to_unicode`, Radford et al. 2019), id = byte value; the ByteLevel
/// pre-tokenizer turns each UTF-8 byte into its character and the ByteLevel decoder turns them
/// back, so encode(text) is the UTF-8 bytes of text and decode is its inverse. No special tokens.
enum ByteLevelTokenizerFiles {
    /// GPT-2's `bytes_to_unicode`: printable Latin-1 bytes map to themselves, the other 68 to
    /// U+0100 upwards, in byte order.
    static func byteCharacters() -> [Character] {
        let printable = Set(Array(33...126) + Array(161...172) + Array(174...255))
        var next = 256
        return (0..<256).map { b in
            if printable.contains(b) { return Character(Unicode.Scalar(UInt8(b))) }
            defer { next += 1 }
            return Character(Unicode.Scalar(UInt32(next))!)
        }
    }

    static func tokenizerJSON() -> [String: Any] {
        let characters = byteCharacters()
        var vocab: [String: Int] = [:]
        for (b, ch) in characters.enumerated() { vocab[String(ch)] = b }
        let byteLevel: [String: Any] = [
            "type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false,
        ]
        return [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": [Any](),
            "normalizer": NSNull(), "pre_tokenizer": byteLevel, "post_processor": NSNull(), "decoder": byteLevel,
            "model": [
                "type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": NSNull(),
                "end_of_word_suffix": NSNull(), "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                "vocab": vocab, "merges": [Any](),
            ] as [String: Any],
        ]
    }

    static func tokenizerConfigJSON(maxLength: Int) -> [String: Any] {
        ["tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": maxLength,
         "clean_up_tokenization_spaces": false]
    }
}
