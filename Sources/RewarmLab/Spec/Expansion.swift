import Foundation
import RewarmEngine

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
    public func runConfig(for trial: Trial, runDirectory: URL, baseDirectory: URL) throws(SpecError) -> RunConfig {
        var values = trial.values
        if case .string(let spec) = values["init_from"] {
            if let fraction = BaseSpec.fraction(inInitFrom: spec) {
                let step = base.checkpointStep(fraction: fraction)
                values["init_from"] = .string(baseDirectory.appendingPathComponent(Checkpoint.folderName(step: step)).path)
            } else {
                values["init_from"] = .string(BaseSpec.absolutePath(spec))
            }
        }
        values["output_dir"] = .string(runDirectory.path)
        values["run_name"] = .string(trial.id)
        do {
            return try RunConfig(values: values, source: "trial \(trial.id)")
        } catch {
            throw .invalidValue(file: "trial \(trial.id)", path: "", problem: error.description)
        }
    }

    /// The run config of the base: its config (with `save_at`, 1.0 included), `output_dir` =
    /// `baseDirectory`, `run_name` = `base-<hash>`, a relative `init_from` made absolute.
    public func baseRunConfig(baseDirectory: URL) -> RunConfig {
        var values = base.values
        if case .string(let spec) = values["init_from"] { values["init_from"] = .string(BaseSpec.absolutePath(spec)) }
        values["output_dir"] = .string(baseDirectory.path)
        values["run_name"] = .string("base-\(base.hash)")
        do {
            return try RunConfig(values: values, source: "base \(base.hash)")
        } catch {
            preconditionFailure("the base config was validated when the spec expanded: \(error)")
        }
    }
}

/// The base run of a sweep: pre-trained once, shared by every sweep with the same config.
public struct BaseSpec: Sendable, Equatable {
    /// Its canonical config: every key of `RunConfig.keys` but `output_dir` and `run_name`.
    public let values: [String: ConfigValue]
    /// FNV-1a 64 (16 hex digits) of `canonicalJSON`: the name of its folder `bases/<hash>`.
    public let hash: String
    /// The fractions of `max_steps` whose checkpoints are kept, sorted, 1.0 included.
    public let saveAt: [Double]
    /// Its `max_steps`.
    public let maxSteps: Int

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

    /// F of `base@F`, or nil when `spec` is not of that form.
    static func fraction(inInitFrom spec: String) -> Double? {
        guard spec.hasPrefix(initPrefix) else { return nil }
        return Double(spec.dropFirst(initPrefix.count))
    }

    /// `base@F` with F in Swift's shortest form (`base@1.0`, `base@0.07`).
    static func initFrom(fraction: Double) -> String { "\(initPrefix)\(fraction)" }

    static let initPrefix = "base@"

    /// `path` with `~` expanded, made absolute against the current directory.
    static func absolutePath(_ path: String) -> String {
        let expanded = NSString(string: path).expandingTildeInPath
        if expanded.hasPrefix("/") { return expanded }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent(expanded).standardizedFileURL.path
    }
}
