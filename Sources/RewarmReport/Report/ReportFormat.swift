import Foundation

/// Number formatting shared by every table of the reports: fixed decimals, no locale, no "-0".
enum ReportFormat {
    /// `x` with `decimals` digits after the point ("3.071"); "-0.000" becomes "0.000".
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        let text = String(format: "%.\(decimals)f", x)
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            return String(text.dropFirst())
        }
        return text
    }

    /// `x` with a sign ("+0.783", "-0.012", "0.000").
    static func signed(_ x: Double, _ decimals: Int) -> String {
        let text = fixed(x, decimals)
        return text.hasPrefix("-") || text.allSatisfy({ $0 == "0" || $0 == "." }) ? text : "+" + text
    }

    /// A loss in the trial table: median, and "± SD" when there are several seeds ("3.071 ± 0.012").
    static func loss(_ s: SeedStatistic?) -> String {
        guard let s else { return "—" }
        guard let sd = s.sd else { return fixed(s.median, 3) }
        return fixed(s.median, 3) + " ± " + fixed(sd, 3)
    }

    /// Any statistic: 4 decimals, or 3 significant digits in exponent form below 0.001 ("3.00e-04").
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return fixed(x, 0) }
        if x != 0, abs(x) < 1e-3 { return String(format: "%.2e", x) }
        return fixed(x, 4)
    }

    /// A number as a config value prints ("0.003", "1e-08", "2").
    static func compact(_ d: Double) -> String {
        d.isFinite && d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : "\(d)"
    }

    /// A cell of a Markdown table: pipes escaped, line breaks as spaces.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
    }

    /// A GitHub Markdown table; `right[i]` right-aligns column i (numbers).
    static func table(header: [String], right: [Bool], rows: [[String]]) -> String {
        var lines = ["| " + header.map(cell).joined(separator: " | ") + " |"]
        lines.append("|" + right.map { $0 ? "---:" : "---" }.joined(separator: "|") + "|")
        for row in rows { lines.append("| " + row.map(cell).joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n") + "\n"
    }
}
