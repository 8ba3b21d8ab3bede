import Foundation
import RewarmEngine

/// Builds and checks the effective config of the base and of each trial, layer by layer, and
/// tells every error at the spec path the offending value came from.
struct TrialConfigBuilder {
    let spec: SweepSpec
    let base: BaseSpec

    /// The model-shape keys a trial takes from the base (and may not change when it starts from it).
    static let shapeKeys = [
        "model", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
        "rope_theta", "rms_norm_eps",
    ]

    /// The effective config of a trial before canonicalisation: the base's model shape, then
    /// `defaults`, then `own` (a grid point or an extra trial), then `seed`; `init_from` defaults
    /// to `base@1.0` and `upstream` to the base's dataset. `origins` maps each key to the spec path of its value.
    func layered(own: [SpecSetting], seed: Int, seedPath: String) -> (values: [String: ConfigValue], origins: [String: String]) {
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
        if values["init_from"] == nil { values["init_from"] = .string(BaseSpec.initFrom(fraction: 1.0)) }
        // Every trial tracks the base's corpus as upstream unless the spec says otherwise, so a
        // from-scratch baseline's forgetting curve is measured on the same text (F5).
        if values["upstream"] == nil { values["upstream"] = base.values["dataset"] }
        values["seed"] = .int(seed)
        origins["seed"] = seedPath
        return (values, origins)
    }

    /// The canonical effective config of layered `values` (see `Trial.values`), after every check.
    func canonical(_ layered: [String: ConfigValue], origins: [String: String]) throws(SpecError) -> [String: ConfigValue] {
        var raw = layered
        let path = Self.pathFinder(origins, section: "defaults")
        raw["init_from"] = try resolveInitFrom(raw["init_from"] ?? .null, path: path("init_from"), base: base)
        try checkCorpora(raw, path: path)
        let config = try validated(raw, origins: origins, path: path)
        var values = Self.withoutRunKeys(config.values)
        if case .string(let initFrom) = values["init_from"], BaseSpec.fraction(inInitFrom: initFrom) != nil {
            for key in Self.shapeKeys where values[key] != base.values[key] {
                throw .invalidValue(file: spec.file, path: path(key),
                                    problem: "a trial from the base has the base's model: set \(key) under base")
            }
        }
        for key in Trial.mootWithoutRewarm where Trial.isMoot(key, in: values) {
            values[key] = RunConfig.key(named: key)?.defaultValue
        }
        return values
    }

    /// The keys of `own` whose canonical value differs from what the trial would have without
    /// them (that is, with `defaults` alone), in `RunConfig.keys` order, moot ones left out.
    func diff(own: [SpecSetting], values: [String: ConfigValue], seed: Int, seedPath: String) -> [ConfigSetting] {
        let ownKeys = Set(own.map(\.setting.key))
        return RunConfig.keys.map(\.name).filter { key in
            guard ownKeys.contains(key), !Trial.isMoot(key, in: values) else { return false }
            let without = layered(own: own.filter { $0.setting.key != key }, seed: seed, seedPath: seedPath)
            let reference = try? canonical(without.values, origins: without.origins)
            return reference?[key] != values[key]
        }.map { ConfigSetting(key: $0, value: values[$0] ?? .null) }
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
        let builder = TrialConfigBuilder(spec: spec, base: BaseSpec(values: [:], hash: "", saveAt: [], maxSteps: 0))
        if let initFrom = raw["init_from"] {
            raw["init_from"] = try builder.resolveInitFrom(initFrom, path: path("init_from"), base: nil)
        }
        try builder.checkCorpora(raw, path: path)
        let config = try builder.validated(raw, origins: origins, path: path)
        let values = withoutRunKeys(config.values)
        return BaseSpec(values: values, hash: FNV1a.hex(CanonicalJSON.text(values)), saveAt: config.saveAt,
                        maxSteps: config.maxSteps)
    }

    // MARK: Checks

    /// `init_from` in canonical form: null for `scratch` (or null, or empty); `base@F` with F the
    /// kept fraction of `base` it names; a path (as written) that must be an existing folder.
    func resolveInitFrom(_ value: ConfigValue, path: String, base: BaseSpec?) throws(SpecError) -> ConfigValue {
        guard case .string(let written) = value else { return value }
        let text = written.trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text == "scratch" { return .null }
        if text.hasPrefix(BaseSpec.initPrefix) {
            guard let base else {
                throw .invalidValue(file: spec.file, path: path, problem: "the base cannot start from a checkpoint of itself")
            }
            guard let fraction = BaseSpec.fraction(inInitFrom: text) else {
                throw .invalidValue(file: spec.file, path: path,
                                    problem: "'\(text)' is not base@F with F a fraction of base.max_steps")
            }
            guard let kept = base.keptFraction(fraction) else {
                throw .unknownCheckpoint(file: spec.file, path: path, value: text, saveAt: base.saveAt)
            }
            return .string(BaseSpec.initFrom(fraction: kept))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: BaseSpec.absolutePath(text), isDirectory: &isDirectory),
              isDirectory.boolValue
        else {
            throw .invalidValue(file: spec.file, path: path,
                                problem: "no such folder '\(text)' (give base@F, scratch, or a run or checkpoint folder)")
        }
        return .string(written)
    }

    /// `dataset` and `upstream` name a built-in corpus or an existing file or folder, with or
    /// without a valid `[k/N]` part suffix.
    func checkCorpora(_ raw: [String: ConfigValue], path: (String) -> String) throws(SpecError) {
        for key in ["dataset", "upstream"] {
            guard case .string(let written)? = raw[key] else { continue }
            let name = written.trimmingCharacters(in: .whitespaces)
            if name.isEmpty || (key == "upstream" && name == "default") { continue }
            let source: CorpusSource
            do {
                source = try CorpusSource(spec: CorpusPart.parse(name).corpus)
            } catch {
                throw .unknownCorpus(file: spec.file, path: path(key), problem: error.description)
            }
            switch source {
            case .textFile(let file), .jsonLines(let file):
                if !FileManager.default.fileExists(atPath: file) {
                    throw .unknownCorpus(file: spec.file, path: path(key),
                                         problem: CorpusError.missingPath(path: file, hint: nil).description)
                }
            case .fortunesEnglish, .fortunesChinese, .synthetic, .folder:
                break
            }
        }
    }

    /// `raw` built into a `RunConfig`, with the run-time checks the trainer would otherwise fail on.
    func validated(_ raw: [String: ConfigValue], origins: [String: String], path: (String) -> String) throws(SpecError) -> RunConfig {
        let config: RunConfig
        do {
            config = try RunConfig(values: raw, source: spec.file)
        } catch {
            throw SpecError.from(error, file: spec.file, path: path)
        }
        if !config.rewarm && config.initFrom == nil {
            let scratch = origins["init_from"].map { ", but \($0) starts from scratch" } ?? ""
            throw .invalidValue(file: spec.file, path: path("rewarm"),
                                problem: "false needs init_from (it holds the learning rate where the checkpoint's "
                                    + "schedule ended)" + scratch)
        }
        if config.replayRatio > 0 && config.upstream == nil && config.initFrom == nil {
            throw .invalidValue(file: spec.file, path: path("replay_ratio"),
                                problem: "\(config.replayRatio) needs an upstream corpus to replay (set upstream or init_from)")
        }
        return config
    }

    // MARK: Helpers

    /// The spec path of a key's value: where it was set, else `<section>.<key>`; the head count
    /// (checked against the width) falls back to where the width or the preset was set.
    static func pathFinder(_ origins: [String: String], section: String) -> (String) -> String {
        { key in
            if key == "num_attention_heads" {
                return origins[key] ?? origins["hidden_size"] ?? origins["model"] ?? "\(section).model"
            }
            return origins[key] ?? "\(section).\(key)"
        }
    }

    /// A run config's values without the keys a sweep sets per run (`output_dir`, `run_name`).
    static func withoutRunKeys(_ values: [String: ConfigValue]) -> [String: ConfigValue] {
        values.filter { $0.key != "output_dir" && $0.key != "run_name" }
    }
}
