/// Extending a byte-level BPE tokenizer with the tokens of a new corpus, as Chinese-LLaMA did
/// for LLaMA (Cui et al. 2023, arXiv 2304.08177, sec. 2.2: train a tokenizer on Chinese text and
/// merge it into the base's), done here as BPE training (Sennrich et al. 2016) that starts from
/// the base's own tokenization instead of from bytes:
/// 1. the corpus is cut into words by the base's pre-tokenizer and each distinct word is merged
///    with the base's merges (what the base would encode it as);
/// 2. the most frequent adjacent pair of symbols, over all words weighted by their counts, is
///    merged into a new token, unless its spelling is already a token of the base (a merge the
///    base lacks must not reach a token it has by another path); ties go to the pair whose
///    spellings sort first; repeated until `newTokens` tokens are made or no pair occurs twice;
/// 3. the new tokens get the ids after the base's and their merges rank after the base's.
/// Because every new merge ranks after every base merge and no base merge involves a new token,
/// a word is first merged exactly as the base merges it; new merges only join what the base left
/// apart. Text whose words never hold a new pair keeps the base's ids.
public enum BPEVocabularyExtension {
    /// What training added.
    public struct Result: Sendable {
        /// The extended tokenizer: the base's ids, then the new tokens.
        public var tokenizer: BPETokenizer
        /// The new merges, in rank order (after the base's).
        public var merges: [BPEMerge]
        /// Distinct pre-tokenized words of the corpus, and their total count.
        public var distinctWords: Int
        public var words: Int
    }

    /// Trains up to `newTokens` new tokens on `documents` (UTF-8 texts) over `base`.
    public static func train(
        base: BPETokenizer, documents: [ArraySlice<UInt8>], newTokens: Int
    ) throws(TokenizerError) -> Result {
        let (baseWords, counts) = distinctWords(base: base, documents: documents)
        var words = baseWords
        var texts = (0..<base.vocabularySize).map { base.texts[$0] }
        var known = Set(texts)
        var pairs = PairCounts()
        for w in words.indices { pairs.add(words[w], weight: counts[w], word: w) }
        var merges: [BPEMerge] = []
        while merges.count < newTokens {
            guard let (pair, count) = pairs.best(spelling: { texts[Int($0)] }), count >= 2 else { break }
            let (left, right) = PairCounts.split(pair)
            let spelling = texts[Int(left)] + texts[Int(right)]
            if known.contains(spelling) {
                pairs.forbid(pair)
                continue
            }
            let id = Int32(texts.count)
            texts.append(spelling)
            known.insert(spelling)
            merges.append(BPEMerge(texts[Int(left)], texts[Int(right)]))
            for w in pairs.words(containing: pair) {
                pairs.remove(words[w], weight: counts[w], word: w)
                words[w] = merged(words[w], left: left, right: right, into: id)
                pairs.add(words[w], weight: counts[w], word: w)
            }
        }
        let tokenizer = try BPETokenizer(
            tokens: texts, merges: base.mergeList + merges, addedTokens: base.addedTokens,
            preTokenizer: base.preTokenizer, template: base.template, specialTokens: base.specialTokens,
            options: base.options, origin: .memory)
        return Result(tokenizer: tokenizer, merges: merges, distinctWords: words.count,
                      words: counts.reduce(0, +))
    }

    /// The distinct words of `documents` as the base merges them (symbol ids), with their counts;
    /// added tokens in the text are left out (they are never merged).
    static func distinctWords(
        base: BPETokenizer, documents: [ArraySlice<UInt8>]
    ) -> (words: [[Int32]], counts: [Int]) {
        var encoder = BPEEncoder(base)
        var index: [[UInt8]: Int] = [:]
        var counts: [Int] = []
        var spellings: [[UInt8]] = []
        let added = Set(base.addedTokens.map { Array($0.content.utf8) })
        for document in documents {
            guard let text = String(validating: document, as: UTF8.self) else { continue }
            for word in encoder.preTokenize(text) where !added.contains(word) {
                if let i = index[word] {
                    counts[i] += 1
                } else {
                    index[word] = counts.count
                    counts.append(1)
                    spellings.append(word)
                }
            }
        }
        var symbols: [Int32] = []
        let words = spellings.map { word -> [Int32] in
            var out: [Int32] = []
            word.withUnsafeBufferPointer { base.mergeWord($0, into: &out, symbols: &symbols) }
            return out
        }
        return (words, counts)
    }

    /// `word` with every non-overlapping occurrence of (left, right), left to right, made `id`.
    static func merged(_ word: [Int32], left: Int32, right: Int32, into id: Int32) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(word.count)
        var i = 0
        while i < word.count {
            if i + 1 < word.count && word[i] == left && word[i + 1] == right {
                out.append(id)
                i += 2
            } else {
                out.append(word[i])
                i += 1
            }
        }
        return out
    }
}

/// Weighted counts of adjacent symbol pairs over a set of words, with the words each pair
/// occurs in, kept up to date as words change (BPE training's bookkeeping).
struct PairCounts {
    private var counts: [UInt64: Int] = [:]
    private var occurrences: [UInt64: Set<Int>] = [:]
    private var forbidden: Set<UInt64> = []

    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    static func split(_ key: UInt64) -> (Int32, Int32) {
        (Int32(bitPattern: UInt32(key >> 32)), Int32(bitPattern: UInt32(truncatingIfNeeded: key)))
    }

    mutating func add(_ word: [Int32], weight: Int, word w: Int) {
        for i in word.indices.dropLast() {
            let k = Self.key(word[i], word[i + 1])
            counts[k, default: 0] += weight
            occurrences[k, default: []].insert(w)
        }
    }

    mutating func remove(_ word: [Int32], weight: Int, word w: Int) {
        for i in word.indices.dropLast() {
            let k = Self.key(word[i], word[i + 1])
            counts[k, default: 0] -= weight
            if counts[k] == 0 { counts[k] = nil }
            occurrences[k]?.remove(w)
            if occurrences[k]?.isEmpty == true { occurrences[k] = nil }
        }
    }

    /// Never offer `pair` again.
    mutating func forbid(_ pair: UInt64) { forbidden.insert(pair) }

    /// The words `pair` occurs in, in index order.
    func words(containing pair: UInt64) -> [Int] { (occurrences[pair] ?? []).sorted() }

    /// The most frequent pair not forbidden; ties go to the pair whose (left, right) spellings
    /// sort first, so training is deterministic.
    func best(spelling: (Int32) -> String) -> (UInt64, Int)? {
        var best: (key: UInt64, count: Int)?
        for (k, c) in counts where !forbidden.contains(k) {
            guard let b = best else {
                best = (k, c)
                continue
            }
            if c > b.count || (c == b.count && Self.precedes(k, b.key, spelling: spelling)) { best = (k, c) }
        }
        return best.map { ($0.key, $0.count) }
    }

    private static func precedes(_ a: UInt64, _ b: UInt64, spelling: (Int32) -> String) -> Bool {
        let (al, ar) = split(a), (bl, br) = split(b)
        let (sal, sbl) = (spelling(al), spelling(bl))
        return sal != sbl ? sal < sbl : spelling(ar) < spelling(br)
    }
}
