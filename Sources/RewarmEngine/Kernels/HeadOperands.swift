/// One worker's copies of a head's operands for the attention products, whose B operand
/// (`TileProduct`) must be readable 16 columns at a time.
///
/// A head's slice x of q, k, v or dY is (T, hs) with leading dimension ld: C = NH*hs for q and
/// dY, NKV*hs for k and v. As a B operand "rows" it is copied into contiguous rows of `paddedHs`
/// floats with zeros past hs (read in place with leading dimension ld, every row a different
/// cache line, the products ran 20% slower). As a transposed operand (keys or values against
/// the queries' scores) it is copied into (hs, `paddedT`) with zeros past T.
final class HeadOperands {
    let T: Int, hs: Int
    /// T rounded up to a multiple of 16: the leading dimension of `transposed`.
    let paddedT: Int
    /// hs rounded up to a multiple of 16: the leading dimension of a padded copy from `rows`.
    let paddedHs: Int
    private let transposedBuffer: UnsafeMutablePointer<Float>
    private let rowBuffers: UnsafeMutablePointer<Float>

    /// Zeroed buffers for one transposed slice and `slots` padded row copies.
    init(T: Int, hs: Int, slots: Int) {
        let width = TileProduct.panelWidth
        (self.T, self.hs) = (T, hs)
        paddedT = (T + width - 1) / width * width
        paddedHs = (hs + width - 1) / width * width
        transposedBuffer = .allocate(capacity: hs * paddedT)
        transposedBuffer.initialize(repeating: 0, count: hs * paddedT)
        rowBuffers = .allocate(capacity: slots * T * paddedHs)
        rowBuffers.initialize(repeating: 0, count: slots * T * paddedHs)
    }

    deinit {
        transposedBuffer.deallocate()
        rowBuffers.deallocate()
    }

    /// x^T (hs, T) of a head's slice x (T, hs; leading dimension ld), leading dimension `paddedT`
    /// (overwrites the previous one). Compiled on its own, as the vector kernels are (`VectorMath`).
    @inline(never)
    func transposed(_ x: UnsafePointer<Float>, ld: Int) -> UnsafePointer<Float> {
        for t in 0..<T {
            let row = x + t * ld
            for d in 0..<hs { transposedBuffer[d * paddedT + t] = row[d] }
        }
        return UnsafePointer(transposedBuffer)
    }

    /// A head's slice x (T, hs; leading dimension ld) copied into `slot` (overwriting it), and the
    /// copy's leading dimension `paddedHs`: readable 16 columns at a time.
    @inline(never)
    func rows(_ x: UnsafePointer<Float>, ld: Int, slot: Int) -> (UnsafePointer<Float>, Int) {
        let copy = rowBuffers + slot * T * paddedHs
        // 8 lanes at a time, column block by column block: a row-by-row copy becomes a `memmove`
        // call per row of hs floats, which cost more than the copy (1% of a training step).
        let vectorEnd = hs & ~7
        for d in stride(from: 0, to: vectorEnd, by: 8) {
            for t in 0..<T { (copy + t * paddedHs).store8((x + t * ld).load8(d), d) }
        }
        for d in vectorEnd..<hs {
            for t in 0..<T { copy[t * paddedHs + d] = x[t * ld + d] }
        }
        return (UnsafePointer(copy), paddedHs)
    }
}
