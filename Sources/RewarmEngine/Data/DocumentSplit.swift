/// The train / validation split of a corpus by document, fixed by the corpus alone.
///
/// With N documents and `val_size` v, V = max(1, round(v * N)) documents are held out: the
/// index range 0..<N is cut into V strata [floor(k N / V), floor((k+1) N / V)), k = 0..<V, and
/// stratum k gives its document at offset `hash(k) mod size` (a `CounterRNG` keyed by a fixed
/// salt and k). So the count is exact, every part of the corpus (every source file, since
/// documents keep file order) is represented in proportion, periodic patterns in the document
/// order cannot alias with the choice, and the split depends on nothing but N and v: not on
/// the training seed, the machine or the run.
public enum DocumentSplit {
    /// Salt of the stratum hash ("VALSPLIT"); changing it changes every split.
    static let salt: UInt64 = 0x5641_4C53_504C_4954

    /// Checks `val_size` is in (0, 0.5].
    public static func validate(valSize: Double) throws(CorpusError) {
        guard valSize > 0, valSize <= 0.5 else {
            throw .invalidSetting(key: "val_size", value: "\(valSize)", expected: "a fraction in (0, 0.5]")
        }
    }

    /// The number of validation documents V for N documents (N >= 2): at least 1, at most N - 1.
    public static func validationCount(documentCount n: Int, valSize: Double) -> Int {
        min(n - 1, max(1, Int((valSize * Double(n)).rounded())))
    }

    /// (N) true where document i is held out for validation. Needs N >= 2 and a valid `valSize`.
    public static func validationMask(documentCount n: Int, valSize: Double) -> [Bool] {
        precondition(n >= 2, "a split needs at least 2 documents, got \(n)")
        let v = validationCount(documentCount: n, valSize: valSize)
        var mask = [Bool](repeating: false, count: n)
        for k in 0..<v {
            let lower = k * n / v
            let upper = (k + 1) * n / v
            var rng = CounterRNG(keys: [salt, UInt64(k)])
            mask[lower + rng.uniform(below: upper - lower)] = true
        }
        return mask
    }
}
