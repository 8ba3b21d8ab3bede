import RewarmEngine
import RewarmStore

/// Short names for config keys and values, so condition labels fit in a GitHub table.
enum ConfigLabels {
    /// Abbreviations of the keys sweeps vary most; other keys keep their name.
    static let abbreviations: [String: String] = [
        "learning_rate": "lr", "warmup_ratio": "warmup", "warmup_steps": "warmup_n",
        "lr_scheduler_type": "sched", "min_lr_ratio": "min_lr", "replay_ratio": "replay",
        "init_from": "init", "finetuning_type": "ft", "lora_rank": "rank", "lora_alpha": "alpha",
        "max_steps": "T", "dataset": "data", "upstream": "up", "per_device_train_batch_size": "batch",
    ]

    /// The short name of `key` ("lr" for learning_rate).
    static func short(_ key: String) -> String { abbreviations[key] ?? key }

    /// A value as a person writes it: strings bare, numbers compact ("0.003", "1e-08").
    static func plain(_ value: ConfigValue) -> String {
        switch value {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): ReportFormat.compact(d)
        case .bool(let b): b ? "true" : "false"
        case .list(let items): "[" + items.map(plain).joined(separator: ",") + "]"
        case .map(let pairs): "{" + pairs.keys.sorted().map { "\($0):\(plain(pairs[$0]!))" }.joined(separator: ",") + "}"
        case .null: "null"
        }
    }

    /// `lr=0.003 warmup=0.01` for the keys of `diff` (sorted by key, `seed` left out);
    /// "(defaults)" when nothing differs.
    static func label(diff: [String: ConfigValue]) -> String {
        let keys = diff.keys.filter { $0 != "seed" }.sorted()
        return keys.isEmpty ? "(defaults)" : keys.map { "\(short($0))=\(plain(diff[$0]!))" }.joined(separator: " ")
    }

    /// "lr = learning_rate, warmup = warmup_ratio" for the abbreviated keys among `keys`; nil if none.
    static func legend(keys: some Sequence<String>) -> String? {
        let used = Set(keys).filter { abbreviations[$0] != nil }.sorted()
        return used.isEmpty ? nil : used.map { "\(abbreviations[$0]!) = \($0)" }.joined(separator: ", ")
    }
}
