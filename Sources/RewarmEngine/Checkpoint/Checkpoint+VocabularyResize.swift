import Foundation

/// Loading a checkpoint into a model with a larger vocabulary (`extend_vocabulary`): the resize
/// of the embedding table and the head that Chinese-LLaMA makes after extending LLaMA's tokenizer
/// (Cui et al. 2023, arXiv 2304.08177, sec. 2.2; `resize_token_embeddings` in transformers).
/// New rows start at the mean of the old rows, so a new token begins as "an average token" and
/// the logits over the old ids are unchanged.
extension Checkpoint {
    /// `loadMergedWeights(into:)` for weights of this checkpoint's shapes but a vocabulary of
    /// `vocabularySize` V >= the checkpoint's V0: every tensor as the checkpoint holds it, the
    /// first V0 rows of the embedding table (V, C) and of the untied head (V, C) bit for bit,
    /// rows V0..<V the column means of the V0 old rows (`VocabularyResize.meanRows`).
    /// With `newRowSources` (`extend_vocabulary_init: subtokens`), new row r starts instead at the
    /// mean of the old rows `newRowSources[r]` (the model's tokens its text splits into).
    public func loadMergedWeights(
        into weights: ParameterSlab, vocabularySize V: Int, newRowSources: [Int: [Int32]] = [:]
    ) throws(CheckpointError) {
        let V0 = state.model.vocabSize
        guard V != V0 else {
            try loadMergedWeights(into: weights)
            return
        }
        precondition(V > V0, "a vocabulary is only ever extended")
        let original = ParameterSlab(WeightNames.baseTensors(state.model))
        try loadMergedWeights(into: original)
        for spec in weights.specs {
            guard let old = original.spec(spec.name) else { continue }
            if old.shape == spec.shape {
                weights.setValues(spec.name, original.values(spec.name))
            } else {
                precondition(old.shape == [V0, spec.shape[1]] && spec.shape[0] == V,
                             "only the vocabulary's rows differ (\(spec.name): \(old.shape) -> \(spec.shape))")
                var resized = VocabularyResize.meanRows(original.values(spec.name), rows: V0, columns: spec.shape[1],
                                                        to: V)
                VocabularyResize.setSubtokenRows(&resized, rows: V0, columns: spec.shape[1], sources: newRowSources)
                weights.setValues(spec.name, resized)
            }
        }
    }
}

/// The row resize of a (V0, C) table to (V, C).
enum VocabularyResize {
    /// `table` (rows x columns, row-major) followed by `newRows - rows` copies of its column
    /// means (each summed in Double over the `rows` rows, then rounded to Float once).
    static func meanRows(_ table: [Float], rows: Int, columns C: Int, to newRows: Int) -> [Float] {
        precondition(table.count == rows * C && newRows >= rows && rows > 0)
        var sums = [Double](repeating: 0, count: C)
        for r in 0..<rows {
            for c in 0..<C { sums[c] += Double(table[r * C + c]) }
        }
        let mean = sums.map { Float($0 / Double(rows)) }
        var resized = table
        resized.reserveCapacity(newRows * C)
        for _ in rows..<newRows { resized.append(contentsOf: mean) }
        return resized
    }

    /// Sets each new row r (>= `rows`) of a resized (newRows, C) `table` that has sources to the
    /// mean of its source rows (each < `rows`; summed in Double); rows without usable sources keep
    /// what they hold.
    static func setSubtokenRows(_ table: inout [Float], rows: Int, columns C: Int, sources: [Int: [Int32]]) {
        for (row, ids) in sources where row >= rows && (row + 1) * C <= table.count {
            let usable = ids.filter { $0 >= 0 && Int($0) < rows }
            guard !usable.isEmpty else { continue }
            var sums = [Double](repeating: 0, count: C)
            for id in usable {
                for c in 0..<C { sums[c] += Double(table[Int(id) * C + c]) }
            }
            for c in 0..<C { table[row * C + c] = Float(sums[c] / Double(usable.count)) }
        }
    }
}
