/// Typed reads of a GGUF file's metadata. Each throws `missingKey` when the key is absent and
/// `wrongValueType` when its value is of another type, naming the file and the key.
///
/// Common keys (ggml `docs/gguf.md`, "Standardized key-value pairs"): `general.architecture`
/// (e.g. `llama`), `<arch>.block_count`, `<arch>.embedding_length`,
/// `<arch>.feed_forward_length`, `<arch>.attention.head_count`,
/// `<arch>.attention.head_count_kv`, `<arch>.rope.freq_base`,
/// `<arch>.attention.layer_norm_rms_epsilon`, `tokenizer.ggml.model`, `tokenizer.ggml.tokens`,
/// `tokenizer.ggml.merges`, `tokenizer.ggml.bos_token_id`, ...
extension GGUFFile {
    /// The value of `key`, or nil when absent.
    public func value(_ key: String) -> GGUFValue? { metadata[key] }

    /// A STRING.
    public func string(_ key: String) throws(GGUFError) -> String {
        let value = try required(key)
        guard let text = value.stringValue else { throw mismatch(key, "STRING", value) }
        return text
    }

    /// Any integer type (UINT8 ... INT64) whose value fits in `Int`.
    public func int(_ key: String) throws(GGUFError) -> Int {
        let value = try required(key)
        guard let number = value.intValue else { throw mismatch(key, "an integer that fits in Int", value) }
        return number
    }

    /// FLOAT32 or FLOAT64 (a FLOAT32 widened exactly: `Float(file.float(key))` is the stored
    /// value), or an integer converted.
    public func float(_ key: String) throws(GGUFError) -> Double {
        let value = try required(key)
        guard let number = value.doubleValue else { throw mismatch(key, "a number", value) }
        return number
    }

    /// A BOOL.
    public func bool(_ key: String) throws(GGUFError) -> Bool {
        let value = try required(key)
        guard let flag = value.boolValue else { throw mismatch(key, "BOOL", value) }
        return flag
    }

    /// An ARRAY of STRING (e.g. `tokenizer.ggml.tokens`, `tokenizer.ggml.merges`).
    public func strings(_ key: String) throws(GGUFError) -> [String] {
        let value = try required(key)
        guard case .array(.string, let elements) = value else { throw mismatch(key, "ARRAY[STRING]", value) }
        return elements.map { $0.stringValue ?? "" }
    }

    /// An ARRAY of any integer type, each element fitting in `Int` (e.g. `tokenizer.ggml.token_type`).
    public func ints(_ key: String) throws(GGUFError) -> [Int] {
        let value = try required(key)
        guard case .array(let type, let elements) = value, type != .array else {
            throw mismatch(key, "an ARRAY of integers", value)
        }
        var numbers: [Int] = []
        numbers.reserveCapacity(elements.count)
        for element in elements {
            guard let number = element.intValue else {
                throw mismatch(key, "an ARRAY of integers that fit in Int", value)
            }
            numbers.append(number)
        }
        return numbers
    }

    /// An ARRAY of FLOAT32, FLOAT64 or integers, as Double (e.g. `tokenizer.ggml.scores`).
    public func floats(_ key: String) throws(GGUFError) -> [Double] {
        let value = try required(key)
        guard case .array(let type, let elements) = value,
            type == .float32 || type == .float64 || type.isInteger
        else {
            throw mismatch(key, "an ARRAY of numbers", value)
        }
        return elements.map { $0.doubleValue ?? .nan }
    }

    private func required(_ key: String) throws(GGUFError) -> GGUFValue {
        guard let value = metadata[key] else { throw .missingKey(path: path, key: key) }
        return value
    }

    private func mismatch(_ key: String, _ expected: String, _ value: GGUFValue) -> GGUFError {
        .wrongValueType(path: path, key: key, expected: expected, found: describe(value))
    }

    /// The value's type, and the value itself when it is a short scalar: `UINT64 18446744073709551615`.
    private func describe(_ value: GGUFValue) -> String {
        switch value {
        case .array(_, let elements): "\(value.typeDescription) of \(elements.count) elements"
        case .string(let text): text.count <= 40 ? "STRING \"\(text)\"" : "STRING of \(text.utf8.count) bytes"
        case .uint64(let v): "UINT64 \(v)"
        case .int64(let v): "INT64 \(v)"
        case .float32(let v): "FLOAT32 \(v)"
        case .float64(let v): "FLOAT64 \(v)"
        case .bool(let v): "BOOL \(v)"
        default: "\(value.type) \(value.intValue.map(String.init) ?? "")"
        }
    }
}

extension GGUFValueType {
    /// UINT8 ... INT64.
    var isInteger: Bool {
        switch self {
        case .uint8, .int8, .uint16, .int16, .uint32, .int32, .uint64, .int64: true
        default: false
        }
    }
}
