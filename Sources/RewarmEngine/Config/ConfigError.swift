/// Why a run config could not be loaded. Each `description` is one line that starts with the
/// source (a file name, `--set`, or what the caller named) and names the key and the value.
public enum ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be read.
    case unreadableFile(source: String, reason: String)
    /// The text is not YAML; line and column are 1-based, as Yams reports them.
    case malformedYAML(source: String, line: Int, column: Int, problem: String)
    /// The same key twice in one map.
    case duplicateKey(source: String, line: Int, column: Int, key: String)
    /// The top level of the YAML is a list or a scalar, not a map of keys to values.
    case notAMap(source: String, got: String)
    /// A `--set` argument without `=`, or with an empty key.
    case malformedOverride(String)
    /// A key no `ConfigKey` has, with the closest valid key if one is close.
    case unknownKey(source: String, key: String, suggestion: String?)
    /// A required key (such as `dataset`) that no source gives.
    case missingKey(source: String, key: String)
    /// A value of the wrong kind; `expected` reads "an integer", `got` is the value as written.
    case wrongType(source: String, key: String, expected: String, got: String)
    /// A value outside the key's range; `requirement` reads "> 0", "in [0, 1]", ...
    case outOfRange(source: String, key: String, requirement: String, got: String)
    /// A name that is not one of the valid ones (preset, scheduler, fine-tuning type, module).
    case invalidChoice(source: String, key: String, value: String, valid: [String])
    /// A key given explicitly that only applies to other fine-tuning types (`lora_rank` with `full`).
    case notApplicable(source: String, key: String, appliesTo: [String], finetuningType: String)
    /// `num_attention_heads` must divide `hidden_size` into heads of even width (rotary pairs).
    case headsDoNotDivideHidden(source: String, heads: Int, hidden: Int)
    /// `num_key_value_heads` must divide `num_attention_heads` (groups of query heads per key/value head).
    case keyValueHeadsDoNotDivideHeads(source: String, keyValueHeads: Int, heads: Int)
    /// A value that another key's value rules out (`rewarm: false` from scratch); `otherKey` and
    /// `otherState` name the other side when there is one (`init_from`, "starts from scratch").
    case conflict(source: String, key: String, problem: String, otherKey: String?, otherState: String?)

    public var description: String {
        switch self {
        case let .unreadableFile(source, reason):
            "\(source): cannot read the config file: \(reason)"
        case let .malformedYAML(source, line, column, problem):
            "\(source):\(line):\(column): malformed YAML: \(problem)"
        case let .duplicateKey(source, line, column, key):
            "\(source):\(line):\(column): duplicate key '\(key)'"
        case let .notAMap(source, got):
            "\(source): expected a map of keys to values at the top level, got \(got)"
        case let .malformedOverride(text):
            "--set: malformed override '\(text)' (expected key=value, e.g. learning_rate=3e-4)"
        case let .unknownKey(source, key, suggestion):
            "\(source): unknown key '\(key)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
        case let .missingKey(source, key):
            "\(source): missing required key '\(key)'"
        case let .wrongType(source, key, expected, got):
            "\(source): key '\(key)' expects \(expected), got \(got)"
        case let .outOfRange(source, key, requirement, got):
            "\(source): \(key) must be \(requirement), got \(got)"
        case let .invalidChoice(source, key, value, valid):
            "\(source): unknown \(key) '\(value)' (valid: \(valid.joined(separator: ", ")))"
        case let .notApplicable(source, key, appliesTo, finetuningType):
            "\(source): key '\(key)' applies only to finetuning_type "
                + appliesTo.joined(separator: " or ") + ", but finetuning_type is \(finetuningType)"
        case let .headsDoNotDivideHidden(source, heads, hidden):
            "\(source): num_attention_heads (\(heads)) must divide hidden_size (\(hidden)) "
                + "into heads of even width"
        case let .keyValueHeadsDoNotDivideHeads(source, keyValueHeads, heads):
            "\(source): num_key_value_heads (\(keyValueHeads)) must divide num_attention_heads (\(heads))"
        case let .conflict(source, key, problem, otherKey, otherState):
            "\(source): \(key) \(problem)" + (otherKey.map { ", but \($0) \(otherState ?? "")" } ?? "")
        }
    }
}
