import RewarmEngine
import RewarmStore
import Yams

/// Reads the node tree of a spec into a `SweepSpec`: top-level keys, sections, config keys (with
/// the `downstream` alias), grid axes, extra trials and seeds. Every error names the key path.
struct SpecParser {
    let file: String

    /// Config keys the sweep sets for every run, refused in a spec, with the reason.
    static let sweepOwnedKeys = [
        "output_dir": "set by the sweep (the run folder under the results folder)",
        "run_name": "set by the sweep (the trial id)",
    ]
    /// `downstream` is another name for `dataset` in defaults, grid and trials.
    static let aliases = ["downstream": "dataset"]

    func parse(_ text: String) throws(SpecError) -> SweepSpec {
        guard let root = try SpecYAML.compose(text, file: file) else {
            throw .missingKey(file: file, path: "name")
        }
        guard case .mapping(let top) = root else {
            throw .wrongType(file: file, path: "", expected: "a map with name, base, defaults, grid, trials and seeds",
                             got: SpecYAML.describe(root))
        }
        var name: String?
        var description: String?
        var base: [SpecSetting]?
        var defaults: [SpecSetting] = []
        var grid: [GridAxis] = []
        var trials: [ExtraTrial] = []
        var seeds = [1]
        var executor: SweepExecutor?
        for (keyNode, node) in top {
            let key = SpecYAML.text(keyNode)
            switch key {
            case "name": name = try sweepName(node)
            case "description": description = try isNull(node) ? nil : scalarText(node, path: key)
            case "base": base = try settings(node, path: key, isBase: true)
            case "defaults": defaults = try settings(node, path: key, isBase: false)
            case "grid": grid = try axes(node)
            case "trials": trials = try extraTrials(node)
            case "seeds": seeds = try seedList(node)
            case "executor": executor = try self.executor(node)
            default:
                if RunConfig.key(named: RunConfig.canonicalKeyName(key)) != nil || Self.aliases[key] != nil {
                    throw .invalidValue(file: file, path: key,
                                        problem: "unknown key: run-config keys go under base, defaults, grid or trials")
                }
                throw .unknownKey(file: file, path: key,
                                  suggestion: NameSuggestion.closest(key, among: SweepSpec.topLevelKeys))
            }
        }
        guard let name else { throw .missingKey(file: file, path: "name") }
        guard let base else { throw .missingKey(file: file, path: "base") }
        return SweepSpec(file: file, text: text, name: name, description: description, base: base,
                         defaults: defaults, grid: grid, trials: trials, seeds: seeds, executor: executor)
    }

    // MARK: Sections

    /// `name`: a folder name.
    private func sweepName(_ node: Node) throws(SpecError) -> String {
        let name = try scalarText(node, path: "name")
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard let first = name.first, first.isASCII, first.isLetter || first.isNumber,
              name.allSatisfy({ allowed.contains($0) })
        else {
            throw .invalidValue(file: file, path: "name", problem: "'\(name)' is not a valid sweep name: "
                + "use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit")
        }
        guard name != "bases" else {
            throw .invalidValue(file: file, path: "name",
                                problem: "'bases' is reserved (the folder of the cached bases)")
        }
        return name
    }

    /// A map of config keys (`base`, `defaults`, one extra trial without its `name`); null is empty.
    private func settings(
        _ node: Node, path: String, isBase: Bool, skipping: Set<String> = []
    ) throws(SpecError) -> [SpecSetting] {
        if isNull(node) { return [] }
        guard case .mapping(let mapping) = node else {
            throw .wrongType(file: file, path: path, expected: "a map of config keys", got: SpecYAML.describe(node))
        }
        var result: [SpecSetting] = []
        for (keyNode, valueNode) in mapping {
            let written = SpecYAML.text(keyNode)
            if skipping.contains(written) { continue }
            let keyPath = "\(path).\(written)"
            if RunConfig.keyGroups[written] != nil {  // extend_vocabulary: {train_on: ..., new_tokens: ...}
                for member in try groupMembers(valueNode, group: written, path: keyPath) {
                    if result.contains(where: { $0.setting.key == member.setting.key }) {
                        throw .duplicateKey(file: file, path: member.path, lines: [keyNode.mark?.line].compactMap { $0 })
                    }
                    result.append(member)
                }
                continue
            }
            let key = try configKey(written, path: keyPath, isBase: isBase)
            if let other = result.first(where: { $0.setting.key == key.name }) {
                throw .duplicateKey(file: file, path: keyPath,
                                    lines: [other.line, keyNode.mark?.line].compactMap { $0 })
            }
            let value = try SpecYAML.value(of: valueNode, for: key, path: keyPath, file: file)
            result.append(SpecSetting(setting: ConfigSetting(key: key.name, value: value), path: keyPath,
                                      line: keyNode.mark?.line))
        }
        return result
    }

    /// The flat settings a key group's map stands for (`RunConfig.keyGroups`); null sets every
    /// member to its default.
    private func groupMembers(_ node: Node, group: String, path: String) throws(SpecError) -> [SpecSetting] {
        let line = node.mark?.line
        if isNull(node) {
            return RunConfig.keyGroupDefaults(group).map {
                SpecSetting(setting: ConfigSetting(key: $0.key, value: $0.value), path: path, line: line)
            }
        }
        guard case .mapping(let mapping) = node else {
            throw .wrongType(file: file, path: path, expected: RunConfig.keyGroupExpectation(group),
                             got: SpecYAML.describe(node))
        }
        var members: [SpecSetting] = []
        for (memberNode, valueNode) in mapping {
            let member = SpecYAML.text(memberNode)
            let memberPath = "\(path).\(member)"
            guard let name = RunConfig.groupMemberKey(group: group, member: member),
                  let key = RunConfig.key(named: name)
            else {
                throw .unknownKey(file: file, path: memberPath,
                                  suggestion: NameSuggestion.closest(member, among: RunConfig.keyGroups[group] ?? []))
            }
            let value = try SpecYAML.value(of: valueNode, for: key, path: memberPath, file: file)
            members.append(SpecSetting(setting: ConfigSetting(key: name, value: value), path: memberPath,
                                       line: memberNode.mark?.line))
        }
        return members
    }

    /// The config key `written` names at `path`, or the error for a key a spec may not set there.
    private func configKey(_ written: String, path: String, isBase: Bool) throws(SpecError) -> ConfigKey {
        if let members = RunConfig.keyGroups[written] {
            throw .invalidValue(file: file, path: path, problem: "is a map of keys: on an axis, name one of them ("
                + members.compactMap { RunConfig.groupMemberKey(group: written, member: $0) }.joined(separator: ", ") + ")")
        }
        let name = RunConfig.canonicalKeyName(isBase ? written : Self.aliases[written] ?? written)
        guard let key = RunConfig.key(named: name) else {
            let suggestion = isBase && written == "downstream" ? "dataset" : RunConfig.closestKey(to: written)
            throw .unknownKey(file: file, path: path, suggestion: suggestion)
        }
        if let reason = Self.sweepOwnedKeys[name] {
            throw .invalidValue(file: file, path: path, problem: reason)
        }
        if isBase && ["stages", "recipe", "recipe_stages"].contains(name) {
            throw .invalidValue(file: file, path: path, problem: "a base trains in one stage (trials start from "
                + "its checkpoints): give stages to a trial")
        }
        if name == "seed" && !isBase {
            throw .invalidValue(file: file, path: path, problem: "set by the sweep: list the seeds under seeds")
        }
        return key
    }

    /// `grid`: axis -> non-empty list of values, in file order.
    private func axes(_ node: Node) throws(SpecError) -> [GridAxis] {
        if isNull(node) { return [] }
        guard case .mapping(let mapping) = node else {
            throw .wrongType(file: file, path: "grid", expected: "a map of config keys to lists of values",
                             got: SpecYAML.describe(node))
        }
        var axes: [GridAxis] = []
        var lines: [String: Int] = [:]
        for (keyNode, valueNode) in mapping {
            let written = SpecYAML.text(keyNode)
            let path = "grid.\(written)"
            let key = try configKey(written, path: path, isBase: false)
            if let other = axes.first(where: { $0.key == key.name }) {
                throw .duplicateKey(file: file, path: path,
                                    lines: [lines[other.name], keyNode.mark?.line].compactMap { $0 })
            }
            guard case .sequence(let sequence) = valueNode else {
                throw .wrongType(file: file, path: path, expected: "a list of values such as [1, 2]",
                                 got: SpecYAML.describe(valueNode))
            }
            guard !sequence.isEmpty else { throw .emptyAxis(file: file, path: path) }
            var values: [ConfigValue] = []
            for (i, item) in sequence.enumerated() {
                values.append(try SpecYAML.value(of: item, for: key, path: "\(path)[\(i)]", file: file))
            }
            axes.append(GridAxis(name: written, key: key.name, values: values))
            lines[written] = keyNode.mark?.line
        }
        return axes
    }

    /// `trials`: a list of maps of config keys, each with an optional `name` (unique).
    private func extraTrials(_ node: Node) throws(SpecError) -> [ExtraTrial] {
        if isNull(node) { return [] }
        guard case .sequence(let sequence) = node else {
            throw .wrongType(file: file, path: "trials", expected: "a list of maps of config keys",
                             got: SpecYAML.describe(node))
        }
        var trials: [ExtraTrial] = []
        for (i, item) in sequence.enumerated() {
            let path = "trials[\(i)]"
            guard case .mapping(let mapping) = item else {
                throw .wrongType(file: file, path: path, expected: "a map of config keys", got: SpecYAML.describe(item))
            }
            var name: String?
            if let nameNode = mapping["name"] {
                name = try scalarText(nameNode, path: "\(path).name")
                if let earlier = trials.first(where: { $0.name == name }) {
                    throw .invalidValue(file: file, path: "\(path).name",
                                        problem: "'\(name ?? "")' is already the name of trials[\(earlier.index)]")
                }
            }
            let settings = try settings(item, path: path, isBase: false, skipping: ["name"])
            trials.append(ExtraTrial(name: name, index: i, specSettings: settings))
        }
        return trials
    }

    /// `seeds`: a non-empty list of distinct integers >= 0.
    private func seedList(_ node: Node) throws(SpecError) -> [Int] {
        if isNull(node) { return [1] }
        guard case .sequence(let sequence) = node, !sequence.isEmpty else {
            throw .wrongType(file: file, path: "seeds", expected: "a list of integers such as [1, 2, 3]",
                             got: SpecYAML.describe(node) == "a list" ? "an empty list" : SpecYAML.describe(node))
        }
        var seeds: [Int] = []
        for (i, item) in sequence.enumerated() {
            let path = "seeds[\(i)]"
            guard Tag.Name(rawValue: item.tag.rawValue) == .int, let seed = item.int else {
                throw .wrongType(file: file, path: path, expected: "an integer", got: SpecYAML.describe(item))
            }
            guard seed >= 0 else { throw .invalidValue(file: file, path: path, problem: "must be >= 0, got \(seed)") }
            if let earlier = seeds.firstIndex(of: seed) {
                throw .invalidValue(file: file, path: path, problem: "\(seed) repeats seeds[\(earlier)]")
            }
            seeds.append(seed)
        }
        return seeds
    }

    // MARK: Helpers

    private func isNull(_ node: Node) -> Bool {
        Tag.Name(rawValue: node.tag.rawValue) == .null
    }

    private func scalarText(_ node: Node, path: String) throws(SpecError) -> String {
        guard case .scalar(let scalar) = node, !isNull(node) else {
            throw .wrongType(file: file, path: path, expected: "a string", got: SpecYAML.describe(node))
        }
        return scalar.string
    }
}
