import Foundation
import RewarmEngine
import RewarmStore

/// One trial of a sweep with its evaluations, as the analysis and the reports read it.
public struct TrialSeries: Sendable {
    public let id: String
    /// The extra trial's name (`scratch`, `from-7pct`), nil for grid points.
    public let name: String?
    public let seed: Int
    public let state: RunState
    /// Canonical effective config (`init_from` symbolic: `base@F`, null for scratch, or a path).
    public let config: [String: ConfigValue]
    /// The keys that differ from the sweep's defaults.
    public let diff: [String: ConfigValue]
    /// Evaluations in step order (step 0 first). In a sweep whose `lossUnit` is bits per byte,
    /// `upstreamLoss` and `downstreamLoss` hold the bits per byte (`SweepData.inBitsPerByte`).
    public let metrics: [MetricsRecord]
    /// `TextTokenizer.identity` of the trial's tokenizer; nil when its metrics did not name one
    /// (runs from before it was recorded, which read bytes).
    public let tokenizer: String?
    /// Tokens per byte of the downstream validation text, from the first evaluation that
    /// records both its loss and its bits per byte (tokens/byte = bpb x ln 2 / loss); nil for a
    /// byte run without bpb. Kept when a sweep's losses are turned into bits per byte.
    public internal(set) var downstreamTokensPerByte: Double?

    /// The config without the seed: trials with equal conditions are seeds of one condition.
    public var condition: [String: ConfigValue] {
        var c = config
        c["seed"] = nil
        return c
    }

    /// Canonical text of `condition`, usable as a dictionary key.
    public var conditionKey: String { CanonicalJSON.text(condition) }

    public var maxSteps: Int { config["max_steps"]?.integer ?? metrics.last?.step ?? 0 }
    public var rewarm: Bool { if case .bool(let b)? = config["rewarm"] { b } else { true } }
    public var learningRate: Double? { config["learning_rate"]?.number }
    public var initFrom: String? { if case .string(let s)? = config["init_from"] { s } else { nil } }
    public var isScratch: Bool { config["init_from"] == nil || config["init_from"] == .null }

    public init(id: String, name: String?, seed: Int, state: RunState, config: [String: ConfigValue],
                diff: [String: ConfigValue], metrics: [MetricsRecord], tokenizer: String? = nil) {
        self.tokenizer = tokenizer
        self.id = id
        self.name = name
        self.seed = seed
        self.state = state
        self.config = config
        self.diff = diff
        self.metrics = metrics
        downstreamTokensPerByte = metrics.lazy.compactMap { m -> Double? in
            guard let bpb = m.downstreamBPB, m.downstreamLoss > 0, bpb.isFinite else { return nil }
            return bpb * log(2.0) / m.downstreamLoss
        }.first
    }
}

/// The unit of the losses a sweep's analysis compares.
public enum LossUnit: String, Sendable {
    /// Mean next-token cross-entropy in nats: every trial read bytes (Rewarm's byte models).
    case natsPerToken = "nats"
    /// Bits per byte of text, bpb = (sum of token losses in nats) / (bytes of text) / ln 2
    /// (docs/findings.md, "Vocabulary"): the trials used different tokenizers, whose per-token
    /// losses do not compare, or a BPE tokenizer, whose verdicts then stand beside the byte
    /// models' in one unit.
    case bitsPerByte = "bits per byte"
}

/// Everything the analysis of one sweep needs, read from the store.
public struct SweepData: Sendable {
    public let name: String
    public let specText: String
    /// The spec's description, nil when it has none.
    public let description: String?
    /// The grid axes in spec order, as the sweep recorded them; nil for a sweep recorded before
    /// the store kept them (the report then takes the keys that vary between grid conditions).
    public let axes: [SweepAxis]?
    public let trials: [TrialSeries]
    /// The base's evaluations (its `downstream_loss` is the upstream corpus's loss), step order.
    public let baseMetrics: [MetricsRecord]
    /// The base's config values, when the sweep has a recorded base.
    public let baseConfig: [String: ConfigValue]
    /// What the losses of `trials` and `baseMetrics` are in.
    public let lossUnit: LossUnit
    /// The distinct tokenizer identities of the trials and the base, sorted (a run that names
    /// none counts as "bytes").
    public let tokenizers: [String]

    public init(name: String, specText: String, description: String? = nil, axes: [SweepAxis]? = nil,
                trials: [TrialSeries], baseMetrics: [MetricsRecord], baseConfig: [String: ConfigValue],
                baseTokenizer: String? = nil) {
        self.name = name
        self.specText = specText
        self.description = description
        self.axes = axes
        self.baseConfig = baseConfig
        let bytes = TextTokenizer.bytes.identity
        let used = Set(trials.map { $0.tokenizer ?? bytes } + (baseMetrics.isEmpty ? [] : [baseTokenizer ?? bytes]))
        tokenizers = used.sorted()
        if used.count > 1 || used.first != bytes {
            lossUnit = .bitsPerByte
            self.trials = trials.map { t in
                var converted = TrialSeries(
                    id: t.id, name: t.name, seed: t.seed, state: t.state, config: t.config, diff: t.diff,
                    metrics: Self.inBitsPerByte(t.metrics, tokenizer: t.tokenizer), tokenizer: t.tokenizer)
                converted.downstreamTokensPerByte = t.downstreamTokensPerByte
                return converted
            }
            self.baseMetrics = Self.inBitsPerByte(baseMetrics, tokenizer: baseTokenizer)
        } else {
            lossUnit = .natsPerToken
            self.trials = trials
            self.baseMetrics = baseMetrics
        }
    }

    /// `records` with their losses replaced by their bits per byte. A line without bpb (written
    /// before it was recorded) is from a byte run, whose bpb is its loss / ln 2; a run of another
    /// tokenizer without bpb gets NaN, which the statistics leave out.
    static func inBitsPerByte(_ records: [MetricsRecord], tokenizer: String?) -> [MetricsRecord] {
        let isBytes = (tokenizer ?? TextTokenizer.bytes.identity) == TextTokenizer.bytes.identity
        func bpb(_ value: Double?, _ loss: Double?) -> Double? {
            value ?? loss.map { isBytes ? $0 / log(2.0) : .nan }
        }
        return records.map { r in
            var m = r
            m.upstreamLoss = bpb(r.upstreamBPB, r.upstreamLoss)
            m.downstreamLoss = bpb(r.downstreamBPB, r.downstreamLoss) ?? .nan
            m.upstreamBPB = m.upstreamLoss
            m.downstreamBPB = m.downstreamLoss
            return m
        }
    }

    /// The base model's final validation loss on its own corpus: the reference for forgetting
    /// (forgetting = a trial's upstream loss minus this).
    public var baseUpstreamLoss: Double? { baseMetrics.last?.downstreamLoss }

    /// Reads a sweep, its trials (in expansion order) and its base from the store.
    public static func load(store: ResultsStore, sweep: String) throws(StoreError) -> SweepData {
        guard let record = try store.sweep(named: sweep) else {
            throw StoreError.unknownSweep(path: store.path, name: sweep)
        }
        let trials = try store.trials(sweep: sweep)
        var series: [TrialSeries] = []
        for t in trials {
            series.append(TrialSeries(
                id: t.id, name: t.name, seed: t.seed, state: t.state,
                config: Self.withOmittedDefaults(Self.decode(t.configJSON)), diff: Self.decode(t.diffJSON),
                metrics: try store.metrics(trialID: t.id), tokenizer: t.tokenizer))
        }
        let baseHash = trials.compactMap(\.baseHash).first
        let baseMetrics = try baseHash.map { h throws(StoreError) in try store.baseMetrics(baseHash: h) } ?? []
        let base = try baseHash.flatMap { h throws(StoreError) in try store.base(hash: h) }
        return SweepData(name: sweep, specText: record.specText, description: record.description, axes: record.axes,
                         trials: series, baseMetrics: baseMetrics,
                         baseConfig: base.map { Self.decode($0.configJSON) } ?? [:],
                         baseTokenizer: base?.tokenizer)
    }

    static func decode(_ json: String) -> [String: ConfigValue] {
        (try? JSONDecoder().decode([String: ConfigValue].self, from: Data(json.utf8))) ?? [:]
    }

    /// `config` with the keys a stored config leaves out at their default
    /// (`RunConfig.keysOmittedAtDefault`, e.g. `reset_optimizer: true`) filled in, so conditions
    /// show and compare them by value.
    static func withOmittedDefaults(_ config: [String: ConfigValue]) -> [String: ConfigValue] {
        guard !config.isEmpty else { return config }
        var filled = config
        for name in RunConfig.keysOmittedAtDefault where filled[name] == nil {
            filled[name] = RunConfig.key(named: name)?.defaultValue
        }
        return filled
    }
}
