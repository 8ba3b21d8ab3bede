/// The canonical JSON text of a config and the FNV-1a hash that names trials and bases.
///
/// Canonical: one object, keys sorted by their UTF-8 bytes, no spaces; ints as digits, doubles
/// in Swift's shortest round-trip form (`0.0015`, `1e-08`, `1.0`), so the same values give the
/// same text on every run and machine, whatever the order of a dictionary.
public enum CanonicalJSON {
    /// `{"a":1,"b":[0.5,1.0],"c":null}` for `values`, keys sorted.
    public static func text(_ values: [String: ConfigValue]) -> String {
        let keys = values.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return "{" + keys.map { JSONLiteral.string($0) + ":" + text(values[$0] ?? .null) }.joined(separator: ",") + "}"
    }

    public static func text(_ value: ConfigValue) -> String {
        switch value {
        case .string(let s): JSONLiteral.string(s)
        case .int(let i): String(i)
        case .double(let d): d.isFinite ? "\(d)" : "null"
        case .bool(let b): b ? "true" : "false"
        case .list(let items): "[" + items.map(text).joined(separator: ",") + "]"
        case .map(let pairs): text(pairs)
        case .null: "null"
        }
    }
}

/// FNV-1a 64-bit: h = 0xcbf29ce484222325; for each byte b: h = (h xor b) x 0x100000001b3 (mod 2^64).
public enum FNV1a {
    public static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// The hash as 16 lowercase hex digits.
    public static func hex(_ text: String) -> String {
        let digits = String(hash(text), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
