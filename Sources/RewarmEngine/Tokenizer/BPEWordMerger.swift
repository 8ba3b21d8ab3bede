/// Applies BPE merges (Sennrich et al. 2016) to the symbols of one word: repeatedly, the adjacent
/// pair with the lowest merge rank (the leftmost one among equal pairs) becomes its merged token,
/// until no adjacent pair has a merge. This is what `tokenizers`' `Word::merge_all` computes
/// (without dropout) and what GPT-2's `bpe()` computes.
///
/// Two implementations with the same result:
/// - `mergeByScan`: a linear scan for the best pair after every merge, O(n^2) for n symbols but
///   with no allocation; the fast choice for the short words of most text.
/// - `mergeByHeap`: `tokenizers`' algorithm (a binary heap of candidate pairs keyed by rank then
///   position, linked symbols, stale entries skipped), O(n log n); used for long words (runs of
///   CJK text without punctuation can be hundreds of bytes).
///
/// Why they agree: a heap entry is stale exactly when its pair no longer exists, and a changed
/// pair covers strictly more text, so its merged token differs and the `tokenizers` staleness
/// check (same merged id) rejects it; the heap therefore always pops the live pair of lowest
/// (rank, position), which is what the scan picks. A test compares both on random merges.
enum BPEWordMerger {
    /// Words longer than this (in symbols) use `mergeByHeap`.
    static let scanLimit = 64

    /// Merges `symbols` (token ids) in place.
    static func merge(_ symbols: inout [Int32], _ table: BPEMergeTable) {
        if symbols.count <= scanLimit {
            mergeByScan(&symbols, table)
        } else {
            mergeByHeap(&symbols, table)
        }
    }

    static func mergeByScan(_ symbols: inout [Int32], _ table: BPEMergeTable) {
        var n = symbols.count
        guard n >= 2 else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: n - 1) { pairs in
            symbols.withUnsafeMutableBufferPointer { s in
                for k in 0..<(n - 1) { pairs[k] = table.lookup(s[k], s[k + 1]) }
                while n >= 2 {
                    var best = 0
                    var bestValue = pairs[0]
                    for k in 1..<(n - 1) where pairs[k] < bestValue {
                        best = k
                        bestValue = pairs[k]
                    }
                    if bestValue == UInt64.max { break }
                    s[best] = Int32(truncatingIfNeeded: UInt32(truncatingIfNeeded: bestValue))
                    // Remove symbol best + 1 and pair best.
                    var k = best + 1
                    while k < n - 1 {
                        s[k] = s[k + 1]
                        pairs[k - 1] = pairs[k]
                        k += 1
                    }
                    n -= 1
                    if best > 0 { pairs[best - 1] = table.lookup(s[best - 1], s[best]) }
                    if best < n - 1 { pairs[best] = table.lookup(s[best], s[best + 1]) }
                }
            }
        }
        symbols.removeLast(symbols.count - n)
    }

    static func mergeByHeap(_ symbols: inout [Int32], _ table: BPEMergeTable) {
        let n = symbols.count
        guard n >= 2 else { return }
        var next = (0..<n).map { Int32($0 + 1) }
        next[n - 1] = -1
        var prev = (0..<n).map { Int32($0 - 1) }
        var alive = [Bool](repeating: true, count: n)
        var heap = CandidateHeap()
        for k in 0..<(n - 1) { heap.push(table.lookup(symbols[k], symbols[k + 1]), at: k) }
        while let (key, merged) = heap.pop() {
            let pos = Int(UInt32(truncatingIfNeeded: key))
            guard alive[pos], next[pos] >= 0 else { continue }
            let right = Int(next[pos])
            let current = table.lookup(symbols[pos], symbols[right])
            guard current != UInt64.max, Int32(truncatingIfNeeded: UInt32(truncatingIfNeeded: current)) == merged else {
                continue  // a stale candidate: this pair has changed since it was queued
            }
            symbols[pos] = merged
            alive[right] = false
            next[pos] = next[right]
            if next[right] >= 0 { prev[Int(next[right])] = Int32(pos) }
            if prev[pos] >= 0 {
                let left = Int(prev[pos])
                heap.push(table.lookup(symbols[left], symbols[pos]), at: left)
            }
            if next[pos] >= 0 { heap.push(table.lookup(symbols[pos], symbols[Int(next[pos])]), at: pos) }
        }
        var w = 0
        for k in 0..<n where alive[k] {
            symbols[w] = symbols[k]
            w += 1
        }
        symbols.removeLast(n - w)
    }
}

/// A binary min-heap of merge candidates keyed by `rank << 32 | position`.
struct CandidateHeap {
    private var keys: [UInt64] = []
    private var merged: [Int32] = []

    /// Queues the pair starting at `position` if `lookup` (a `BPEMergeTable.lookup` value) is a merge.
    mutating func push(_ lookup: UInt64, at position: Int) {
        guard lookup != UInt64.max else { return }
        var i = keys.count
        keys.append(lookup & 0xFFFF_FFFF_0000_0000 | UInt64(position))
        merged.append(Int32(truncatingIfNeeded: UInt32(truncatingIfNeeded: lookup)))
        while i > 0 {
            let parent = (i - 1) / 2
            if keys[parent] <= keys[i] { break }
            keys.swapAt(parent, i)
            merged.swapAt(parent, i)
            i = parent
        }
    }

    /// The candidate of lowest key and its merged id.
    mutating func pop() -> (UInt64, Int32)? {
        guard let top = keys.first else { return nil }
        let topMerged = merged[0]
        let lastKey = keys.removeLast()
        let lastMerged = merged.removeLast()
        if !keys.isEmpty {
            keys[0] = lastKey
            merged[0] = lastMerged
            var i = 0
            let n = keys.count
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                var c = l
                if l + 1 < n, keys[l + 1] < keys[l] { c = l + 1 }
                if keys[i] <= keys[c] { break }
                keys.swapAt(i, c)
                merged.swapAt(i, c)
                i = c
            }
        }
        return (top, topMerged)
    }
}
