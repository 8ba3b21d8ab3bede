import Foundation
import RewarmEngine

/// Reads a run folder's `metrics.jsonl`: one `MetricsRecord` JSON object per line, as the
/// trainer appends them (keys step, tokens, step_lr, train_loss, upstream_loss,
/// downstream_loss, grad_norm, wall_s; train_loss, upstream_loss and grad_norm may be null).
enum MetricsFile {
    /// The records of `url`, in file order.
    ///
    /// - A missing file has no records (a run that failed before its first evaluation).
    /// - Blank lines are skipped.
    /// - A last line without its newline that does not parse is torn (the run was killed while
    ///   appending it) and is skipped; the run writes it again when it resumes.
    /// - Any other line that does not parse is an error naming the file and line.
    static func records(in url: URL) throws(StoreError) -> [MetricsRecord] {
        let shown = url.relativePath
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .io(path: shown, reason: "cannot read: \(error.localizedDescription)")
        }
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        let terminated = data.last == 0x0A
        let decoder = JSONDecoder()
        var records: [MetricsRecord] = []
        for (index, line) in lines.enumerated() where !isBlank(line) {
            do {
                records.append(try decoder.decode(MetricsRecord.self, from: Data(line)))
            } catch {
                let torn = index == lines.count - 1 && !terminated
                if torn { continue }
                throw .invalidMetrics(path: shown, line: index + 1, reason: reason(error))
            }
        }
        return records
    }

    /// True for a line of spaces, tabs, carriage returns or NUL bytes (a crash can leave NULs).
    private static func isBlank(_ line: Data.SubSequence) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x00 }
    }

    /// A short reason for a decoding failure: the key and what is wrong with it.
    private static func reason(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case let .keyNotFound(key, _):
            return "missing key '\(key.stringValue)'"
        case let .valueNotFound(_, context):
            return "'\(key(context))' is null"
        case let .typeMismatch(type, context):
            return "'\(key(context))' is not a "
                + "\(type == Int.self ? "integer" : type == Double.self ? "number" : "\(type)")"
        case .dataCorrupted:
            return "not a JSON object"
        @unknown default:
            return "\(error)"
        }
    }

    private static func key(_ context: DecodingError.Context) -> String {
        context.codingPath.last?.stringValue ?? "?"
    }
}
