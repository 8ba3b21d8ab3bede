/// (V) how many bytes of text each token id stands for: the denominator of bits per byte,
/// bpb = (sum of token losses in nats) / (bytes of text) / ln 2 (docs/findings.md, "Vocabulary").
///
/// A token counts the UTF-8 bytes `TextTokenizer.decodeUTF8` gives for it, except the
/// document-end token (a BPE's EOS, which `encodeDocument` appends to every document), which
/// counts as `Corpus.documentSeparator.count` = 2 bytes: the "\n\n" the byte tokenizer writes in
/// its place. So one document is worth the same bytes under every tokenizer (its text plus 2),
/// and bits per byte compares a BPE run with a byte run on equal terms; decoding EOS as its text
/// `<|endoftext|>` (13 bytes) would instead credit the BPE with text nobody wrote.
/// For `.bytes` every id counts 1, so bpb = loss / ln 2.
public struct TokenByteLengths: Sendable {
    /// (V) bytes per id; nil for the byte tokenizer (every id is 1 byte).
    let lengths: [Int32]?

    public init(_ tokenizer: TextTokenizer) {
        switch tokenizer {
        case .bytes:
            lengths = nil
        case .bpe(let bpe):
            var lengths = (0..<bpe.vocabularySize).map { Int32(bpe.decodeUTF8([Int32($0)]).count) }
            if let eos = bpe.specialTokens.eos { lengths[Int(eos)] = Int32(Corpus.documentSeparator.count) }
            self.lengths = lengths
        }
    }

    /// The bytes of text `id` stands for (0 for an id outside the vocabulary).
    public func bytes(of id: Int32) -> Int {
        guard let lengths else { return 1 }
        return id >= 0 && Int(id) < lengths.count ? Int(lengths[Int(id)]) : 0
    }

    /// The bytes of text the ids [offset, offset + count) of `stream` stand for.
    public func bytes(of stream: TokenStream, from offset: Int, count: Int) -> Int {
        guard lengths != nil else { return count }
        var total = 0
        for i in offset..<(offset + count) { total += bytes(of: stream[i]) }
        return total
    }
}
