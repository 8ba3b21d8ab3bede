import Foundation
import GRDB
import RewarmEngine

/// Where a trial or a base run stands. Stored as text in `trial.state` and `base.state`
/// (a CHECK constraint admits exactly these five values).
public enum RunState: String, Codable, CaseIterable, Sendable, DatabaseValueConvertible {
    /// Registered, not started (or interrupted before its first checkpoint was recorded).
    case pending
    /// Launched by the sweep process and not yet finished.
    case running
    /// Reached `max_steps`.
    case completed
    /// Crashed or refused to start; `error` says why.
    case failed
    /// The loss became NaN / infinite or exploded; `diverged_step` says when.
    case diverged

    /// True for the states a run ends in.
    public var isFinished: Bool { self == .completed || self == .failed || self == .diverged }
}

/// A row of `sweep`: one study, by name. See `StoreSchema` for the column documentation.
/// One grid axis of a sweep as its spec wrote it: the axis name (`downstream`), the config key it
/// sets (`dataset`) and its canonical values in spec order.
public struct SweepAxis: Codable, Equatable, Sendable {
    public var name: String
    public var key: String
    public var values: [ConfigValue]

    public init(name: String, key: String, values: [ConfigValue]) {
        self.name = name
        self.key = key
        self.values = values
    }
}

public struct SweepRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "sweep"
    /// The spec's `name` (primary key); also the folder `RESULTS/<name>/`.
    public var name: String
    /// The spec YAML as last run, verbatim.
    public var specText: String
    /// Hash of `specText`, computed by the sweep.
    public var specHash: String
    /// Hash of the set of trial ids the spec expands to: a change means the trials changed.
    public var trialSetHash: String
    /// When the sweep was first recorded (UTC).
    public var createdAt: Date
    /// When the sweep was last recorded (UTC).
    public var updatedAt: Date
    /// The spec's `description`, nil when it has none.
    public var description: String?
    /// The grid axes as JSON (`[SweepAxis]`), nil when recorded before schema v2.
    public var axesJSON: String?

    enum CodingKeys: String, CodingKey {
        case name
        case specText = "spec_text", specHash = "spec_hash", trialSetHash = "trial_set_hash"
        case createdAt = "created_at", updatedAt = "updated_at"
        case description, axesJSON = "axes_json"
    }

    /// The grid axes, in spec order; nil when recorded before schema v2 (or unreadable).
    public var axes: [SweepAxis]? {
        axesJSON.flatMap { try? JSONDecoder().decode([SweepAxis].self, from: Data($0.utf8)) }
    }

    public enum Columns {
        public static let name = Column(CodingKeys.name)
        public static let updatedAt = Column(CodingKeys.updatedAt)
    }
}

/// A row of `base`: one pre-trained base model, shared by every sweep that names the same config.
public struct BaseRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "base"
    /// FNV-1a 64 of the canonical config JSON, 16 hex chars (primary key); also `bases/<hash>/`.
    public var hash: String
    /// The canonical RunConfig values of the base (sorted keys, no output_dir / run_name).
    public var configJSON: String
    /// The base's run folder, as the sweep recorded it (relative to the results folder).
    public var runDir: String
    public var state: RunState
    /// One-line reason when `failed` or `diverged`.
    public var error: String?
    /// Seconds the pre-training took, when finished.
    public var wallSeconds: Double?
    public var createdAt: Date
    public var finishedAt: Date?
    /// `TextTokenizer.identity` of the base's tokenizer, from its ingested metrics (schema v3);
    /// nil before a metrics line names it.
    public var tokenizer: String? = nil

    enum CodingKeys: String, CodingKey {
        case hash, state, error, tokenizer
        case configJSON = "config_json", runDir = "run_dir", wallSeconds = "wall_s"
        case createdAt = "created_at", finishedAt = "finished_at"
    }

    public enum Columns {
        public static let hash = Column(CodingKeys.hash)
        public static let state = Column(CodingKeys.state)
    }
}

/// A row of `trial`: one continued-pre-training run of a sweep (a grid point or extra trial, one seed).
public struct TrialRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "trial"
    /// FNV-1a 64 of the canonical effective config JSON and the sweep name, 16 hex (primary key).
    public var id: String
    /// The sweep it belongs to (`sweep.name`); deleting the sweep deletes its trials.
    public var sweep: String
    /// The name of an explicit extra trial (`scratch`, `from-7pct`); nil for grid points.
    public var name: String?
    public var seed: Int
    /// The canonical effective config (sorted keys, `init_from` symbolic, moot keys normalised).
    public var configJSON: String
    /// The keys whose values differ from the sweep's defaults, as a JSON object.
    public var diffJSON: String
    /// The base it continues from (`base.hash`); nil for from-scratch or literal-path trials.
    public var baseHash: String?
    /// The trial's run folder (relative to the results folder), e.g. `max-lr/trials/<id>`.
    public var runDir: String
    public var state: RunState
    /// One-line reason when `failed` or `diverged`.
    public var error: String?
    /// The step at which the loss diverged.
    public var divergedStep: Int?
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Seconds the trial's process ran (from its `status.json`).
    public var wallSeconds: Double?
    /// The machine that ran it.
    public var host: String?
    /// Order of the trial in the sweep's expansion (0-based).
    public var position: Int
    /// `TextTokenizer.identity` of the trial's tokenizer, from its ingested metrics (schema v3);
    /// nil before a metrics line names it (runs from before v3 read bytes).
    public var tokenizer: String?

    public init(id: String, sweep: String, name: String? = nil, seed: Int, configJSON: String,
                diffJSON: String, baseHash: String?, runDir: String, position: Int,
                state: RunState = .pending, error: String? = nil, divergedStep: Int? = nil,
                startedAt: Date? = nil, finishedAt: Date? = nil, wallSeconds: Double? = nil,
                host: String? = nil, tokenizer: String? = nil) {
        self.tokenizer = tokenizer
        self.id = id
        self.sweep = sweep
        self.name = name
        self.seed = seed
        self.configJSON = configJSON
        self.diffJSON = diffJSON
        self.baseHash = baseHash
        self.runDir = runDir
        self.position = position
        self.state = state
        self.error = error
        self.divergedStep = divergedStep
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.wallSeconds = wallSeconds
        self.host = host
    }

    enum CodingKeys: String, CodingKey {
        case id, sweep, name, seed, state, error, host, position, tokenizer
        case configJSON = "config_json", diffJSON = "diff_json", baseHash = "base_hash"
        case runDir = "run_dir", divergedStep = "diverged_step"
        case startedAt = "started_at", finishedAt = "finished_at", wallSeconds = "wall_s"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let sweep = Column(CodingKeys.sweep)
        public static let state = Column(CodingKeys.state)
        public static let position = Column(CodingKeys.position)
    }
}

/// A row of the `trial_summary` view: a trial with its last evaluation (nil before the first).
public struct TrialSummary: Decodable, Equatable, Sendable, FetchableRecord, TableRecord {
    public static let databaseTableName = "trial_summary"
    public var id: String
    public var sweep: String
    public var name: String?
    public var seed: Int
    public var state: RunState
    /// The highest evaluated step.
    public var step: Int?
    public var upstreamLoss: Double?
    public var downstreamLoss: Double?
    /// The final losses in bits per byte (nil for metrics from before schema v3).
    public var upstreamBPB: Double?
    public var downstreamBPB: Double?
    /// The process's seconds when finished, else the training seconds of the last evaluation.
    public var wallSeconds: Double?
    public var position: Int
    /// The trial's tokenizer identity, nil before its metrics name it.
    public var tokenizer: String?

    enum CodingKeys: String, CodingKey {
        case id, sweep, name, seed, state, step, position, tokenizer
        case upstreamLoss = "upstream_loss", downstreamLoss = "downstream_loss", wallSeconds = "wall_s"
        case upstreamBPB = "upstream_bpb", downstreamBPB = "downstream_bpb"
    }
}
