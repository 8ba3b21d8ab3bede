import Foundation
import RewarmEngine
import RewarmStore

/// A sweep spec: one study described once, read from YAML.
///
/// ```yaml
/// name: max-lr               # required: [a-z0-9._-]+, the sweep's folder under the results folder
/// description: ...           # optional text
/// base:                      # required: the upstream pre-training, run once and cached by its hash
///   model: small             #   any run-config key (model, dataset, max_steps, learning_rate, ...)
///   dataset: fortunes-en
///   max_steps: 2000
///   save_at: [0.07, 0.19, 1.0]  # fractions of max_steps kept as checkpoints (1.0 is always kept)
/// defaults:                  # run-config keys shared by every trial
///   dataset: fortunes-zh     #   required here, in the grid or in every trial
///   max_steps: 1000          #   init_from defaults to base@1.0, the base's final checkpoint
/// grid:                      # ordered axes: a config key and its values; trials are the product
///   learning_rate: [1.5e-3, 3.0e-3, 6.0e-3]
///   rewarm: [true, false]
/// trials:                    # explicit extras, not crossed with the grid: defaults + own keys
///   - {name: scratch, init_from: scratch}
/// seeds: [1, 2, 3]           # every grid point and extra trial runs once per seed (default [1])
/// executor: {type: slurm, partition: cpu, time: "1:00:00"}  # optional: where trials run (see SlurmOptions)
/// ```
///
/// The effective config of a trial is, from weakest to strongest: the registry defaults of
/// `RunConfig.keys`; the base's model shape (`model`, `hidden_size`, `num_hidden_layers`,
/// `num_attention_heads`, `intermediate_size`, `rope_theta`, `rms_norm_eps`, as far as the base
/// sets them), so a trial has the base's model; `defaults`; the grid point or the extra trial's
/// keys; `seed`. A trial that starts from a base checkpoint cannot change the model shape.
///
/// `init_from` of a trial: `base@F` is the base's checkpoint at F x base `max_steps`, F one of the
/// base's `save_at` (`base@1.0`, the default, is its final checkpoint); `scratch` (or null) is a
/// random initialisation; any other text is the path of a run or checkpoint folder.
///
/// Keys the sweep sets itself are refused: `output_dir` and `run_name` (everywhere), and `seed`
/// outside `base` (use `seeds`).
public struct SweepSpec: Sendable {
    /// The file as given (`experiments/max-lr.yaml`), for messages.
    public let file: String
    /// The spec's text as read (the store keeps it with the sweep).
    public let text: String
    /// `name`: the sweep's name and folder, `[a-z0-9][a-z0-9._-]*`, not `bases`.
    public let name: String
    /// `description`: free text for reports.
    public let description: String?
    /// `base`: the base run's config keys in file order (`save_at` as written).
    public var base: [ConfigSetting] { baseSettings.map(\.setting) }
    /// `defaults`: the config keys every trial shares, in file order.
    public var defaults: [ConfigSetting] { defaultSettings.map(\.setting) }
    /// `grid`: the axes in file order; the first varies slowest.
    public let grid: [GridAxis]
    /// `trials`: the explicit extra trials in file order.
    public let trials: [ExtraTrial]
    /// `seeds`: the seeds each grid point and extra trial runs with (default `[1]`).
    public let seeds: [Int]
    /// `executor`: where the trials run, when the spec says (`rewarm sweep --executor` wins).
    public let executor: SweepExecutor?

    let baseSettings: [SpecSetting]
    let defaultSettings: [SpecSetting]

    /// The top-level keys of a spec.
    public static let topLevelKeys = ["name", "description", "base", "defaults", "grid", "trials", "seeds", "executor"]

    /// Reads and parses `file`; messages name it as given (`file.relativePath`).
    public static func load(file: URL) throws(SpecError) -> SweepSpec {
        let source = file.relativePath
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            let reason = error.localizedDescription.split(whereSeparator: \.isNewline).joined(separator: " ")
            throw .unreadableFile(file: source, reason: reason)
        }
        return try parse(yaml: text, source: source)
    }

    /// Parses spec `yaml` as if read from the file `source`: checks its structure, keys and value
    /// types. `expand()` checks the rest (ranges, corpora, checkpoints) trial by trial.
    public static func parse(yaml: String, source: String) throws(SpecError) -> SweepSpec {
        try SpecParser(file: source).parse(yaml)
    }

    init(file: String, text: String, name: String, description: String?, base: [SpecSetting],
         defaults: [SpecSetting], grid: [GridAxis], trials: [ExtraTrial], seeds: [Int],
         executor: SweepExecutor? = nil) {
        self.file = file
        self.text = text
        self.name = name
        self.description = description
        self.baseSettings = base
        self.defaultSettings = defaults
        self.grid = grid
        self.trials = trials
        self.seeds = seeds
        self.executor = executor
    }
}

/// One run-config key and its value.
public struct ConfigSetting: Sendable, Equatable, Hashable {
    /// The run-config key (`dataset`, also when the spec says `downstream`).
    public let key: String
    public let value: ConfigValue

    public init(key: String, value: ConfigValue) {
        self.key = key
        self.value = value
    }
}

/// A setting as written in the spec, with the path messages name (`defaults.max_steps`).
struct SpecSetting: Sendable, Equatable {
    var setting: ConfigSetting
    var path: String
    /// The line of the key (1-based), for duplicate-key messages.
    var line: Int?
}

/// One axis of the grid: a config key and the values it takes.
public struct GridAxis: Sendable, Equatable {
    /// The axis as written (`downstream`).
    public let name: String
    /// The config key it sets (`dataset` for `downstream`).
    public let key: String
    /// The values in file order (not empty).
    public let values: [ConfigValue]

    /// The path of value `index` in messages: `grid.warmup_ratio[2]`.
    func path(_ index: Int) -> String { "grid.\(name)[\(index)]" }
}

/// An explicit extra trial: runs once per seed with the defaults and its own keys.
public struct ExtraTrial: Sendable, Equatable {
    /// `name`: a label for listings and reports.
    public let name: String?
    /// Its config keys in file order.
    public var settings: [ConfigSetting] { specSettings.map(\.setting) }
    /// Its index in `trials`.
    public let index: Int

    let specSettings: [SpecSetting]
}
