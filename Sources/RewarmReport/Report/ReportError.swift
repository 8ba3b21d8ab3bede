/// Why a report, a comparison or a notebook refresh failed. `description` is one line naming the
/// file (and line) and what is wrong, ready for the CLI to print.
public enum ReportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A file or folder of the report could not be written.
    case cannotWrite(path: String, reason: String)
    /// A notebook could not be read.
    case cannotRead(path: String, reason: String)
    /// `compare` was given no sweep.
    case noSweeps
    /// A notebook marker `<!-- rewarm:KIND ... -->` whose KIND is not table, chart or findings.
    case unknownBlockKind(file: String, line: Int, kind: String)
    /// A notebook marker naming a sweep that is not in the database.
    case unknownSweep(file: String, line: Int, sweep: String)
    /// A chart marker naming a chart the sweep does not have; `known` lists the ones it has.
    case unknownChart(file: String, line: Int, chart: String, known: [String])
    /// A marker without its `sweep=` (or a chart marker without `chart=`), or with a malformed option.
    case badMarker(file: String, line: Int, problem: String)
    /// A block opened on `line` that has no `<!-- rewarm:end -->` before the next block or the end.
    case unclosedBlock(file: String, line: Int)
    /// A `<!-- rewarm:end -->` with no open block.
    case strayEnd(file: String, line: Int)

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason): "\(path): cannot write: \(reason)"
        case let .cannotRead(path, reason): "\(path): cannot read: \(reason)"
        case .noSweeps: "compare: name at least one sweep"
        case let .unknownBlockKind(file, line, kind):
            "\(file):\(line): unknown block kind 'rewarm:\(kind)' (known: table, chart, findings, end)"
        case let .unknownSweep(file, line, sweep): "\(file):\(line): unknown sweep '\(sweep)'"
        case let .unknownChart(file, line, chart, known):
            "\(file):\(line): unknown chart '\(chart)' (this sweep has: \(known.joined(separator: ", ")))"
        case let .badMarker(file, line, problem): "\(file):\(line): \(problem)"
        case let .unclosedBlock(file, line): "\(file):\(line): block has no <!-- rewarm:end -->"
        case let .strayEnd(file, line): "\(file):\(line): <!-- rewarm:end --> without an open block"
        }
    }
}
