import RewarmEngine
import RewarmStore

/// One distinct trial of a sweep: an effective config and a seed, named by a content hash.
public struct Trial: Sendable, Equatable {
    /// FNV-1a 64 (16 hex digits) of the sweep name, the base hash (only when `init_from` is
    /// `base@F`) and `canonicalJSON`: the same for the same trial on every run, different when
    /// any key, the seed, the sweep or the base it starts from differs.
    public let id: String
    /// The extra trial's `name` (for merged points, the first name among them), nil for grid points.
    public let name: String?
    public let seed: Int
    /// The index of its first point in expansion order (seed by seed: grid points, then extras).
    public let position: Int
    /// The canonical effective config: every key of `RunConfig.keys` with its resolved value, but
    /// `output_dir` and `run_name`; `init_from` symbolic (`base@F`, null for scratch, or the path
    /// as written); keys moot when `rewarm` is false (`RunConfig.isMoot`) at their
    /// registry defaults; LoRA keys null unless `finetuning_type` is lora or qlora.
    public let values: [String: ConfigValue]
    /// The keys a grid point or an extra trial sets whose value differs from what `defaults`
    /// alone gives, in `RunConfig.keys` order; moot keys left out (for display).
    public let diff: [ConfigSetting]
    /// The grid point: axis (as written, e.g. `downstream`) -> canonical value, without axes moot
    /// in this trial; empty for an extra trial.
    public let gridPoint: [String: ConfigValue]
    /// How many points (grid points or extra trials of this seed) have this effective config.
    public let pointCount: Int

    /// `values` as canonical JSON (keys sorted), for the store and for hashing.
    public var canonicalJSON: String { CanonicalJSON.text(values) }

    /// The checked run config behind `values` (moot keys at their defaults, `init_from`
    /// symbolic); `Expansion.runConfig(for:...)` places it for a run without checking it again.
    public let config: RunConfig

    /// Whether `key` is moot in this trial (`RunConfig.isMoot`).
    public func isMoot(_ key: String) -> Bool {
        RunConfig.isMoot(key, in: values)
    }

    init(id: String, name: String?, seed: Int, position: Int, config: RunConfig, values: [String: ConfigValue],
         diff: [ConfigSetting], gridPoint: [String: ConfigValue], pointCount: Int) {
        self.config = config
        self.id = id
        self.name = name
        self.seed = seed
        self.position = position
        self.values = values
        self.diff = diff
        self.gridPoint = gridPoint
        self.pointCount = pointCount
    }

    /// This trial standing also for one more point (named `name` if it had no name yet).
    func merged(withPointNamed other: String?) -> Trial {
        Trial(id: id, name: name ?? other, seed: seed, position: position, config: config, values: values, diff: diff,
              gridPoint: gridPoint, pointCount: pointCount + 1)
    }
}
