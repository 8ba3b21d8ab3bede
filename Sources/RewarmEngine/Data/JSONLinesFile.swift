import Foundation

/// JSON Lines corpora, LLaMA-Factory's pre-training format: one JSON object per line whose
/// string field `text` is one document (`{"text": "..."}`); other fields are ignored.
enum JSONLinesFile {
    /// The documents of a `.jsonl` file's bytes (valid UTF-8), in line order.
    ///
    /// Blank lines are skipped; a line that is not a JSON object with a string `text` is an
    /// error naming `file` and its 1-based line. Each text is trimmed like any document
    /// (`DocumentText.document`) and empty texts are dropped.
    static func documents(_ bytes: [UInt8], file: String) throws(CorpusError) -> [[UInt8]] {
        var documents: [[UInt8]] = []
        let lines = bytes.withUnsafeBufferPointer { DocumentText.lineRanges($0) }
        for (index, range) in lines.enumerated() {
            let isBlank = bytes.withUnsafeBufferPointer { DocumentText.isBlank($0, range) }
            if isBlank { continue }
            let text = try self.text(Data(bytes[range]), file: file, line: index + 1)
            let utf8 = Array(text.utf8)
            if let document = utf8.withUnsafeBufferPointer({ DocumentText.document($0, 0..<$0.count) }) {
                documents.append(document)
            }
        }
        return documents
    }

    /// The `text` field of one JSON Lines record.
    static func text(_ line: Data, file: String, line number: Int) throws(CorpusError) -> String {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: line, options: [.fragmentsAllowed])
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw .invalidJSONLine(
                file: file, line: number,
                reason: "invalid JSON" + (reason.map { ": " + TextFile.oneLine($0) } ?? ""))
        }
        guard let record = object as? [String: Any] else {
            throw .invalidJSONLine(
                file: file, line: number, reason: "expected a JSON object with a string field \"text\"")
        }
        guard let value = record["text"] else {
            throw .invalidJSONLine(file: file, line: number, reason: "missing field \"text\"")
        }
        guard let text = value as? String, !(value is NSNumber) else {
            throw .invalidJSONLine(file: file, line: number, reason: "field \"text\" is not a string")
        }
        return text
    }
}
