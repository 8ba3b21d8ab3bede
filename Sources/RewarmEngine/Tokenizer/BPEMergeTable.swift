/// The merges of a BPE vocabulary (Sennrich et al. 2016) as a hash table from a pair of token ids
/// to the merge's rank (its position in the merges list; lower merges first) and the id of the
/// merged token.
///
/// Open addressing with linear probing over a power-of-two table at most half full; keys and
/// values are packed in `UInt64`s. As in `tokenizers` (`MergeMap` built by collecting into a
/// hash map), a pair listed twice keeps its last rank.
struct BPEMergeTable: Sendable {
    /// (capacity) `left << 32 | right`, or `empty`.
    private var keys: [UInt64]
    /// (capacity) `rank << 32 | mergedID`.
    private var values: [UInt64]
    private var mask: Int
    private(set) var count = 0

    private static let empty = UInt64.max

    init(expectedCount: Int) {
        var capacity = 16
        while capacity < 2 * expectedCount { capacity *= 2 }
        keys = [UInt64](repeating: BPEMergeTable.empty, count: capacity)
        values = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    @inline(__always)
    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// Sets the merge of `left right` (replacing an earlier one of the same pair).
    mutating func insert(left: Int32, right: Int32, rank: UInt32, merged: Int32) {
        let k = BPEMergeTable.key(left, right)
        var s = BPEMergeTable.slot(k, mask)
        while keys[s] != BPEMergeTable.empty && keys[s] != k { s = (s + 1) & mask }
        if keys[s] == BPEMergeTable.empty { count += 1 }
        keys[s] = k
        values[s] = UInt64(rank) << 32 | UInt64(UInt32(bitPattern: merged))
    }

    /// `rank << 32 | mergedID` of the pair, or `UInt64.max` when the pair does not merge (so the
    /// smaller value is always the merge to apply first).
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> UInt64 {
        let k = BPEMergeTable.key(left, right)
        return keys.withUnsafeBufferPointer { kb in
            var s = BPEMergeTable.slot(k, mask)
            while true {
                let stored = kb[s]
                if stored == k { return values[s] }
                if stored == BPEMergeTable.empty { return UInt64.max }
                s = (s + 1) & mask
            }
        }
    }
}
