import RewarmEngine
import RewarmStore

/// Why a sweep spec could not be loaded or expanded. Each `description` is one line,
/// `FILE: KEY.PATH: problem`, where the path names the spot in the spec (`grid.warmup_ratio[2]`,
/// `trials[1].init_from`, `base.save_at`; indexes are 0-based), e.g.
/// `max-lr.yaml: grid.learning_rat: unknown key (did you mean 'learning_rate'?)`.
public enum SpecError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be read.
    case unreadableFile(file: String, reason: String)
    /// The text is not YAML; line and column are 1-based, as Yams reports them.
    case malformedYAML(file: String, line: Int, column: Int, problem: String)
    /// A required key (`name`, `base`, a run's `dataset`) is not given.
    case missingKey(file: String, path: String)
    /// A key the spec (or the run config) does not have, with the closest valid one if one is close.
    case unknownKey(file: String, path: String, suggestion: String?)
    /// A value of the wrong kind: `expected` reads "a map of config keys", `got` quotes the value.
    case wrongType(file: String, path: String, expected: String, got: String)
    /// The same key twice in one map (for `grid`, the same axis); `lines` are where (1-based).
    case duplicateKey(file: String, path: String, lines: [Int])
    /// A grid axis with no values.
    case emptyAxis(file: String, path: String)
    /// A value the run config or the sweep refuses: out of range, not a valid choice, a LoRA key
    /// on a non-LoRA trial, a key the sweep sets itself. `problem` says which and how.
    case invalidValue(file: String, path: String, problem: String)
    /// A `dataset`, `downstream` or `upstream` value that is neither a built-in corpus nor an
    /// existing file or folder; `problem` is the corpus loader's message.
    case unknownCorpus(file: String, path: String, problem: String)
    /// `init_from: base@F` where F is not one of the base's `save_at` fractions.
    case unknownCheckpoint(file: String, path: String, value: String, saveAt: [Double])

    public var description: String {
        switch self {
        case let .unreadableFile(file, reason):
            "\(file): cannot read the sweep spec: \(reason)"
        case let .malformedYAML(file, line, column, problem):
            "\(file):\(line):\(column): malformed YAML: \(problem)"
        case let .missingKey(file, path):
            "\(file): \(path): required key missing"
        case let .unknownKey(file, path, suggestion):
            "\(file): \(path): unknown key" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
        case let .wrongType(file, path, expected, got):
            "\(SpecError.prefix(file, path))expects \(expected), got \(got)"
        case let .duplicateKey(file, path, lines):
            "\(file): \(path): duplicate \(path.hasPrefix("grid.") ? "axis" : "key")"
                + (lines.isEmpty ? "" : " (lines " + lines.map(String.init).joined(separator: " and ") + ")")
        case let .emptyAxis(file, path):
            "\(file): \(path): empty axis (give at least one value)"
        case let .invalidValue(file, path, problem), let .unknownCorpus(file, path, problem):
            "\(SpecError.prefix(file, path))\(problem)"
        case let .unknownCheckpoint(file, path, value, saveAt):
            "\(file): \(path): \(value) is not a kept checkpoint of the base (base.save_at is ["
                + saveAt.map { "\($0)" }.joined(separator: ", ") + "])"
        }
    }

    /// `FILE: PATH: `, or `FILE: ` for the top level (empty path).
    private static func prefix(_ file: String, _ path: String) -> String {
        path.isEmpty ? "\(file): " : "\(file): \(path): "
    }
}

extension SpecError {
    /// A `ConfigError` of the run config built for one trial (or the base), told at the spec path
    /// the offending key's value came from (`path(key)`).
    static func from(_ error: ConfigError, file: String, path plainPath: (String) -> String) -> SpecError {
        switch error {
        case let .unknownKey(source, key, suggestion):
            return .unknownKey(file: file, path: stagePath(source, key, plainPath), suggestion: suggestion)
        case let .missingKey(source, key):
            return .missingKey(file: file, path: stagePath(source, key, plainPath))
        case let .wrongType(source, key, expected, got):
            return .wrongType(file: file, path: stagePath(source, key, plainPath), expected: expected, got: got)
        case let .outOfRange(source, key, requirement, got):
            return .invalidValue(file: file, path: stagePath(source, key, plainPath),
                                 problem: "must be \(requirement), got \(got)")
        case let .invalidChoice(source, key, value, valid):
            return .invalidValue(
                file: file, path: stagePath(source, key, plainPath),
                problem: "unknown \(key) '\(value)' (valid: \(valid.joined(separator: ", ")))")
        case let .notApplicable(source, key, appliesTo, finetuningType):
            return .invalidValue(
                file: file, path: stagePath(source, key, plainPath),
                problem: "applies only to finetuning_type \(appliesTo.joined(separator: " or ")), "
                    + "but finetuning_type is \(finetuningType)")
        case let .headsDoNotDivideHidden(_, heads, hidden):
            return .invalidValue(
                file: file, path: plainPath("num_attention_heads"),
                problem: "num_attention_heads (\(heads)) must divide hidden_size (\(hidden)) into heads of even width")
        case let .keyValueHeadsDoNotDivideHeads(_, keyValueHeads, heads):
            return .invalidValue(
                file: file, path: plainPath("num_key_value_heads"),
                problem: "num_key_value_heads (\(keyValueHeads)) must divide num_attention_heads (\(heads))")
        case let .conflict(source, key, problem, otherKey, otherState):
            return .invalidValue(
                file: file, path: stagePath(source, key, plainPath),
                problem: problem + (otherKey.map { ", but \(plainPath($0)) \(otherState ?? "")" } ?? ""))
        case .unreadableFile, .malformedYAML, .duplicateKey, .notAMap, .malformedOverride:
            return .invalidValue(file: file, path: "", problem: error.description)
        }
    }

    /// The spec path of `key` in the error of a stage (`RunConfig.buildStages` names the stage in
    /// the error's source: `stages[1]`, `recipe gradual_unfreeze stage 3`): under the spec path of
    /// `stages` or `recipe` (`trials[2].stages[1].learning_rate`); else `path(key)`.
    static func stagePath(_ source: String, _ key: String, _ path: (String) -> String) -> String {
        if let open = source.range(of: "stages["), let close = source[open.upperBound...].firstIndex(of: "]") {
            return "\(path("stages"))[\(source[open.upperBound..<close])].\(key)"
        }
        if let recipe = source.range(of: "recipe "), let stage = source.range(of: " stage ", range: recipe.upperBound..<source.endIndex) {
            return "\(path("recipe")) (stage \(source[stage.upperBound...])).\(key)"
        }
        return path(key)
    }
}
