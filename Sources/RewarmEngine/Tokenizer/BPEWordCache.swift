/// The token ids of words already encoded, keyed by the word's UTF-8 bytes: most words of a
/// corpus repeat, and a hit skips the merges (as `tokenizers`' per-BPE cache does).
///
/// Keys and ids live in two flat arrays; an open-addressing table (linear probing, at most half
/// full) holds entry indices. Words longer than `maxWordBytes` are not cached (nor are they in
/// `tokenizers`, whose limit is 256 bytes), and the cache empties itself when it holds
/// `maxEntries` words, so memory stays bounded on any corpus.
struct BPEWordCache {
    static let maxWordBytes = 256
    static let maxEntries = 1 << 20

    private var slots: [Int32]
    private var mask: Int
    /// Per entry: hash, key start and length in `keyBytes`, ids start and count in `ids`.
    private var hashes: [UInt64] = []
    private var keyStarts: [Int32] = []
    private var keyLengths: [Int32] = []
    private var idStarts: [Int32] = []
    private var idCounts: [Int32] = []
    private var keyBytes: [UInt8] = []
    private var ids: [Int32] = []

    var count: Int { hashes.count }

    init() {
        slots = [Int32](repeating: -1, count: 1 << 12)
        mask = (1 << 12) - 1
    }

    /// FNV-1a (64-bit) of the bytes.
    @inline(__always)
    static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in word { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// Appends the cached ids of `word` to `out` and returns true, or returns false on a miss.
    func append(_ word: UnsafeBufferPointer<UInt8>, hash h: UInt64, to out: inout [Int32]) -> Bool {
        var s = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while true {
            let e = Int(slots[s])
            if e < 0 { return false }
            if hashes[e] == h, Int(keyLengths[e]) == word.count, equalKey(e, word) {
                let start = Int(idStarts[e])
                out.append(contentsOf: ids[start..<(start + Int(idCounts[e]))])
                return true
            }
            s = (s + 1) & mask
        }
    }

    /// Remembers `tokens` as the ids of `word` (not already present).
    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, hash h: UInt64, tokens: ArraySlice<Int32>) {
        guard word.count <= BPEWordCache.maxWordBytes else { return }
        if count >= BPEWordCache.maxEntries { self = BPEWordCache() }
        if 2 * (count + 1) > slots.count { grow() }
        let e = Int32(count)
        hashes.append(h)
        keyStarts.append(Int32(keyBytes.count))
        keyLengths.append(Int32(word.count))
        idStarts.append(Int32(ids.count))
        idCounts.append(Int32(tokens.count))
        keyBytes.append(contentsOf: word)
        ids.append(contentsOf: tokens)
        place(e, h)
    }

    private func equalKey(_ e: Int, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(keyStarts[e])
        return keyBytes.withUnsafeBufferPointer { k in
            for i in 0..<word.count where k[start + i] != word[i] { return false }
            return true
        }
    }

    private mutating func place(_ e: Int32, _ h: UInt64) {
        var s = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while slots[s] >= 0 { s = (s + 1) & mask }
        slots[s] = e
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for e in 0..<count { place(Int32(e), hashes[e]) }
    }
}
