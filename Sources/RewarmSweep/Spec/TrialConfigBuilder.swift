import Foundation
import RewarmEngine
import RewarmStore

/// Builds and checks the effective config of the base and of each trial, layer by layer, and
/// tells every error at the spec path the offending value came from.
struct TrialConfigBuilder {
    let spec: SweepSpec
    let base: BaseSpec

    /// The model-shape keys a trial takes from the base (and may not change when it starts from it).
    static let shapeKeys = [
        "model", "hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
        "intermediate_size", "rope_theta", "rms_norm_eps", "tie_word_embeddings", "vocab_size",
    ]

    /// The effective config of a trial before canonicalisation: the base's model shape, then
    /// `defaults`, then `own` (a grid point or an extra trial), then `seed`; `init_from` defaults
    /// to `base@1.0` and `upstream` to the base's dataset. `origins` maps each key to the spec path of its value.
    func layered(
        own: [SpecSetting], seed: Int, seedPath: String
    ) -> (values: [String: ConfigValue], origins: [String: String]) {
        var values: [String: ConfigValue] = [:]
        var origins: [String: String] = [:]
        for key in Self.shapeKeys {
            values[key] = base.values[key]
            if let given = spec.baseSettings.first(where: { $0.setting.key == key }) { origins[key] = given.path }
        }
        for setting in spec.defaultSettings + own {
            values[setting.setting.key] = setting.setting.value
            origins[setting.setting.key] = setting.path
        }
        if values["init_from"] == nil { values["init_from"] = .string(BaseReference.initFrom(fraction: 1.0)) }
        // Every trial tracks the base's corpus as upstream unless the spec says otherwise, so a
        // from-scratch baseline's forgetting curve is measured on the same text (F5).
        if values["upstream"] == nil { values["upstream"] = base.values["dataset"] }
        values["seed"] = .int(seed)
        origins["seed"] = seedPath
        return (values, origins)
    }

    /// The canonical effective config of layered `values` (see `Trial.values`) and the checked
    /// run config behind it, after every check.
    func canonical(_ layered: [String: ConfigValue], origins: [String: String])
        throws(SpecError) -> (values: [String: ConfigValue], config: RunConfig) {
        var raw = layered
        let path = Self.pathFinder(origins, section: "defaults")
        raw["init_from"] = try spec.resolveInitFrom(raw["init_from"] ?? .null, path: path("init_from"), base: base)
        try spec.checkCorpora(raw, path: path)
        let config = try spec.validated(raw, path: path).withMootKeysAtDefaults()
        let values = Self.withoutRunKeys(config.values)
        if case .string(let initFrom) = values["init_from"], BaseReference.fraction(inInitFrom: initFrom) != nil {
            for key in Self.shapeKeys where values[key] != base.values[key] {
                throw .invalidValue(file: spec.file, path: path(key),
                                    problem: "a trial from the base has the base's model: set \(key) under base")
            }
        }
        return (values, config)
    }

    /// The keys of `own` whose canonical value differs from `reference` (the canonical config of
    /// `defaults` alone; nil when that is not a valid config by itself), in `RunConfig.keys`
    /// order, moot ones left out.
    func diff(own: [SpecSetting], values: [String: ConfigValue], reference: [String: ConfigValue]?) -> [ConfigSetting] {
        let ownKeys = Set(own.map(\.setting.key))
        return RunConfig.keys.map(\.name).filter { key in
            ownKeys.contains(key) && !RunConfig.isMoot(key, in: values) && reference?[key] != values[key]
        }.map { ConfigSetting(key: $0, value: values[$0] ?? .null) }
    }

    /// The canonical config of `defaults` alone (with `seed`), the reference of `diff`; nil when
    /// the defaults are not a valid trial by themselves (a grid axis completes them).
    func defaultsReference(seed: Int) -> [String: ConfigValue]? {
        let alone = layered(own: [], seed: seed, seedPath: "seeds")
        return try? canonical(alone.values, origins: alone.origins).values
    }

    // MARK: The base

    /// The base of `spec`: its config (with 1.0 added to `save_at`) checked like a trial's.
    static func base(of spec: SweepSpec) throws(SpecError) -> BaseSpec {
        var raw: [String: ConfigValue] = [:]
        var origins: [String: String] = [:]
        for setting in spec.baseSettings {
            raw[setting.setting.key] = setting.setting.value
            origins[setting.setting.key] = setting.path
        }
        switch raw["save_at"] {
        case nil: raw["save_at"] = [1.0]
        case .list(let items)?: raw["save_at"] = .list(items + [1.0])
        case let item? where item.number != nil: raw["save_at"] = [item, 1.0]
        default: break
        }
        let path = pathFinder(origins, section: "base")
        if let initFrom = raw["init_from"] {
            raw["init_from"] = try spec.resolveInitFrom(initFrom, path: path("init_from"), base: nil)
        }
        try spec.checkCorpora(raw, path: path)
        return BaseSpec(config: try spec.validated(raw, path: path))
    }

    // MARK: Helpers

    /// The spec path of a key's value: where it was set, else `<section>.<key>`; the head count
    /// (checked against the width) falls back to where the width or the preset was set, the
    /// key/value head count (checked against the heads) to where the heads were.
    static func pathFinder(_ origins: [String: String], section: String) -> (String) -> String {
        { key in
            if key == "num_attention_heads" {
                return origins[key] ?? origins["hidden_size"] ?? origins["model"] ?? "\(section).model"
            }
            if key == "num_key_value_heads" {
                return origins[key] ?? origins["num_attention_heads"] ?? origins["hidden_size"] ?? origins["model"]
                    ?? "\(section).model"
            }
            return origins[key] ?? "\(section).\(key)"
        }
    }

    /// A run config's values without the keys a sweep sets per run (`output_dir`, `run_name`).
    static func withoutRunKeys(_ values: [String: ConfigValue]) -> [String: ConfigValue] {
        values.filter { $0.key != "output_dir" && $0.key != "run_name" }
    }
}
