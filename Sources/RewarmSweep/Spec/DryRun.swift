import RewarmEngine
import RewarmStore

/// The text of `rewarm sweep SPEC --dry-run`: what the spec expands to, in a fixed order
/// (expansion order, keys in `RunConfig.keys` order), never in a dictionary's order.
extension Expansion {
    /// One line for the base, one per distinct trial, then the summary:
    /// ```
    /// base 17b5ca8e8d3d8b1a  dataset=fortunes-en learning_rate=0.003 ... save_at=[0.07, 0.19, 1.0]
    /// 0f1e2d3c4b5a6978  seed=1  learning_rate=0.0015
    /// 8a7b6c5d4e3f2a1b  seed=1  rewarm=false  (6 points)
    /// 1c2d3e4f5a6b7c8d  seed=1  scratch    init_from=scratch
    /// 42 points -> 27 distinct trials (3 seeds)
    /// ```
    /// A trial line holds its id, seed, name (when any trial has one) and its `diff` as
    /// `key=value` (`(defaults)` when empty), and how many points it stands for when more than one.
    public func dryRunLines() -> [String] {
        // The base's keys that differ from a config that sets only its dataset (and the dataset).
        let reference = (try? RunConfig(values: ["dataset": base.values["dataset"] ?? .null], source: "base"))?.values
        let baseDiff = RunConfig.keys.compactMap { key -> String? in
            guard let value = base.values[key.name], key.name == "dataset" || value != reference?[key.name]
            else { return nil }
            return Expansion.setting(key.name, value)
        }
        var lines = ["base \(base.hash)  " + baseDiff.joined(separator: " ")]
        let nameWidth = trials.map { $0.name?.count ?? 0 }.max() ?? 0
        let seedWidth = trials.map { String($0.seed).count }.max() ?? 1
        for trial in trials {
            var columns = [trial.id, "seed=" + pad(String(trial.seed), seedWidth)]
            if nameWidth > 0 { columns.append(pad(trial.name ?? "", nameWidth)) }
            columns.append(trial.diffText)
            if trial.pointCount > 1 { columns.append("(\(trial.pointCount) points)") }
            lines.append(columns.joined(separator: "  "))
        }
        lines.append(summary)
        return lines
    }

    /// `42 points -> 27 distinct trials (3 seeds)`.
    public var summary: String {
        "\(Expansion.count(points, "point")) -> \(Expansion.count(trials.count, "distinct trial")) "
            + "(\(Expansion.count(seeds.count, "seed")))"
    }

    /// `key=value` with strings bare when they have no spaces, `init_from: null` as `scratch`.
    static func setting(_ key: String, _ value: ConfigValue) -> String {
        "\(key)=" + display(value, key: key)
    }

    static func display(_ value: ConfigValue, key: String) -> String {
        switch value {
        case .null where key == "init_from": "scratch"
        case .string(let s) where !s.isEmpty && !s.contains(where: \.isWhitespace): s
        case .double(let d): "\(d)"
        case .list(let items): "[" + items.map { display($0, key: key) }.joined(separator: ", ") + "]"
        case .map(let pairs): "{" + pairs.keys.sorted().map { "\($0): " + display(pairs[$0]!, key: $0) }
            .joined(separator: ", ") + "}"
        default: value.description
        }
    }

    private static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}

extension Trial {
    /// `diff` as `key=value` pairs (`learning_rate=0.0015 rewarm=false`), `(defaults)` when empty.
    public var diffText: String {
        diff.isEmpty ? "(defaults)" : diff.map { Expansion.setting($0.key, $0.value) }.joined(separator: " ")
    }
}
