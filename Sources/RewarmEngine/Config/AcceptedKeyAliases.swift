/// Other tools' names for a key that Rewarm accepts as that key (unlike `aliases` in
/// `KeySuggestion.swift`, which are only suggested in an error): LLaMA-Factory's
/// `additional_target` is PEFT's `modules_to_save`, its `freeze_extra_modules` is
/// `trainable_modules`. A map that gives a key under both names is an error.
extension RunConfig {
    public static let acceptedAliases: [String: String] = [
        "additional_target": "modules_to_save",
        "freeze_extra_modules": "trainable_modules",
    ]

    /// The key name `written` stands for: itself, or the key an accepted alias names.
    public static func canonicalKeyName(_ written: String) -> String {
        acceptedAliases[written] ?? written
    }
}
