import Testing
@testable import RewarmEngine

@Suite("Tokenizer: BPE merges")
struct BPEMergeTests {
    @Test("GPT-2's byte alphabet spells printable bytes as themselves and the rest from U+0100 on")
    func byteAlphabet() {
        #expect(ByteLevelAlphabet.spelling(Array(" hello\n".utf8)) == "Ġhello\u{010A}")
        #expect(ByteLevelAlphabet.spelling([0x00, 0x7F, 0xA0, 0xAD, 0x21, 0xFF]) == "\u{100}\u{121}\u{142}\u{143}!ÿ")
        let all = (0..<256).map { ByteLevelAlphabet.spelling([UInt8($0)]) }
        #expect(Set(all).count == 256)
        for b in 0..<256 { #expect(ByteLevelAlphabet.bytes(ofSpelling: all[b]) == [UInt8(b)]) }
        #expect(ByteLevelAlphabet.bytes(ofSpelling: "a b") == nil, "a space is not in the alphabet")
    }

    @Test("A hand-made vocabulary merges by rank: hello world is hello, Ġwor, l, d")
    func handMade() throws {
        // ids: bytes 0-255, then he 256, ll 257, hell 258, hello 259, Ġw 260, or 261, Ġwor 262.
        let t = try TokenizerFixtures.tokenizer(merges: [
            ("h", "e"), ("l", "l"), ("he", "ll"), ("hell", "o"), ("Ġ", "w"), ("o", "r"), ("Ġw", "or"),
        ])
        #expect(t.encode("hello world") == [259, 262, 108, 100])
        // Two spaces: the GPT-2 regex keeps one alone and gives the other to the word.
        #expect(t.encode("hello  world") == [259, 32, 262, 108, 100])
        #expect(t.encode("help") == [256, 108, 112], "no merge he+l: h e l p -> he l p")
        #expect(t.decode([259, 32, 262, 108, 100]) == "hello  world")
    }

    @Test("The lower-ranked merge wins even when it comes later in the word")
    func rankOrder() throws {
        // bc 256 (rank 0), ab 257 (rank 1): "abc" is a + bc, "abd" is ab + d.
        let t = try TokenizerFixtures.tokenizer(merges: [("b", "c"), ("a", "b")])
        #expect(t.encode("abc") == [97, 256])
        #expect(t.encode("abd") == [257, 100])
    }

    @Test("Equal pairs merge leftmost first, and merged tokens merge again")
    func leftmostFirst() throws {
        // aa 256, aaaa 257.
        let t = try TokenizerFixtures.tokenizer(merges: [("a", "a"), ("aa", "aa")])
        #expect(t.encode("aaa") == [256, 97])
        #expect(t.encode("aaaa") == [257])
        #expect(t.encode("aaaaa") == [257, 97])
    }

    @Test("ignore_merges takes a whole word that is a token, whatever the merges make of it")
    func ignoreMerges() throws {
        // bc 256 (rank 0), ab 257 (rank 1), abc 258 (no merge makes it: bc takes the b first).
        var tokens = TokenizerFixtures.byteTokens
        tokens += ["bc", "ab", "abc"]
        let merges = [BPEMerge("b", "c"), BPEMerge("a", "b")]
        let plain = try BPETokenizer(tokens: tokens, merges: merges, preTokenizer: .gpt2)
        let whole = try BPETokenizer(
            tokens: tokens, merges: merges, preTokenizer: .gpt2, options: BPEModelOptions(ignoreMerges: true))
        #expect(plain.encode("abc") == [97, 256], "merges alone never reach abc")
        #expect(whole.encode("abc") == [258])
        #expect(whole.encode("abcd") == [97, 256, 100], "not a token: merged as usual")
    }

    @Test("A byte missing from the vocabulary becomes the unknown token, fused or not, or is dropped")
    func unknownBytes() throws {
        var tokens = TokenizerFixtures.byteTokens
        tokens[0x7A] = "<unk>"  // "z" has no token of its own
        let dropped = try BPETokenizer(tokens: tokens, merges: [], preTokenizer: .gpt2)
        let unknown = try BPETokenizer(
            tokens: tokens, merges: [], preTokenizer: .gpt2, options: BPEModelOptions(unknownTokenID: 0x7A))
        let fused = try BPETokenizer(
            tokens: tokens, merges: [], preTokenizer: .gpt2,
            options: BPEModelOptions(unknownTokenID: 0x7A, fuseUnknown: true))
        #expect(dropped.encode("azzb") == [97, 98])
        #expect(unknown.encode("azzb") == [97, 0x7A, 0x7A, 98])
        #expect(fused.encode("azzb") == [97, 0x7A, 98])
    }

    @Test("The scan and the heap merge every random word of a random vocabulary alike, as the naive loop does")
    func scanEqualsHeap() {
        var rng = CounterRNG(0xB9E, 1)
        for trial in 0..<20 {
            // Alphabet a b c d (ids 0-3); each merge joins two existing tokens into a new one.
            var texts = ["a", "b", "c", "d"]
            var table = BPEMergeTable(expectedCount: 80)
            var rankOf: [String: Int] = [:]  // "left|right" -> rank, for the naive reference
            for rank in 0..<80 {
                let l = rng.uniform(below: texts.count)
                let r = rng.uniform(below: texts.count)
                let merged = texts[l] + texts[r]
                guard !texts.contains(merged), merged.count <= 12 else { continue }
                texts.append(merged)
                table.insert(left: Int32(l), right: Int32(r), rank: UInt32(rank), merged: Int32(texts.count - 1))
                rankOf["\(l)|\(r)"] = rank
            }
            for _ in 0..<30 {
                let n = 1 + rng.uniform(below: 200)
                let word = (0..<n).map { _ in Int32(rng.uniform(below: 4)) }
                var scanned = word
                var heaped = word
                BPEWordMerger.mergeByScan(&scanned, table)
                BPEWordMerger.mergeByHeap(&heaped, table)
                let naive = naiveMerge(word, rankOf: rankOf, texts: texts)
                #expect(scanned == naive, "trial \(trial): scan \(scanned) vs naive \(naive)")
                #expect(heaped == naive, "trial \(trial): heap \(heaped) vs naive \(naive)")
            }
        }
    }

    /// GPT-2's `bpe()` loop on ids: find the lowest-ranked adjacent pair, merge every occurrence
    /// left to right, repeat.
    func naiveMerge(_ word: [Int32], rankOf: [String: Int], texts: [String]) -> [Int32] {
        var symbols = word
        let idOf = Dictionary(uniqueKeysWithValues: texts.enumerated().map { ($1, Int32($0)) })
        while symbols.count > 1 {
            let ranked = (0..<(symbols.count - 1)).compactMap { k in
                rankOf["\(symbols[k])|\(symbols[k + 1])"].map { (rank: $0, k: k) }
            }
            guard let best = ranked.min(by: { $0.rank < $1.rank }) else { break }
            let (l, r) = (symbols[best.k], symbols[best.k + 1])
            let merged = idOf[texts[Int(l)] + texts[Int(r)]]!
            var out: [Int32] = []
            var k = 0
            while k < symbols.count {
                if k + 1 < symbols.count, symbols[k] == l, symbols[k + 1] == r {
                    out.append(merged)
                    k += 2
                } else {
                    out.append(symbols[k])
                    k += 1
                }
            }
            symbols = out
        }
        return symbols
    }
}
