extension RunConfig {
    /// The valid key a mistyped `name` most likely meant, or nil when none is close.
    ///
    /// Case and dashes are ignored (`Learning-Rate` -> `learning_rate`), and the names other tools
    /// use for a key map to it (`lr`, `target_modules`, `n_embd`, see `aliases`). Otherwise the closest key
    /// (`NameSuggestion.closest`); failing that, the first key that contains `name` (`batch_size` ->
    /// `per_device_train_batch_size`) when `name` has 3 or more characters.
    public static func closestKey(to name: String) -> String? {
        let typed = name.lowercased().replacingOccurrences(of: "-", with: "_")
        if key(named: typed) != nil { return typed }
        if let alias = aliases[typed] { return alias }
        if let best = NameSuggestion.closest(typed, among: keys.map(\.name)) { return best }
        guard typed.count >= 3 else { return nil }
        return keys.first { $0.name.contains(typed) }?.name
    }

    /// Names of other tools (PEFT, nanoGPT, TrainingArguments spellings) that no edit distance finds.
    static let aliases: [String: String] = [
        "lr": "learning_rate", "target_modules": "lora_target", "r": "lora_rank",
        "n_embd": "hidden_size", "d_model": "hidden_size", "n_layer": "num_hidden_layers",
        "n_head": "num_attention_heads", "block_size": "cutoff_len", "max_seq_length": "cutoff_len",
        "num_train_epochs": "max_steps", "grad_clip": "max_grad_norm", "model_name_or_path": "init_from",
    ]
}

/// The name a mistyped one most likely meant: the one spelling-suggestion rule of every list of
/// names Rewarm checks (config keys, spec sections, executor options).
public enum NameSuggestion {
    /// The name in `names` at the smallest edit distance from `name` (lowercased; ties: the first
    /// in `names`), if that distance is at most max(2, count / 3); nil otherwise.
    public static func closest(_ name: String, among names: [String]) -> String? {
        let typed = name.lowercased()
        var best: (name: String, distance: Int)?
        for candidate in names {
            let d = editDistance(typed, candidate)
            if d < best?.distance ?? .max { best = (candidate, d) }
        }
        guard let best, best.distance <= max(2, typed.count / 3) else { return nil }
        return best.name
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
    /// neighbours each cost 1 (`learning_rat` -> `learning_rate` is 1, `lerann` -> `learn` is 2).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let s = Array(a.unicodeScalars), t = Array(b.unicodeScalars)
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        // d[i][j]: distance between the first i scalars of s and the first j of t.
        var d = [[Int]](repeating: [Int](repeating: 0, count: t.count + 1), count: s.count + 1)
        for i in 0...s.count { d[i][0] = i }
        for j in 0...t.count { d[0][j] = j }
        for i in 1...s.count {
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[s.count][t.count]
    }
}
