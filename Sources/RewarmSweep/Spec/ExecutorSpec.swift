import RewarmEngine
import Yams

/// `executor:` of a sweep spec: where its trials run. Absent or `local` (or `{type: local}`):
/// on this machine. `{type: slurm, partition, time, cpus_per_task, mem, max_parallel,
/// sbatch_args}`: on a Slurm cluster (see `SlurmOptions`). `rewarm sweep --executor` and the
/// Slurm options on the command line win over the spec.
extension SpecParser {
    func executor(_ node: Node) throws(SpecError) -> SweepExecutor {
        if case .scalar(let scalar) = node {
            switch scalar.string {
            case "local": return .local
            case "slurm": return .slurm(SlurmOptions())
            default:
                throw .invalidValue(file: file, path: "executor",
                                    problem: "unknown executor '\(scalar.string)' (valid: local, slurm)")
            }
        }
        guard case .mapping(let mapping) = node else {
            throw .wrongType(file: file, path: "executor",
                             expected: "local, slurm or a map with type: slurm and its options",
                             got: SpecYAML.describe(node))
        }
        guard let typeNode = mapping["type"] else { throw .missingKey(file: file, path: "executor.type") }
        let type = SpecYAML.text(typeNode)
        guard type == "local" || type == "slurm" else {
            throw .invalidValue(file: file, path: "executor.type",
                                problem: "unknown executor '\(type)' (valid: local, slurm)")
        }
        var options = SlurmOptions()
        for (keyNode, value) in mapping {
            let key = SpecYAML.text(keyNode)
            let path = "executor.\(key)"
            if key == "type" { continue }
            guard type == "slurm" else {
                throw .invalidValue(file: file, path: path, problem: "applies only to type: slurm")
            }
            switch key {
            case "partition": options.partition = try text(value, path: path)
            case "time": options.time = try text(value, path: path)
            case "mem": options.mem = try text(value, path: path)
            case "cpus_per_task": options.cpusPerTask = try positive(value, path: path)
            case "max_parallel": options.maxParallel = try positive(value, path: path)
            case "sbatch_args":
                guard case .sequence(let items) = value else {
                    throw .wrongType(file: file, path: path,
                                     expected: "a list of sbatch options such as [\"--qos=normal\"]",
                                     got: SpecYAML.describe(value))
                }
                var arguments: [String] = []
                for (i, item) in items.enumerated() { arguments.append(try text(item, path: "\(path)[\(i)]")) }
                options.sbatchArgs = arguments
            default:
                throw .unknownKey(file: file, path: path,
                                  suggestion: NameSuggestion.closest(key, among: ["type"] + SlurmOptions.specKeys))
            }
        }
        return type == "local" ? .local : .slurm(options)
    }

    private func text(_ node: Node, path: String) throws(SpecError) -> String {
        guard case .scalar(let scalar) = node, Tag.Name(rawValue: node.tag.rawValue) != .null else {
            throw .wrongType(file: file, path: path, expected: "a string", got: SpecYAML.describe(node))
        }
        return scalar.string
    }

    private func positive(_ node: Node, path: String) throws(SpecError) -> Int {
        guard Tag.Name(rawValue: node.tag.rawValue) == .int, let n = node.int else {
            throw .wrongType(file: file, path: path, expected: "an integer", got: SpecYAML.describe(node))
        }
        guard n >= 1 else { throw .invalidValue(file: file, path: path, problem: "must be at least 1, got \(n)") }
        return n
    }
}
