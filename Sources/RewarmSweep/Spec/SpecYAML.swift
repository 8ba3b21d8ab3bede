import RewarmEngine
import RewarmStore
import Yams

/// The YAML side of a sweep spec, through Yams: composing the node tree (malformed YAML and
/// duplicate keys become `SpecError`s with a position), reading config values from nodes as the
/// engine's config loader does, and naming nodes in messages.
enum SpecYAML {
    /// The root node of `text` (nil for an empty document).
    static func compose(_ text: String, file: String) throws(SpecError) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            throw duplicateKeyError(text, file: file, key: duplicates.first ?? "?", mark: context.mark)
        } catch {
            throw malformed(error, file: file)
        }
    }

    // MARK: Values

    /// The value of `node` for the run-config key `key`, written at `path`. Scalars take the type
    /// YAML gives them (`3`, `0.5`, `1e-3`, `true`, `null`), except that keys of text type read
    /// any non-null scalar as its text (`init_from: base@0.07`, `lora_target: q_proj,v_proj`),
    /// as `RunConfig.values(fromYAML:source:)` reads a config file.
    static func value(of node: Node, for key: ConfigKey, path: String, file: String) throws(SpecError) -> ConfigValue {
        switch node {
        case .scalar(let scalar):
            return RunConfig.scalarValue(text: scalar.string, resolvedTag: node.tag.rawValue, for: key)
        case .sequence(let sequence):
            var items: [ConfigValue] = []
            for (i, item) in sequence.enumerated() {
                items.append(try value(of: item, for: key, path: "\(path)[\(i)]", file: file))
            }
            return .list(items)
        case .mapping(let mapping):
            guard case .stageList = key.type else {
                throw .wrongType(file: file, path: path, expected: key.type.expectation, got: describe(node))
            }
            // a stage of `stages`: each member read as its own key reads it (names are checked
            // when the trial's config is built)
            var members: [String: ConfigValue] = [:]
            for (memberNode, valueNode) in mapping {
                let member = text(memberNode)
                let memberKey = RunConfig.key(named: RunConfig.canonicalKeyName(member)) ?? key
                members[member] = try value(of: valueNode, for: memberKey, path: "\(path).\(member)", file: file)
            }
            return .map(members)
        case .alias:
            throw .wrongType(file: file, path: path, expected: key.type.expectation, got: describe(node))
        }
    }


    /// How a message quotes a node: `"text"` for strings, numbers and booleans as written,
    /// "a map", "a list".
    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: "null"
            case .bool, .int, .float: scalar.string
            default: scalar.string.debugDescription
            }
        case .mapping: "a map"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// The text of a map key (`learning_rate`), or of any scalar node.
    static func text(_ node: Node) -> String {
        node.scalar?.string ?? describe(node)
    }

    // MARK: Errors

    /// A Yams error as a one-line `SpecError` with the line and column Yams reports.
    static func malformed(_ error: any Error, file: String) -> SpecError {
        let at = YAMLErrorLocation(error)
        return .malformedYAML(file: file, line: at.line, column: at.column, problem: at.problem)
    }

    /// Yams refuses a map with a repeated key before it builds the tree, and says only the key and
    /// where its first occurrence starts. To name the key's path (`grid.learning_rate`), rename
    /// that occurrence to a marker, compose again (renaming further repeats the same way), and
    /// find the marker in the tree; its map also gives the line of the repeat.
    private static func duplicateKeyError(_ text: String, file: String, key: String, mark: Mark) -> SpecError {
        let marker = "__rewarm_duplicate_"
        var edited = text
        var next = mark
        for round in 0..<64 {
            guard let inserted = insert("\(marker)\(round)_", in: edited, at: next) else { break }
            edited = inserted
            do {
                guard let root = try Yams.compose(yaml: edited),
                      let found = locate(prefix: "\(marker)0_", in: root, path: "")
                else { break }
                let repeats = found.siblings
                    .filter { unmarked(SpecYAML.text($0), marker: marker) == key }
                    .compactMap { $0.mark?.line }
                let path = found.path.isEmpty ? key : "\(found.path).\(key)"
                return .duplicateKey(file: file, path: path, lines: [mark.line] + repeats)
            } catch let YamlError.duplicatedKeysInMapping(_, context) {
                next = context.mark
            } catch {
                break
            }
        }
        return .duplicateKey(file: file, path: key, lines: [mark.line])
    }

    /// `name` without a leading `<marker><digits>_`.
    private static func unmarked(_ name: String, marker: String) -> String {
        guard name.hasPrefix(marker) else { return name }
        let rest = name.dropFirst(marker.count).drop(while: \.isNumber)
        return rest.hasPrefix("_") ? String(rest.dropFirst()) : name
    }

    /// `text` with `insertion` placed at `mark` (1-based line, 1-based column in Unicode scalars).
    private static func insert(_ insertion: String, in text: String, at mark: Mark) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        var scalars = Array(lines[mark.line - 1].unicodeScalars)
        guard mark.column >= 1, mark.column <= scalars.count + 1 else { return nil }
        scalars.insert(contentsOf: insertion.unicodeScalars, at: mark.column - 1)
        var line = String.UnicodeScalarView()
        line.append(contentsOf: scalars)
        lines[mark.line - 1] = String(line)
        return lines.joined(separator: "\n")
    }

    /// The path of the map holding a key that starts with `prefix`, and that map's other keys.
    private static func locate(prefix: String, in node: Node, path: String) -> (path: String, siblings: [Node])? {
        switch node {
        case .mapping(let mapping):
            if mapping.keys.contains(where: { text($0).hasPrefix(prefix) }) {
                return (path, mapping.keys.filter { !text($0).hasPrefix(prefix) })
            }
            for (key, value) in mapping {
                let name = text(key)
                if let found = locate(prefix: prefix, in: value, path: path.isEmpty ? name : "\(path).\(name)") {
                    return found
                }
            }
        case .sequence(let sequence):
            for (i, item) in sequence.enumerated() {
                if let found = locate(prefix: prefix, in: item, path: "\(path)[\(i)]") { return found }
            }
        case .scalar, .alias:
            break
        }
        return nil
    }
}
