import Foundation

/// A JSON object from `JSONSerialization` with its path in the file, so that every typed read
/// that fails throws a `TokenizerError` naming the file and the field (`model.merges[3]`).
/// JSON `null` reads as absent.
struct JSONFields {
    let values: [String: Any]
    /// Dotted path of this object (`""` for the top level).
    let path: String
    let file: String

    /// Parses a JSON document whose top level is an object.
    static func parse(_ data: Data, file: String) throws(TokenizerError) -> JSONFields {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .malformedJSON(file: file, reason: TextFile.oneLine(error.localizedDescription))
        }
        guard let values = object as? [String: Any] else {
            throw .malformedJSON(file: file, reason: "the top level is not an object")
        }
        return JSONFields(values: values, path: "", file: file)
    }

    /// Reads a file (`unreadable` if it cannot be read) and parses it.
    static func read(_ path: String) throws(TokenizerError) -> JSONFields {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(file: path, reason: TextFile.oneLine(error.localizedDescription))
        }
        return try parse(data, file: path)
    }

    func field(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The value of `key`, nil when absent or null. (`type(of:)`, not `v is NSNull`: on Linux
    /// that test bridges a Swift dictionary or array to Foundation first, about 0.1 s for a
    /// 50,000-token vocabulary.)
    func value(_ key: String) -> Any? {
        guard let v = values[key], !(type(of: v) is NSNull.Type) else { return nil }
        return v
    }

    func has(_ key: String) -> Bool { value(key) != nil }

    func string(_ key: String) throws(TokenizerError) -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v as? String else { throw .wrongType(file: file, field: field(key), expected: "a string") }
        return s
    }

    func requiredString(_ key: String) throws(TokenizerError) -> String {
        guard let s = try string(key) else { throw .missingField(file: file, field: field(key)) }
        return s
    }

    func bool(_ key: String, default fallback: Bool) throws(TokenizerError) -> Bool {
        guard let v = value(key) else { return fallback }
        guard let n = v as? NSNumber, JSONFields.isBool(n) else {
            throw .wrongType(file: file, field: field(key), expected: "true or false")
        }
        return n.boolValue
    }

    func int(_ key: String) throws(TokenizerError) -> Int? {
        guard let v = value(key) else { return nil }
        return try JSONFields.integer(v, file: file, field: field(key))
    }

    func object(_ key: String) throws(TokenizerError) -> JSONFields? {
        guard let v = value(key) else { return nil }
        return try JSONFields.object(v, file: file, field: field(key))
    }

    func requiredObject(_ key: String) throws(TokenizerError) -> JSONFields {
        guard let o = try object(key) else { throw .missingField(file: file, field: field(key)) }
        return o
    }

    func array(_ key: String) throws(TokenizerError) -> [Any]? {
        guard let v = value(key) else { return nil }
        guard let a = v as? [Any] else { throw .wrongType(file: file, field: field(key), expected: "an array") }
        return a
    }

    func requiredArray(_ key: String) throws(TokenizerError) -> [Any] {
        guard let a = try array(key) else { throw .missingField(file: file, field: field(key)) }
        return a
    }

    /// The objects of an array field, each with its `key[i]` path.
    func objects(_ key: String) throws(TokenizerError) -> [JSONFields] {
        var out: [JSONFields] = []
        for (i, v) in (try array(key) ?? []).enumerated() {
            out.append(try JSONFields.object(v, file: file, field: "\(field(key))[\(i)]"))
        }
        return out
    }

    static func object(_ v: Any, file: String, field: String) throws(TokenizerError) -> JSONFields {
        guard let o = v as? [String: Any] else { throw .wrongType(file: file, field: field, expected: "an object") }
        return JSONFields(values: o, path: field, file: file)
    }

    /// A JSON integer (a number without fraction, not a boolean).
    static func integer(_ v: Any, file: String, field: String) throws(TokenizerError) -> Int {
        guard let n = v as? NSNumber, !isBool(n), let i = Int(exactly: n.doubleValue) else {
            throw .wrongType(file: file, field: field, expected: "an integer")
        }
        return i
    }

    /// True for the NSNumbers JSONSerialization makes of `true` and `false` (type code "c").
    static func isBool(_ n: NSNumber) -> Bool {
        String(cString: n.objCType) == "c"
    }
}
