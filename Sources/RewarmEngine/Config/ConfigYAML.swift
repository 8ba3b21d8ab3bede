import Foundation
import Yams

/// The YAML side of the run config, all through Yams: reading a flat map of keys into
/// `ConfigValue`s, reading `--set key=value`, and emitting the resolved config.
enum ConfigYAML {
    /// The pairs of the top-level map of `text`, in file order; an empty document is an empty map.
    static func topLevelMap(_ text: String, source: String) throws(ConfigError) -> [(key: String, node: Node)] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw configError(error, source: source)
        }
        switch root {
        case nil:
            return []
        case .mapping(let mapping):
            return mapping.map { pair in (pair.key.scalar?.string ?? "\(pair.key)", pair.value) }
        case .sequence:
            throw .notAMap(source: source, got: "a list")
        case .scalar(let scalar):
            throw .notAMap(source: source, got: "the scalar \(ConfigValue.string(scalar.string))")
        case .alias:
            throw .notAMap(source: source, got: "an alias")
        }
    }

    /// The value of `node` for `key`. Scalars take the type YAML gives them (`3`, `0.5`, `1e-3`,
    /// `true`, `null`), except that the keys of text type read any non-null scalar as its text
    /// (`run_name: 2024` is "2024").
    static func value(of node: Node, for key: ConfigKey, source: String) throws(ConfigError) -> ConfigValue {
        switch node {
        case .scalar(let scalar):
            return RunConfig.scalarValue(text: scalar.string, resolvedTag: node.tag.rawValue, for: key)
        case .sequence(let sequence):
            var items: [ConfigValue] = []
            for item in sequence {
                items.append(try value(of: item, for: key, source: source))
            }
            return .list(items)
        case .mapping(let mapping):
            guard case .stageList = key.type else {
                throw .wrongType(source: source, key: key.name, expected: key.type.expectation, got: "a map")
            }
            // a stage: each member read as its own key reads it (unknown names are reported by
            // `ConfigKey.canonical`, which knows the stage's index)
            var members: [String: ConfigValue] = [:]
            for (memberNode, valueNode) in mapping {
                let member = memberNode.scalar?.string ?? "\(memberNode)"
                let memberKey = RunConfig.key(named: RunConfig.canonicalKeyName(member)) ?? key
                members[member] = try value(of: valueNode, for: memberKey, source: source)
            }
            return .map(members)
        case .alias:
            throw .wrongType(source: source, key: key.name, expected: key.type.expectation, got: "an alias")
        }
    }

    /// The flat keys and values a key group's map stands for (`RunConfig.keyGroups`:
    /// `extend_vocabulary: {train_on: C, new_tokens: N}` -> `extend_vocabulary_train_on: C`,
    /// `extend_vocabulary_new_tokens: N`); null sets every member to its default.
    static func groupMembers(_ node: Node, group: String, source: String) throws(ConfigError)
        -> [(key: String, value: ConfigValue)]
    {
        switch node {
        case .scalar where node.tag.rawValue == Tag.Name.null.rawValue:
            return RunConfig.keyGroupDefaults(group)
        case .mapping(let mapping):
            var members: [(key: String, value: ConfigValue)] = []
            for (memberNode, valueNode) in mapping {
                let member = memberNode.scalar?.string ?? "\(memberNode)"
                guard let name = RunConfig.groupMemberKey(group: group, member: member),
                      let key = RunConfig.key(named: name)
                else {
                    throw .unknownKey(source: source, key: "\(group).\(member)",
                                      suggestion: NameSuggestion.closest(member, among: RunConfig.keyGroups[group] ?? [])
                                          .map { "\(group).\($0)" })
                }
                if members.contains(where: { $0.key == name }) {
                    throw .duplicateKey(source: source, line: memberNode.mark?.line ?? 0,
                                        column: memberNode.mark?.column ?? 0, key: "\(group).\(member)")
                }
                members.append((name, try value(of: valueNode, for: key, source: source)))
            }
            return members
        default:
            let got = switch node {
            case .scalar(let scalar): "the scalar \(ConfigValue.string(scalar.string))"
            case .sequence: "a list"
            default: "an alias"
            }
            throw .wrongType(source: source, key: group, expected: RunConfig.keyGroupExpectation(group), got: got)
        }
    }

    /// The value of `--set key=value` text (what follows the first `=`). It is read as YAML, so
    /// `1e-3` is a number and `[0.5,1.0]` a list; for keys of text type a value that does not
    /// start with a quote or `[` is taken as written (`dataset=*.txt`), and empty means null.
    static func overrideValue(_ raw: String, for key: ConfigKey) throws(ConfigError) -> ConfigValue {
        let source = "--set \(key.name)"
        let text = raw.trimmingCharacters(in: .whitespaces)
        if key.type.isText, let first = text.first, !"'\"[".contains(first),
           !["null", "Null", "NULL", "~"].contains(text) {
            return .string(text)
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw configError(error, source: source)
        }
        guard let node else { return .null }
        return try value(of: node, for: key, source: source)
    }

    /// YAML for `pairs` in their order, one `key: value` line each, written by Yams' emitter.
    /// Numbers keep every digit (Swift's shortest round-trip form, with ".0" added to a bare
    /// mantissa so YAML 1.1 readers see a float: 1e-08 -> 1.0e-08); lists are in flow style.
    static func emit(_ pairs: [(key: String, value: ConfigValue)]) -> String {
        let root = Node.mapping(Node.Mapping(pairs.map { (Node($0.key), node(for: $0.value)) }))
        do {
            return try Yams.serialize(node: root, width: -1, allowUnicode: true)
        } catch {
            preconditionFailure("Yams could not emit a flat map of scalars: \(error)")
        }
    }

    private static func node(for value: ConfigValue) -> Node {
        switch value {
        case .string(let s): .scalar(s.represented())
        case .int(let i): Node(String(i), Tag(.int))
        case .double(let d): Node(floatText(d), Tag(.float))
        case .bool(let b): Node(b ? "true" : "false", Tag(.bool))
        case .null: Node("null", Tag(.null))
        case .list(let items) where items.contains(where: \.isMap):
            .sequence(Node.Sequence(items.map(node(for:)), Tag(.seq), .block))
        case .list(let items): .sequence(Node.Sequence(items.map(node(for:)), Tag(.seq), .flow))
        case .map(let pairs):
            .mapping(Node.Mapping(pairs.keys.sorted().map { (Node($0), node(for: pairs[$0]!)) }, Tag(.map), .flow))
        }
    }

    static func floatText(_ d: Double) -> String {
        var text = "\(d)"
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }), !text[..<e].contains(".") {
            text.insert(contentsOf: ".0", at: e)
        }
        return text
    }

    /// A Yams error as a one-line `ConfigError` with the line and column Yams reports.
    static func configError(_ error: any Error, source: String) -> ConfigError {
        if case let YamlError.duplicatedKeysInMapping(duplicates, context)? = error as? YamlError {
            return .duplicateKey(
                source: source, line: context.mark.line, column: context.mark.column, key: duplicates.first ?? "?")
        }
        let at = YAMLErrorLocation(error)
        return .malformedYAML(source: source, line: at.line, column: at.column, problem: at.problem)
    }
}

extension RunConfig {
    /// A YAML scalar as the value of `key`: `text` as written and the tag YAML resolved it to
    /// (`tag:yaml.org,2002:int`, ...: null, bool, int and float become those values), except that
    /// keys of text type read any non-null scalar as its text. Shared by run configs and sweep
    /// specs, so both read a value the same way; the public API takes plain strings, not Yams types.
    public static func scalarValue(text: String, resolvedTag: String, for key: ConfigKey) -> ConfigValue {
        let name = Tag.Name(rawValue: resolvedTag)
        if name == .null { return .null }
        if key.type.isText { return .string(text) }
        let node = Node(text, Tag(name))
        let typed: ConfigValue? = switch name {
        case .bool: node.bool.map(ConfigValue.bool)
        case .int: node.int.map(ConfigValue.int)
        case .float: node.float.map(ConfigValue.double)
        default: nil
        }
        return typed ?? .string(text)
    }
}
