/// A seeded synthetic corpus for fast tests: sentences of pseudo-words with Markov structure.
///
/// Everything follows from NAME (through a stable FNV-1a hash, never Swift's per-process
/// `Hasher`): an alphabet of 7 consonants and 3 vowels drawn from the 21 and 5 of English, a
/// vocabulary of 48 pseudo-words made of those letters, and a first-order Markov chain in
/// which each word is followed by one of 3 successors with probabilities 0.6 / 0.3 / 0.1.
/// A sentence starts at one of 6 starter words, runs 4 to 9 words, is capitalised and ends in
/// "." (or "?" when its last word has an odd vocabulary index); a document is 1 to 4 sentences
/// joined by spaces. A tiny model learns it quickly (low-entropy transitions), and two names
/// share only a few letters, so their byte histograms differ clearly (what forgetting
/// studies on synthetic data need). 2,000 documents are about 200 KB.
public enum SyntheticCorpus {
    public static let defaultDocumentCount = 2_000

    static let consonants = Array("bcdfghjklmnpqrstvwxyz".utf8)
    static let vowels = Array("aeiou".utf8)

    /// The `count` documents of the synthetic corpus NAME (UTF-8 bytes, ASCII only).
    public static func documents(name: String, count: Int = defaultDocumentCount) -> [[UInt8]] {
        var rng = CounterRNG(keys: [fnv1a64(Array(name.utf8)), 0x5359_4E54_4845_5449])  // "SYNTHETI"
        let letters = (consonants: pick(7, from: consonants, &rng), vowels: pick(3, from: vowels, &rng))
        let words = vocabulary(48, letters: letters, &rng)
        let successors = words.indices.map { _ in (0..<3).map { _ in rng.uniform(below: words.count) } }
        let starters = (0..<6).map { _ in rng.uniform(below: words.count) }

        var documents: [[UInt8]] = []
        documents.reserveCapacity(count)
        for _ in 0..<count {
            var document: [UInt8] = []
            for s in 0..<(1 + rng.uniform(below: 4)) {
                if s > 0 { document.append(UInt8(ascii: " ")) }
                var word = starters[rng.uniform(below: starters.count)]
                let length = 4 + rng.uniform(below: 6)
                for w in 0..<length {
                    if w > 0 { document.append(UInt8(ascii: " ")) }
                    var bytes = words[word]
                    if w == 0 { bytes[0] -= 0x20 }  // capitalise (ASCII lower -> upper)
                    document += bytes
                    if w + 1 < length {
                        let u = rng.unitDouble()
                        word = successors[word][u < 0.6 ? 0 : (u < 0.9 ? 1 : 2)]
                    }
                }
                document.append(UInt8(ascii: word % 2 == 1 ? "?" : "."))
            }
            documents.append(document)
        }
        return documents
    }

    /// `k` distinct elements of `pool`, in drawn order (a partial Fisher-Yates shuffle).
    static func pick(_ k: Int, from pool: [UInt8], _ rng: inout CounterRNG) -> [UInt8] {
        var p = pool
        for i in 0..<k { p.swapAt(i, i + rng.uniform(below: p.count - i)) }
        return Array(p[0..<k])
    }

    /// `count` distinct pseudo-words of 1 to 3 syllables (consonant-vowel, sometimes a closing
    /// consonant), lower case.
    static func vocabulary(
        _ count: Int, letters: (consonants: [UInt8], vowels: [UInt8]), _ rng: inout CounterRNG
    ) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var seen: Set<[UInt8]> = []
        while words.count < count {
            var word: [UInt8] = []
            for _ in 0..<(1 + rng.uniform(below: 3)) {
                word.append(letters.consonants[rng.uniform(below: letters.consonants.count)])
                word.append(letters.vowels[rng.uniform(below: letters.vowels.count)])
                if rng.uniform(below: 3) == 0 {
                    word.append(letters.consonants[rng.uniform(below: letters.consonants.count)])
                }
            }
            if seen.insert(word).inserted { words.append(word) }
        }
        return words
    }

    /// FNV-1a, 64-bit: a hash that is the same in every process and on every machine.
    static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}
