/// One of N disjoint parts of a corpus, named by a `[k/N]` suffix on a corpus spec:
/// `fortunes-en[1/2]` and `fortunes-en[2/2]` split English fortunes into two halves that share
/// no document, so a base pre-trained on one half can continue on text it never saw (the
/// same-data continuation of Gupta et al. 2023, sec. 4.4; docs/findings.md F6).
///
/// Assignment: the documents (in source order) are cut into consecutive blocks of N; block j
/// gives one document to each part, by a permutation drawn from a `CounterRNG` keyed by a fixed
/// salt and j. So part sizes differ by at most one, every source file is represented in
/// proportion, and the parts depend on nothing but the document count and N. Each part is then
/// split into train and validation by `DocumentSplit` like any corpus.
public struct CorpusPart: Equatable, Sendable {
    /// 1-based index of the part, in 1...count.
    public let index: Int
    /// Number of parts, >= 2.
    public let count: Int

    /// Salt of the block permutations ("CORPPART").
    static let salt: UInt64 = 0x434F_5250_5041_5254

    /// Splits `spec` into the corpus it names and the part its `[k/N]` suffix selects (nil
    /// without a suffix). Throws for a malformed suffix or k outside 1...N.
    public static func parse(_ spec: String) throws(CorpusError) -> (corpus: String, part: CorpusPart?) {
        guard spec.hasSuffix("]"), let open = spec.lastIndex(of: "[") else { return (spec, nil) }
        let corpus = String(spec[..<open])
        let inner = spec[spec.index(after: open)..<spec.index(before: spec.endIndex)]
        let fields = inner.split(separator: "/", omittingEmptySubsequences: false)
        guard !corpus.isEmpty, fields.count == 2, let k = Int(fields[0]), let n = Int(fields[1]) else {
            throw .invalidSetting(key: spec, value: "[\(inner)]", expected: "a part suffix [k/N] such as [1/2]")
        }
        guard n >= 2, (1...n).contains(k) else {
            throw .invalidSetting(key: spec, value: "[\(inner)]", expected: "N >= 2 parts and a part k in 1...N")
        }
        return (corpus, CorpusPart(index: k, count: n))
    }

    /// The documents of this part, in source order.
    public func select<Document>(_ documents: [Document]) -> [Document] {
        var kept: [Document] = []
        kept.reserveCapacity(documents.count / count + 1)
        var block = 0
        while block * count < documents.count {
            let start = block * count
            let size = min(count, documents.count - start)
            if let offset = CorpusPart.offset(ofPart: index - 1, block: block, size: size, parts: count) {
                kept.append(documents[start + offset])
            }
            block += 1
        }
        return kept
    }

    /// Which document of block `block` (of `size` <= `parts` documents) goes to part `part`
    /// (0-based): position `part` of a Fisher-Yates permutation of 0..<parts, if that falls in
    /// the block (the last block may be short).
    static func offset(ofPart part: Int, block: Int, size: Int, parts: Int) -> Int? {
        var permutation = Array(0..<parts)
        var rng = CounterRNG(keys: [salt, UInt64(block)])
        for i in stride(from: parts - 1, to: 0, by: -1) {
            permutation.swapAt(i, rng.uniform(below: i + 1))
        }
        let offset = permutation[part]
        return offset < size ? offset : nil
    }
}
