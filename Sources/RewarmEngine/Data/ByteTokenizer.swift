/// The byte-level tokenizer: a token is one byte of UTF-8 text, the vocabulary is 256.
///
/// No merges and no special tokens: documents end with the separator "\n\n"
/// (`Corpus.documentSeparator`), so any byte sequence decodes and any text encodes.
public enum ByteTokenizer {
    public static let vocabularySize = 256

    /// (n) the UTF-8 bytes of `text` as token ids in 0..<256.
    public static func encode(_ text: String) -> [Int32] {
        text.utf8.map { Int32($0) }
    }

    /// The text of `tokens` (ids in 0..<256); ill-formed UTF-8, as a model's sample can be, is
    /// shown with U+FFFD replacement characters.
    public static func decode(_ tokens: [Int32]) -> String {
        String(decoding: tokens.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
    }
}
