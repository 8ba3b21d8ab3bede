/// The vocabulary extension's keys (Cui et al. 2023, arXiv 2304.08177, sec. 2.2: Chinese-LLaMA
/// adds 20,000 Chinese tokens to LLaMA's tokenizer and resizes the embeddings and head): the
/// `extend_vocabulary: {...}` shorthand for its flat keys, and the rules between them and the
/// other keys, beside those of `RunRules.swift`. The extension itself: `VocabularyExtension`.
extension RunConfig {
    // MARK: The `extend_vocabulary` map

    /// Keys written as a map of members (`extend_vocabulary: {train_on: fortunes-zh, new_tokens: 2000}`)
    /// that stand for flat keys (`extend_vocabulary_train_on`, `extend_vocabulary_new_tokens`), so
    /// a sweep can put each member on an axis.
    public static let keyGroups: [String: [String]] = [
        "extend_vocabulary": ["train_on", "new_tokens", "tokenizer", "init"],
    ]

    /// The flat key `member` of `group` stands for; nil when `group` is not a key group or has no
    /// such member.
    public static func groupMemberKey(group: String, member: String) -> String? {
        guard keyGroups[group]?.contains(member) == true else { return nil }
        return "\(group)_\(member)"
    }

    /// What a key group's value must be, for error messages.
    public static func keyGroupExpectation(_ group: String) -> String {
        "a map of " + (keyGroups[group] ?? []).joined(separator: ", ") + " (or null for none)"
    }

    /// The flat keys of `group` at their defaults: what `extend_vocabulary: null` sets.
    public static func keyGroupDefaults(_ group: String) -> [(key: String, value: ConfigValue)] {
        (keyGroups[group] ?? []).compactMap { member in
            groupMemberKey(group: group, member: member).flatMap { name in
                key(named: name).map { (name, $0.defaultValue) }
            }
        }
    }

    // MARK: Rules

    /// Whether the run extends its model's vocabulary (learned tokens, or a given tokenizer).
    public var extendsVocabulary: Bool { extendVocabularyNewTokens > 0 || extendVocabularyTokenizer != nil }

    /// `extend_vocabulary_new_tokens` > 0 needs the corpus to learn on and excludes a given
    /// tokenizer; an extension needs `init_from` (a model with a BPE tokenizer, checked by
    /// `ResolvedRun`), fresh AdamW moments (the base has none for the new rows), and the
    /// embedding table to train (full; freeze with `trainable_modules`, lora with
    /// `modules_to_save` holding `embed_tokens`), since the new rows start equal and only
    /// training tells them apart.
    func checkVocabularyExtension(settings: [String: Setting], source: String) throws(ConfigError) {
        let newTokens = "extend_vocabulary_new_tokens", trainOn = "extend_vocabulary_train_on"
        let given = "extend_vocabulary_tokenizer"
        func at(_ key: String) -> String { settings[key]?.source ?? source }
        if extendVocabularyNewTokens > 0 && extendVocabularyTrainOn == nil {
            throw .conflict(source: at(newTokens), key: newTokens,
                            problem: "\(extendVocabularyNewTokens) needs the corpus to learn the tokens on",
                            otherKey: trainOn, otherState: "is not set")
        }
        if extendVocabularyTokenizer != nil && (extendVocabularyTrainOn != nil || extendVocabularyNewTokens > 0) {
            throw .conflict(source: at(given), key: given,
                            problem: "excludes learned tokens (give tokenizer, or train_on with new_tokens)",
                            otherKey: extendVocabularyTrainOn != nil ? trainOn : newTokens, otherState: "is set too")
        }
        guard extendsVocabulary else { return }
        let key = extendVocabularyTokenizer != nil ? given : newTokens
        let value = Self.key(named: key).map { $0.read(self).description } ?? ""
        if initFrom == nil {
            throw .conflict(source: at(key), key: key,
                            problem: "\(value) extends the vocabulary of a model: it needs init_from",
                            otherKey: "init_from", otherState: "starts from scratch")
        }
        if !resetOptimizer {
            throw .conflict(source: at("reset_optimizer"), key: "reset_optimizer",
                            problem: "false cannot carry AdamW moments into a resized vocabulary",
                            otherKey: key, otherState: "is \(value)")
        }
        guard let trains = wholeModulesKey, !Self.moduleNames(trains.modules).contains("embed_tokens") else { return }
        throw .conflict(source: at(key), key: key,
                        problem: "\(value) needs the new embedding rows to train: add embed_tokens (and "
                            + "lm_head, unless tied) to \(trains.key)",
                        otherKey: trains.key, otherState: trains.modules.isEmpty ? "is not set" : "is [\(trains.modules)]")
    }

    /// The key naming the whole modules that train (`trainable_modules` with freeze,
    /// `modules_to_save` with lora / qlora) and its value; nil for full training (all train).
    private var wholeModulesKey: (key: String, modules: String)? {
        switch finetuningType {
        case .full: nil
        case .freeze: ("trainable_modules", trainableModules)
        case .lora, .qlora: ("modules_to_save", modulesToSave)
        }
    }

    /// The key that makes the untied head's new rows train, or nil when they do (full, or
    /// `lm_head` trainable); `ResolvedRun` asks once the model's tying is known.
    var keyMissingTrainableHead: String? {
        guard let trains = wholeModulesKey, !Self.moduleNames(trains.modules).contains("lm_head") else { return nil }
        return trains.key
    }
}
