import Foundation

/// One value of a config key, as a YAML file, a `--set key=value` override or a caller gives it,
/// before it is checked against the key's type and range (see `ConfigKey`).
///
/// Literals build values directly: `["learning_rate": 3e-4, "save_at": [0.5, 1.0], "init_from": nil]`.
public enum ConfigValue: Sendable, Hashable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case list([ConfigValue])
    /// A map of keys to values: one stage of `stages` (`{max_steps: 10, finetuning_type: lora}`).
    case map([String: ConfigValue])
    case null

    /// The value as a number: ints widen to doubles, strings such as "1e-3" parse.
    public var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        case .string(let s): Double(s.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// The value as an integer: integral doubles (`1e4`) and strings such as "100" convert.
    public var integer: Int? {
        switch self {
        case .int(let i): i
        case .double(let d): d.rounded() == d && abs(d) < 9e15 ? Int(d) : nil
        case .string(let s): Int(s.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    public var isNull: Bool { self == .null }

    public var isMap: Bool { if case .map = self { true } else { false } }

    /// A number without a needless ".0" (0 -> "0", 0.5 -> "0.5", -0.1 -> "-0.1", 1e-08 -> "1e-08"),
    /// for messages and bounds.
    static func compact(_ d: Double) -> String {
        d.isFinite && d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : "\(d)"
    }
}

extension ConfigValue: CustomStringConvertible {
    /// How an error message quotes the value: strings in double quotes (`"abc"`), numbers compact,
    /// lists as `[0.5, 1]`.
    public var description: String {
        switch self {
        case .string(let s): s.debugDescription
        case .int(let i): String(i)
        case .double(let d): ConfigValue.compact(d)
        case .bool(let b): b ? "true" : "false"
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let pairs):
            "{" + pairs.keys.sorted().map { "\($0): \(pairs[$0]!.description)" }.joined(separator: ", ") + "}"
        case .null: "null"
        }
    }
}

extension ConfigValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: ConfigValue...) { self = .list(elements) }
    public init(nilLiteral: ()) { self = .null }
}

/// JSON form: the plain JSON value (`null`, `true`, `3`, `0.5`, `"x"`, `[...]`, `{...}`).
extension ConfigValue: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let items = try? c.decode([ConfigValue].self) {
            self = .list(items)
        } else {
            self = .map(try c.decode([String: ConfigValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        case .list(let items): try c.encode(items)
        case .map(let pairs): try c.encode(pairs)
        case .null: try c.encodeNil()
        }
    }
}
