/// A marker comment of a notebook, alone on its line:
/// `<!-- rewarm:table sweep=max-lr -->`, `<!-- rewarm:chart sweep=max-lr chart=tradeoff -->`,
/// `<!-- rewarm:findings sweep=max-lr -->`, and `<!-- rewarm:end -->` closing each block.
struct NotebookMarker: Equatable {
    enum Kind: String, CaseIterable {
        case table, chart, findings, end
    }

    var kind: Kind
    /// `key=value` options (`sweep`, `chart`).
    var options: [String: String]
    /// 1-based line number in the notebook.
    var line: Int

    static let prefix = "<!-- rewarm:"
    static let optionNames: Set<String> = ["sweep", "chart"]

    /// The marker on `content` (a line without its terminator, whitespace trimmed), nil when the
    /// line is not a rewarm marker; a line that starts like one but is malformed is an error.
    static func parse(_ content: String, line: Int, file: String) throws(ReportError) -> NotebookMarker? {
        guard content.hasPrefix(prefix) else { return nil }
        guard content.hasSuffix("-->") else {
            throw .badMarker(file: file, line: line, problem: "marker does not end with '-->' on its line")
        }
        let inner = content.dropFirst(prefix.count).dropLast(3)
        let tokens = inner.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let word = tokens.first else { throw .unknownBlockKind(file: file, line: line, kind: "") }
        guard let kind = Kind(rawValue: word) else { throw .unknownBlockKind(file: file, line: line, kind: word) }
        var options: [String: String] = [:]
        for token in tokens.dropFirst() {
            let parts = token.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw .badMarker(file: file, line: line, problem: "option '\(token)' is not key=value")
            }
            guard optionNames.contains(parts[0]) else {
                throw .badMarker(file: file, line: line, problem: "unknown option '\(parts[0])' (known: chart, sweep)")
            }
            options[parts[0]] = parts[1]
        }
        if kind != .end, options["sweep"] == nil {
            throw .badMarker(file: file, line: line, problem: "rewarm:\(kind.rawValue) needs sweep=NAME")
        }
        if kind == .chart, options["chart"] == nil {
            throw .badMarker(file: file, line: line, problem: "rewarm:chart needs chart=NAME")
        }
        return NotebookMarker(kind: kind, options: options, line: line)
    }
}

/// The lines of a text with their terminators ("\n" or "\r\n"; the last line may have none):
/// joining them gives the text back byte for byte.
enum NotebookLines {
    static func split(_ text: String) -> [Substring] {
        var lines: [Substring] = []
        let bytes = text.utf8
        var start = bytes.startIndex
        var i = start
        while i != bytes.endIndex {
            let next = bytes.index(after: i)
            if bytes[i] == UInt8(ascii: "\n") {
                lines.append(text[start..<next])
                start = next
            }
            i = next
        }
        if start != bytes.endIndex { lines.append(text[start...]) }
        return lines
    }

    /// The line's terminator: "\r\n", "\n", or "" for a last line without one.
    static func terminator(_ line: Substring) -> String {
        let scalars = line.unicodeScalars
        guard scalars.last == "\n" else { return "" }
        return scalars.dropLast().last == "\r" ? "\r\n" : "\n"
    }

    /// The line without its terminator and surrounding spaces or tabs.
    static func content(_ line: Substring) -> String {
        var scalars = Substring.UnicodeScalarView(line.unicodeScalars)
        while let last = scalars.last, last == "\n" || last == "\r" || last == " " || last == "\t" {
            scalars.removeLast()
        }
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        return String(scalars)
    }

    /// Whether the line opens or closes a fenced code block (``` or ~~~, up to 3 spaces in).
    static func isFence(_ line: Substring) -> Bool {
        let content = content(line)
        let indent = line.prefix { $0 == " " }.count
        return indent <= 3 && (content.hasPrefix("```") || content.hasPrefix("~~~"))
    }
}
