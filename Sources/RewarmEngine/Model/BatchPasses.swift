/// A batch (or a data-parallel worker's shard of it) goes through forward and backward in
/// passes of whole sequences, about `defaultPositions` positions each, instead of all at once:
/// the weight gradients add up over the passes, and sequences are independent in a causal LM,
/// so the loss and gradients are those of the whole batch up to float rounding (the sums over
/// positions are the same sums, cut at pass edges; with the AVX-512 weight-gradient kernel,
/// which adds positions in order, the same bits).
///
/// Why: a pass's activations are a quarter of the batch's on the bench presets, so what the
/// forward writes is still in cache when the backward reads it, and activation memory shrinks
/// in proportion. Measured on the 2-core AMD EPYC (Zen 4) VM, `rewarm bench`, one thread,
/// alternating runs of one binary with passes of 512 positions and without: `small` full
/// 150.1 vs 155.2 ms per step in a busy phase of the VM (median of 6) and 136.7 vs 139.1 in a
/// quiet one (8), `small` LoRA 102.7 vs 106.1 ms (5), `base` full 785 vs 827 ms busy and 742
/// vs 743 quiet (3 and 4): 0-5% faster; activations 104 -> 26 MB (`small`) and 330 -> 83 MB
/// (`base`). Passes of 256 positions were slower than one pass (the products get too short
/// for OpenBLAS), 1024 gave about half the gain.
public enum BatchPasses {
    /// Positions per pass the engine aims at (rounded down to whole sequences, at least one).
    public static let defaultPositions = 512

    /// Sequences `rows` (of T positions each) cut into consecutive passes of at most
    /// max(1, positions / T) sequences, as even as possible; nil `positions`: one pass (as
    /// are empty `rows`: one empty pass).
    public static func split(_ rows: Range<Int>, T: Int, positions: Int?) -> [Range<Int>] {
        guard let positions, !rows.isEmpty else { return [rows] }
        let perPass = max(1, positions / max(1, T))
        let count = (rows.count + perPass - 1) / perPass
        return (0..<count).map { p in
            (rows.lowerBound + rows.count * p / count)..<(rows.lowerBound + rows.count * (p + 1) / count)
        }
    }
}
