import Foundation

/// The kind of value a config key holds; drives parsing, checking and messages.
public enum ConfigType: Sendable, Equatable {
    case int
    /// A real number; integers are accepted.
    case double
    case bool
    case string
    /// One of a fixed set of names.
    case choice([String])
    /// A list of numbers (a single number is a list of one).
    case numberList
    /// `all`, or a comma list (or YAML list) of these module names; normalised to a canonical list.
    case moduleList([String])
    /// A YAML list (or comma list) of some of these module names, no `all`; normalised to a
    /// canonical list in this order; an empty list is null.
    case moduleSet([String])
    /// A list of maps, each of some of these keys to values of their own types (`stages`).
    case stageList([String])

    /// How a message names what the key expects: "an integer", "a number", ...
    public var expectation: String {
        switch self {
        case .int: "an integer"
        case .double: "a number"
        case .bool: "true or false"
        case .string: "a string"
        case .choice(let names): "one of " + names.joined(separator: ", ")
        case .numberList: "a list of numbers such as [0.25, 0.5]"
        case .moduleList(let names): "'all' or a comma list of " + names.joined(separator: ",")
        case .moduleSet(let names): "a list of module names from " + names.joined(separator: ", ")
        case .stageList(let names): "a list of maps of " + names.joined(separator: ", ")
        }
    }

    /// Whether a YAML scalar for this key is read as its text (so `run_name: 2024` is "2024").
    var isText: Bool {
        switch self {
        case .string, .choice, .moduleList, .moduleSet: true
        default: false
        }
    }
}

/// The allowed values of a numeric key (or of each element of a number list).
public enum ValueRange: Sendable, Equatable {
    /// x > a
    case greaterThan(Double)
    /// x >= a
    case atLeast(Double)
    /// a <= x <= b
    case closed(Double, Double)
    /// a <= x < b
    case closedOpen(Double, Double)
    /// a < x <= b
    case openClosed(Double, Double)
    /// x is one of these
    case oneOf([Double])

    public func contains(_ x: Double) -> Bool {
        switch self {
        case .greaterThan(let a): x > a
        case .atLeast(let a): x >= a
        case .closed(let a, let b): x >= a && x <= b
        case .closedOpen(let a, let b): x >= a && x < b
        case .openClosed(let a, let b): x > a && x <= b
        case .oneOf(let values): values.contains(x)
        }
    }

    /// The phrase after "must be": "> 0", ">= 1", "in [0, 1)", "4".
    public var requirement: String {
        let f = ConfigValue.compact
        return switch self {
        case .greaterThan(let a): "> \(f(a))"
        case .atLeast(let a): ">= \(f(a))"
        case .closed(let a, let b): "in [\(f(a)), \(f(b))]"
        case .closedOpen(let a, let b): "in [\(f(a)), \(f(b)))"
        case .openClosed(let a, let b): "in (\(f(a)), \(f(b))]"
        case .oneOf(let values) where values.count == 1: f(values[0])
        case .oneOf(let values): "one of " + values.map(f).joined(separator: ", ")
        }
    }
}

/// One key of `RunConfig`: its YAML name, type, range and doc, and how it reads and writes the
/// stored property. `RunConfig.keys` lists them all; loading, `--set`, validation, the YAML
/// writer and the closest-key suggestion are driven by that list.
public struct ConfigKey: Sendable {
    /// The snake_case name researchers type (`learning_rate`).
    public let name: String
    public let type: ConfigType
    /// Whether `null` is accepted: a value of its own for optional keys ("preset's", "none"),
    /// "the default" for keys that apply only to some fine-tuning types.
    public let acceptsNull: Bool
    /// Whether a config without this key is an error (`dataset`).
    public let isRequired: Bool
    public let range: ValueRange?
    /// The fine-tuning types this key applies to (nil: all). Giving it explicitly (not null) for
    /// another type is an error, and the resolved YAML shows it as null.
    public let appliesTo: [String]?
    /// One sentence for `--help` and `docs/config-keys.md`.
    public let doc: String
    let read: @Sendable (RunConfig) -> ConfigValue
    let write: @Sendable (inout RunConfig, ConfigValue) -> Void

    /// The value a config has when the key is not given (null for a required key).
    public var defaultValue: ConfigValue { isRequired ? .null : read(RunConfig.defaults) }

    /// Checks `value` against the type and range and returns its canonical form (ints for int
    /// keys, doubles for number keys, sorted module lists, ...).
    func canonical(_ value: ConfigValue, source: String) throws(ConfigError) -> ConfigValue {
        func wrongType() -> ConfigError {
            .wrongType(source: source, key: name, expected: type.expectation, got: value.description)
        }
        if value == .null {
            if acceptsNull { return .null }
            throw isRequired ? .missingKey(source: source, key: name) : wrongType()
        }
        switch type {
        case .int:
            guard let i = value.integer, !value.isListOrBool else { throw wrongType() }
            try check(Double(i), shown: String(i), source: source)
            return .int(i)
        case .double:
            guard let d = value.number, !value.isListOrBool else { throw wrongType() }
            try check(d, shown: value.description, source: source)
            return .double(d)
        case .bool:
            switch value {
            case .bool(let b): return .bool(b)
            case .string("true"): return .bool(true)
            case .string("false"): return .bool(false)
            default: throw wrongType()
            }
        case .string:
            guard case .string(let s) = value else { throw wrongType() }
            return .string(s)
        case .choice(let names):
            guard case .string(let s) = value else { throw wrongType() }
            guard names.contains(s) else {
                throw .invalidChoice(source: source, key: name, value: s, valid: names)
            }
            return .string(s)
        case .numberList:
            let items: [ConfigValue] = if case .list(let l) = value { l } else { [value] }
            var numbers: [ConfigValue] = []
            for item in items {
                guard let d = item.number, !item.isListOrBool else { throw wrongType() }
                try check(d, shown: item.description, source: source)
                numbers.append(.double(d))
            }
            return .list(numbers)
        case .moduleList(let modules):
            return .string(try canonicalModules(value, modules: modules, source: source, wrongType: wrongType))
        case .moduleSet(let modules):
            let names = try moduleNames(value, wrongType: wrongType)
            for module in names.sorted() where !modules.contains(module) {
                throw .invalidChoice(source: source, key: name, value: module, valid: modules)
            }
            let chosen = modules.filter(names.contains)
            return chosen.isEmpty ? .null : .string(chosen.joined(separator: ","))
        case .stageList(let allowed):
            return try canonicalStages(value, allowed: allowed, source: source, wrongType: wrongType)
        }
    }

    /// Each stage's map with its keys checked against `allowed` (accepted aliases read as their
    /// key) and its values in their own keys' canonical forms; errors name `stages[i]`.
    private func canonicalStages(
        _ value: ConfigValue, allowed: [String], source: String, wrongType: () -> ConfigError
    ) throws(ConfigError) -> ConfigValue {
        guard case .list(let items) = value, !items.isEmpty else { throw wrongType() }
        var stages: [ConfigValue] = []
        for (i, item) in items.enumerated() {
            let at = "\(source): \(name)[\(i)]"
            guard case .map(let given) = item else {
                throw .wrongType(source: source, key: "\(name)[\(i)]", expected: "a map of stage keys",
                                 got: item.description)
            }
            var stage: [String: ConfigValue] = [:]
            for written in given.keys.sorted() {
                let canonicalName = RunConfig.canonicalKeyName(written)
                guard allowed.contains(canonicalName), let key = RunConfig.key(named: canonicalName) else {
                    throw .unknownKey(source: at, key: written,
                                      suggestion: NameSuggestion.closest(written, among: allowed))
                }
                if stage[canonicalName] != nil {
                    throw .conflict(source: at, key: written, problem: "and \(canonicalName) are the same key: give one",
                                    otherKey: nil, otherState: nil)
                }
                stage[canonicalName] = try key.canonical(given[written] ?? .null, source: at)
            }
            stages.append(.map(stage))
        }
        return .list(stages)
    }

    private func check(_ x: Double, shown: String, source: String) throws(ConfigError) {
        guard x.isFinite else {
            throw .outOfRange(source: source, key: name, requirement: "a finite number", got: shown)
        }
        if let range, !range.contains(x) {
            throw .outOfRange(source: source, key: name, requirement: range.requirement, got: shown)
        }
    }

    /// "all", or the named modules in `modules`' order, without repeats, joined by commas
    /// ("v_proj, q_proj,q_proj" -> "q_proj,v_proj"); naming every module gives "all".
    private func canonicalModules(
        _ value: ConfigValue, modules: [String], source: String, wrongType: () -> ConfigError
    ) throws(ConfigError) -> String {
        let given = try moduleNames(value, wrongType: wrongType)
        guard !given.isEmpty else { throw wrongType() }
        if given.contains("all") { return "all" }
        for module in given.sorted() where !modules.contains(module) {
            throw .invalidChoice(source: source, key: name, value: module, valid: ["all"] + modules)
        }
        let chosen = modules.filter(given.contains)
        return chosen.count == modules.count ? "all" : chosen.joined(separator: ",")
    }

    /// The names of a comma list or a YAML list of strings, trimmed, without empties or repeats.
    private func moduleNames(_ value: ConfigValue, wrongType: () -> ConfigError) throws(ConfigError) -> Set<String> {
        var names: [String] = []
        switch value {
        case .string(let s): names = s.split(separator: ",").map { String($0) }
        case .list(let items):
            for item in items {
                guard case .string(let s) = item else { throw wrongType() }
                names.append(s)
            }
        default: throw wrongType()
        }
        return Set(names.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }
}

extension ConfigValue {
    fileprivate var isListOrBool: Bool {
        switch self {
        case .list, .bool: true
        default: false
        }
    }
}
