/// Encodes text with a `BPETokenizer`, keeping a cache of the words it has seen and its scratch
/// buffers between calls: make one per corpus (or per thread) and encode every document with it.
///
/// The steps of one `encode`, as `tokenizers`' `TokenizerImpl::encode` runs them:
/// 1. added tokens are matched in the raw text (`AddedTokenMatcher`);
/// 2. each text piece between them is cut by the pre-tokenizer steps (`PreTokenizerScanner`);
/// 3. each word is looked up in the cache, or merged (`BPETokenizer.mergeWord`) and cached;
/// 4. with `addSpecialTokens`, the template's ids go around the result.
public struct BPEEncoder {
    public let tokenizer: BPETokenizer
    private var cache = BPEWordCache()
    private var scalars = ScalarText()
    private var prefixed = ScalarText()
    private var cuts: [Int32] = []
    private var refined: [Int32] = []
    private var symbols: [Int32] = []
    /// While `preTokenize` runs: the words, instead of encoding them.
    private var wordLog: [[UInt8]]?

    public init(_ tokenizer: BPETokenizer) {
        self.tokenizer = tokenizer
    }

    /// Number of distinct words in the cache.
    public var cachedWordCount: Int { cache.count }

    public mutating func encode(_ text: String, addSpecialTokens: Bool = true) -> [Int32] {
        var text = text
        var out: [Int32] = []
        text.withUTF8 { encode(utf8: $0, addSpecialTokens: addSpecialTokens, into: &out) }
        return out
    }

    /// The ids of UTF-8 text (meant to be valid UTF-8, as `Corpus` documents are).
    public mutating func encode(utf8 bytes: [UInt8], addSpecialTokens: Bool = true) -> [Int32] {
        var out: [Int32] = []
        bytes.withUnsafeBufferPointer { encode(utf8: $0, addSpecialTokens: addSpecialTokens, into: &out) }
        return out
    }

    /// The pieces `encode` would see, in order: each word the pre-tokenizer cuts (as its UTF-8
    /// bytes, before the byte-level spelling; with `add_prefix_space` the added space included)
    /// and each added token's content. Bytes, not `String`s, so tests compare them exactly.
    public mutating func preTokenize(_ text: String) -> [[UInt8]] {
        wordLog = []
        _ = encode(text, addSpecialTokens: false)
        let words = wordLog ?? []
        wordLog = nil
        return words
    }

    /// One training document: its ids without the template, then `separator` (by default the
    /// tokenizer's EOS; none if it has none), as LLaMA-Factory prepares pre-training text
    /// (`SpecialTokenTemplate` explains the choice). LLaMA-Factory's `llama3` template uses
    /// `<|end_of_text|>` rather than Llama 3 Instruct's EOS `<|eot_id|>`: pass it as `separator`
    /// to do the same.
    public mutating func encodeDocument(_ bytes: [UInt8], separator: Int32? = nil) -> [Int32] {
        var out = encode(utf8: bytes, addSpecialTokens: false)
        if let end = separator ?? tokenizer.specialTokens.eos { out.append(end) }
        return out
    }

    /// Appends the ids of `bytes` to `out`.
    public mutating func encode(
        utf8 bytes: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, into out: inout [Int32]
    ) {
        if addSpecialTokens { out += tokenizer.template.prefix }
        var pieces: [AddedTokenSegment] = []
        AddedTokenMatcher.split(
            bytes, 0..<bytes.count, raw: tokenizer.rawAddedTokens, normalized: tokenizer.normalizedAddedTokens
        ) { pieces.append($0) }
        for piece in pieces {
            switch piece {
            case let .token(id):
                if wordLog != nil { wordLog!.append(Array(tokenizer.texts[Int(id)].utf8)) } else { out.append(id) }
            case let .text(range): encodeText(bytes, range, into: &out)
            }
        }
        if addSpecialTokens { out += tokenizer.template.suffix }
    }

    /// Pre-tokenizes `bytes[range]` (no added tokens in it) and appends its words' ids.
    private mutating func encodeText(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout [Int32]
    ) {
        guard !range.isEmpty else { return }
        scalars.load(bytes, range)
        var cuts = self.cuts
        cuts.removeAll(keepingCapacity: true)
        cuts.append(Int32(scalars.count))
        let text = scalars
        for step in tokenizer.preTokenizer.steps {
            switch step {
            case let .digits(individual):
                refine(&cuts, text, bytes) { s, lo, hi, into in s.digits(lo, hi, individual: individual, into: &into) }
            case let .split(regex):
                refine(&cuts, text, bytes) { s, lo, hi, into in s.split(regex, lo, hi, into: &into) }
            case let .byteLevel(addPrefixSpace, useRegex):
                if addPrefixSpace {
                    encodeWithPrefixSpace(bytes, text, cuts, useRegex: useRegex, into: &out)
                } else {
                    if useRegex {
                        refine(&cuts, text, bytes) { s, lo, hi, into in s.gpt2(lo, hi, into: &into) }
                    }
                    var start = 0
                    for end in cuts {
                        appendWord(bytes, Int(text.offsets[start])..<Int(text.offsets[Int(end)]), to: &out)
                        start = Int(end)
                    }
                }
            }
        }
        self.cuts = cuts
    }

    /// Cuts every piece of `cuts` (end indices, the first piece starting at 0) with `scan`.
    private mutating func refine(
        _ cuts: inout [Int32], _ text: ScalarText, _ bytes: UnsafeBufferPointer<UInt8>,
        _ scan: (PreTokenizerScanner, Int, Int, inout [Int32]) -> Void
    ) {
        var refined = self.refined
        refined.removeAll(keepingCapacity: true)
        text.classes.withUnsafeBufferPointer { classes in
            text.offsets.withUnsafeBufferPointer { offsets in
                let scanner = PreTokenizerScanner(classes: classes, offsets: offsets, bytes: bytes)
                var start = 0
                for end in cuts {
                    scan(scanner, start, Int(end), &refined)
                    start = Int(end)
                }
            }
        }
        self.refined = cuts
        cuts = refined
    }

    /// `ByteLevel(add_prefix_space: true)`: a piece that does not start with a space is encoded
    /// as " " + piece, in a copy.
    private mutating func encodeWithPrefixSpace(
        _ bytes: UnsafeBufferPointer<UInt8>, _ text: ScalarText, _ cuts: [Int32], useRegex: Bool,
        into out: inout [Int32]
    ) {
        var start = 0
        for end in cuts {
            let lo = Int(text.offsets[start])
            let hi = Int(text.offsets[Int(end)])
            start = Int(end)
            var piece: [UInt8] = bytes[lo] == 0x20 ? [] : [0x20]
            piece += bytes[lo..<hi]
            piece.withUnsafeBufferPointer { p in
                prefixed.load(p, 0..<p.count)
                var words: [Int32] = [Int32(prefixed.count)]
                let copy = prefixed
                if useRegex { refine(&words, copy, p) { s, lo, hi, into in s.gpt2(lo, hi, into: &into) } }
                var wordStart = 0
                for wordEnd in words {
                    appendWord(p, Int(copy.offsets[wordStart])..<Int(copy.offsets[Int(wordEnd)]), to: &out)
                    wordStart = Int(wordEnd)
                }
            }
        }
    }

    /// Appends the ids of one word, from the cache or by merging.
    private mutating func appendWord(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to out: inout [Int32]) {
        let word = UnsafeBufferPointer(rebasing: bytes[range])
        if wordLog != nil {
            wordLog!.append(Array(word))
            return
        }
        let hash = BPEWordCache.hash(word)
        if cache.append(word, hash: hash, to: &out) { return }
        let start = out.count
        tokenizer.mergeWord(word, into: &out, symbols: &symbols)
        cache.insert(word, hash: hash, tokens: out[start...])
    }
}

extension PreTokenizerScanner {
    /// The scanner of a `Split` regex.
    func split(_ regex: PreTokenizer.SplitRegex, _ lo: Int, _ hi: Int, into cuts: inout [Int32]) {
        switch regex {
        case .gpt2: gpt2(lo, hi, into: &cuts)
        case .llama3: llama3(lo, hi, maxDigits: 3, into: &cuts)
        case .qwen2: llama3(lo, hi, maxDigits: 1, into: &cuts)
        }
    }
}
