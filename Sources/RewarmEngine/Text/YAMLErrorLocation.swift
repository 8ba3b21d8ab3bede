import Yams

/// Where a Yams error happened and what it says, as one line: shared by the run config and the
/// sweep spec readers, which wrap it in their own error types.
public struct YAMLErrorLocation: Sendable, Equatable {
    public var line: Int
    public var column: Int
    public var problem: String

    public init(_ error: any Error) {
        guard let error = error as? YamlError else {
            self.init(line: 1, column: 1, problem: Self.oneLine("\(error)"))
            return
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            let during = context.map { " (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? ""
            self.init(line: mark.line, column: mark.column, problem: Self.oneLine(problem + during))
        case let .reader(problem, offset, _, yaml):
            let lines = yaml.prefix(offset ?? 0).split(separator: "\n", omittingEmptySubsequences: false)
            self.init(line: lines.count, column: (lines.last?.count ?? 0) + 1, problem: Self.oneLine(problem))
        case let .duplicatedKeysInMapping(duplicates, context):
            self.init(line: context.mark.line, column: context.mark.column,
                      problem: "duplicate key '\(duplicates.first ?? "?")'")
        default:
            self.init(line: 1, column: 1, problem: Self.oneLine(error.description))
        }
    }

    public init(line: Int, column: Int, problem: String) {
        self.line = line
        self.column = column
        self.problem = problem
    }

    /// Joins the lines of a multi-line message with spaces.
    public static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
