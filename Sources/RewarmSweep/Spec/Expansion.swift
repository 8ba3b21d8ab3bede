import Foundation
import RewarmEngine
import RewarmStore

/// What a spec expands to: its distinct trials and its base.
public struct Expansion: Sendable {
    /// The sweep's name (part of every trial id).
    public let sweepName: String
    /// Grid points x seeds + extra trials x seeds, before merging identical configs
    /// (with no grid axes the defaults alone are one point, unless there are extra trials).
    public let points: Int
    /// The distinct trials, in order of their first position (seed by seed: grid points with the
    /// first axis varying slowest, then the extra trials).
    public let trials: [Trial]
    public let base: BaseSpec
    public let seeds: [Int]

    /// FNV-1a 64 (16 hex digits) of the sorted trial ids, one per line: changes exactly when the
    /// set of trials changes, so a sweep can refuse a changed spec under the same name.
    public var trialSetHash: String {
        FNV1a.hex(trials.map(\.id).sorted().joined(separator: "\n"))
    }

    /// The run config of `trial`: its effective config with `init_from: base@F` turned into the
    /// base checkpoint `baseDirectory/checkpoint-<round(F x base max_steps)>` (a relative path
    /// into an absolute one, against the current directory), `output_dir` = `runDirectory` and
    /// `run_name` = the trial id.
    public func runConfig(for trial: Trial, runDirectory: URL, baseDirectory: URL) -> RunConfig {
        var initFrom = trial.config.initFrom
        if let spec = initFrom {
            if let fraction = BaseReference.fraction(inInitFrom: spec) {
                let step = base.checkpointStep(fraction: fraction)
                initFrom = baseDirectory.appendingPathComponent(Checkpoint.folderName(step: step)).path
            } else {
                initFrom = BaseSpec.absolutePath(spec)
            }
        }
        return trial.config.placed(initFrom: initFrom, outputDir: runDirectory.path, runName: trial.id)
    }

    /// The run config of the base: its config (with `save_at`, 1.0 included), `output_dir` =
    /// `baseDirectory`, `run_name` = `base-<hash>`, a relative `init_from` made absolute.
    public func baseRunConfig(baseDirectory: URL) -> RunConfig {
        base.config.placed(initFrom: base.config.initFrom.map(BaseSpec.absolutePath), outputDir: baseDirectory.path,
                           runName: "base-\(base.hash)")
    }
}

/// The base run of a sweep: pre-trained once, shared by every sweep with the same config.
public struct BaseSpec: Sendable, Equatable {
    /// Its checked run config (`save_at` with 1.0 included, `init_from` as written).
    public let config: RunConfig
    /// Its canonical config: every key of `RunConfig.keys` but `output_dir` and `run_name`.
    public let values: [String: ConfigValue]
    /// FNV-1a 64 (16 hex digits) of `canonicalJSON`: the name of its folder `bases/<hash>`.
    public let hash: String

    init(config: RunConfig) {
        self.config = config
        values = TrialConfigBuilder.withoutRunKeys(config.values)
        hash = FNV1a.hex(CanonicalJSON.text(values))
    }

    /// The fractions of `max_steps` whose checkpoints are kept, sorted, 1.0 included.
    public var saveAt: [Double] { config.saveAt }
    /// Its `max_steps`.
    public var maxSteps: Int { config.maxSteps }

    /// `values` as canonical JSON (keys sorted), what `hash` hashes.
    public var canonicalJSON: String { CanonicalJSON.text(values) }

    /// The step of the kept checkpoint at `fraction` of `max_steps`: round(F x max_steps), as the
    /// trainer computes its `save_at` steps.
    public func checkpointStep(fraction: Double) -> Int {
        Int((fraction * Double(maxSteps)).rounded())
    }

    /// The kept fraction a `base@F` value names (F itself, or the `save_at` entry with the same
    /// step), or nil when F is not a number or names no kept checkpoint.
    func keptFraction(_ fraction: Double) -> Double? {
        if saveAt.contains(fraction) { return fraction }
        let step = checkpointStep(fraction: fraction)
        return saveAt.first { checkpointStep(fraction: $0) == step }
    }

    /// `path` with `~` expanded, made absolute against the current directory.
    static func absolutePath(_ path: String) -> String {
        let expanded = NSString(string: path).expandingTildeInPath
        if expanded.hasPrefix("/") { return expanded }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent(expanded).standardizedFileURL.path
    }
}
