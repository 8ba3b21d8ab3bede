import Foundation

/// Loading: a YAML file (or text), then `--set key=value` overrides in order, then validation.
extension RunConfig {
    /// Loads `yamlFile` (a flat map of keys), applies `overrides` (`key=value`, later ones win, all
    /// over the file) and validates. Errors name the file as given (`yamlFile.relativePath`) or `--set`.
    public static func load(yamlFile: URL, overrides: [String] = []) throws(ConfigError) -> RunConfig {
        let source = yamlFile.relativePath
        let text: String
        do {
            text = try String(contentsOf: yamlFile, encoding: .utf8)
        } catch {
            let reason = error.localizedDescription.split(whereSeparator: \.isNewline).joined(separator: " ")
            throw .unreadableFile(source: source, reason: reason)
        }
        return try load(yaml: text, source: source, overrides: overrides)
    }

    /// Loads YAML text as if it were the file `source`; see `load(yamlFile:overrides:)`.
    public static func load(
        yaml text: String, source: String, overrides: [String] = []
    ) throws(ConfigError) -> RunConfig {
        var settings = try values(fromYAML: text, source: source).mapValues { Setting(value: $0, source: source) }
        for override in overrides {
            let (key, value) = try parseOverride(override)
            settings[key] = Setting(value: value, source: "--set")
        }
        return try RunConfig(settings: settings, source: source)
    }

    /// Validates `values` (key name -> value; absent keys take their defaults) and resolves the
    /// derived keys. Errors name `source`.
    public init(values: [String: ConfigValue], source: String) throws(ConfigError) {
        try self.init(settings: values.mapValues { Setting(value: $0, source: source) }, source: source)
    }

    /// The flat map of YAML `text`, checked for unknown keys (in file order) but not yet for types
    /// and ranges: for tools that merge maps (sweep specs) before building a config.
    public static func values(fromYAML text: String, source: String) throws(ConfigError) -> [String: ConfigValue] {
        var values: [String: ConfigValue] = [:]
        var written: [String: String] = [:]  // key -> the name the file gave it under
        for (name, node) in try ConfigYAML.topLevelMap(text, source: source) {
            if keyGroups[name] != nil {  // extend_vocabulary: {train_on: ..., new_tokens: ...}
                for (member, value) in try ConfigYAML.groupMembers(node, group: name, source: source) {
                    if let other = written[member] {
                        throw .conflict(source: source, key: name, problem: "and \(other) both set \(member): give one",
                                        otherKey: nil, otherState: nil)
                    }
                    written[member] = name
                    values[member] = value
                }
                continue
            }
            guard let key = key(named: canonicalKeyName(name)) else {
                throw .unknownKey(source: source, key: name, suggestion: closestKey(to: name))
            }
            if let other = written[key.name] {
                throw .conflict(source: source, key: name, problem: "and \(other) are the same key (\(key.name)): give one",
                                otherKey: nil, otherState: nil)
            }
            written[key.name] = name
            values[key.name] = try ConfigYAML.value(of: node, for: key, source: source)
        }
        return values
    }

    /// One `--set key=value` argument: the key (checked) and its value, read as YAML
    /// (`learning_rate=1e-3`, `save_at=[0.5,1.0]`, `init_from=null`).
    public static func parseOverride(_ text: String) throws(ConfigError) -> (key: String, value: ConfigValue) {
        guard let equals = text.firstIndex(of: "=") else { throw .malformedOverride(text) }
        let name = text[..<equals].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw .malformedOverride(text) }
        // a key group's member may be named with a dot: extend_vocabulary.new_tokens
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        let flat = parts.count == 2 ? groupMemberKey(group: parts[0], member: parts[1]) ?? name : name
        guard let key = key(named: canonicalKeyName(flat)) else {
            throw .unknownKey(source: "--set", key: name, suggestion: closestKey(to: name))
        }
        return (key.name, try ConfigYAML.overrideValue(String(text[text.index(after: equals)...]), for: key))
    }

    /// Every key with its resolved value, in the order of `keys`. Keys that do not apply to the
    /// fine-tuning type (`lora_rank` of a `full` run; of a staged run, those not given) are null; the keys of
    /// `keysOmittedWhenNull` are left out while null, those of `keysOmittedAtDefault` while at
    /// their default (unless `lr_scheduler_type` is `infinite`).
    public var orderedValues: [(key: String, value: ConfigValue)] {
        Self.keys.compactMap { key in
            let value = shownValue(key)
            return omits(key, value: value) ? nil : (key.name, value)
        }
    }

    /// `orderedValues` as a dictionary: `init(values:source:)` of it gives this config back.
    public var values: [String: ConfigValue] {
        Dictionary(uniqueKeysWithValues: orderedValues.map { ($0.key, $0.value) })
    }

    /// The resolved config as YAML: every key of `keys`, in that order, written by Yams' emitter.
    /// Loading it again gives an equal `RunConfig`.
    public func yaml() -> String {
        ConfigYAML.emit(orderedValues)
    }
}

// MARK: - Building and validating

extension RunConfig {
    /// A value with the source that gave it (a file, or `--set`), so errors name the right one.
    struct Setting {
        var value: ConfigValue
        var source: String
    }

    init(settings: [String: Setting], source: String) throws(ConfigError) {
        self.init()
        for name in settings.keys.sorted() where Self.key(named: name) == nil {
            let origin = settings[name]?.source ?? source
            throw .unknownKey(source: origin, key: name, suggestion: Self.closestKey(to: name))
        }
        for key in Self.keys {
            guard let setting = settings[key.name] else {
                if key.isRequired { throw .missingKey(source: source, key: key.name) }
                continue
            }
            key.write(&self, try key.canonical(setting.value, source: setting.source))
        }
        try normalise(settings: settings, source: source)
        if isStaged {
            // each stage is checked as a run of its own (`StageRules.swift`)
            try checkShape(settings: settings, source: source)
            try buildStages(settings: settings, source: source)
        } else {
            if let given = settings["recipe_stages"] {
                throw .conflict(source: given.source, key: "recipe_stages",
                                problem: "applies only with recipe gradual_unfreeze", otherKey: "recipe",
                                otherState: "is none")
            }
            try resolveFreezeLayers(settings: settings, source: source)
            try checkApplicability(settings: settings)
            try checkShape(settings: settings, source: source)
            try checkCrossKeyRules(settings: settings, source: source)
        }
        if finetuningType == .qlora && quantizationBit == nil { quantizationBit = 4 }
        if runName.isEmpty { runName = derivedRunName() }
        if outputDir.isEmpty { outputDir = "results/runs/\(runName)" }
        if isStaged { self = placed(initFrom: initFrom, outputDir: outputDir, runName: runName) }
    }

    /// Empty strings mean "not given"; `init_from: scratch` means no checkpoint, `upstream: default`
    /// the checkpoint's dataset (both stored as nil).
    private mutating func normalise(settings: [String: Setting], source: String) throws(ConfigError) {
        dataset = dataset.trimmingCharacters(in: .whitespaces)
        if dataset.isEmpty { throw .missingKey(source: settings["dataset"]?.source ?? source, key: "dataset") }
        if initFrom?.isEmpty == true || initFrom == "scratch" { initFrom = nil }
        if upstream?.isEmpty == true || upstream == "default" { upstream = nil }
    }

    /// `trainable_modules` without `freeze_trainable_layers` trains only those modules (0 layers);
    /// a freeze run must train something.
    private mutating func resolveFreezeLayers(settings: [String: Setting], source: String) throws(ConfigError) {
        guard finetuningType == .freeze else { return }
        let layersGiven = settings["freeze_trainable_layers"].map { $0.value != .null } ?? false
        if !trainableModules.isEmpty && !layersGiven { freezeTrainableLayers = 0 }
        if freezeTrainableLayers == 0 && trainableModules.isEmpty {
            throw .outOfRange(
                source: settings["freeze_trainable_layers"]?.source ?? source, key: "freeze_trainable_layers",
                requirement: ">= 1 unless trainable_modules names modules to train", got: "0")
        }
    }

    /// A key given explicitly (not null) for a fine-tuning type it does not apply to is an error.
    private func checkApplicability(settings: [String: Setting]) throws(ConfigError) {
        for key in Self.keys {
            guard let types = key.appliesTo, let setting = settings[key.name], setting.value != .null,
                  !types.contains(finetuningType.rawValue)
            else { continue }
            throw .notApplicable(
                source: setting.source, key: key.name, appliesTo: types, finetuningType: finetuningType.rawValue)
        }
    }

    /// Heads must split the width into even halves for the rotary pairs, and key/value heads
    /// the heads into groups; freeze must leave a layer count that exists.
    private func checkShape(settings: [String: Setting], source: String) throws(ConfigError) {
        let shape = model
        let (hidden, heads) = (shape.hiddenSize, shape.numAttentionHeads)
        if hidden % heads != 0 || (hidden / heads) % 2 != 0 {
            let origin = (settings["num_attention_heads"] ?? settings["hidden_size"] ?? settings["model"])?.source
            throw .headsDoNotDivideHidden(source: origin ?? source, heads: heads, hidden: hidden)
        }
        if heads % shape.numKeyValueHeads != 0 {
            let origin = (settings["num_key_value_heads"] ?? settings["num_attention_heads"] ?? settings["model"])?
                .source
            throw .keyValueHeadsDoNotDivideHeads(
                source: origin ?? source, keyValueHeads: shape.numKeyValueHeads, heads: heads)
        }
        if finetuningType == .freeze && freezeTrainableLayers > shape.numHiddenLayers {
            throw .outOfRange(
                source: settings["freeze_trainable_layers"]?.source ?? source, key: "freeze_trainable_layers",
                requirement: "<= num_hidden_layers (\(shape.numHiddenLayers))", got: String(freezeTrainableLayers))
        }
    }

    /// `<dataset name>-<8 hex digits>`: the dataset's last path component without extension, made
    /// safe for a folder name, and the FNV-1a hash of every other key's value (not `run_name`,
    /// `output_dir`), so configs that differ in any key get different names.
    private func derivedRunName() -> String {
        var canonical = ""
        for (key, value) in orderedValues where key != "run_name" && key != "output_dir" {
            canonical += "\(key)=\(value)\n"
        }
        let hash = FNV1a.hash(canonical)
        let short = String(UInt32(truncatingIfNeeded: hash ^ (hash >> 32)), radix: 16)
        let name = ((dataset as NSString).lastPathComponent as NSString).deletingPathExtension
        let slug = name.unicodeScalars
            .map {
                $0.properties.isAlphabetic && $0.isASCII || ("0"..."9").contains($0) || $0 == "_" ? Character($0) : "-"
            }
            .split(separator: "-").map { String($0) }.joined(separator: "-")
        return (slug.isEmpty ? "run" : slug) + "-" + String(repeating: "0", count: 8 - short.count) + short
    }
}

// MARK: - Codable

/// JSON (or any coder) form: an object of every key to its value, decoded through the same
/// checks as YAML.
extension RunConfig: Codable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var values: [String: ConfigValue] = [:]
        for key in container.allKeys {
            values[key.stringValue] = try container.decode(ConfigValue.self, forKey: key)
        }
        do {
            try self.init(values: values, source: "decoded config")
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in orderedValues {
            try container.encode(value, forKey: Key(stringValue: key))
        }
    }
}
