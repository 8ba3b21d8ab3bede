// GGUF metadata values (ggml `docs/gguf.md`, "gguf_metadata_value_type"; gguf-py
// `constants.py`, `GGUFValueType`). Each key/value pair in the header is:
//
//     [u64 length][length bytes]   the key, UTF-8
//     [u32]                        the value type, below
//     [value]                      fixed-size little-endian scalar; or a string
//                                  ([u64 length][bytes]); or an array
//                                  ([u32 element type][u64 count][count values])
//
// Arrays may hold arrays (each inner array carries its own element type and count).

/// The type tag of a GGUF metadata value, with its number in the file.
public enum GGUFValueType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Bytes of one value, for the fixed-size types; nil for `string` and `array`.
    public var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }

    /// The fewest bytes one value of this type takes in a file: a string at least its 8-byte
    /// length, an array at least its 4-byte element type and 8-byte count. A header's count of
    /// values is checked against this before anything is allocated.
    var minimumSize: Int { fixedSize ?? (self == .string ? 8 : 12) }

    /// The name gguf-py and the GGUF docs use: `UINT8`, ..., `FLOAT64`.
    public var description: String {
        switch self {
        case .uint8: "UINT8"
        case .int8: "INT8"
        case .uint16: "UINT16"
        case .int16: "INT16"
        case .uint32: "UINT32"
        case .int32: "INT32"
        case .float32: "FLOAT32"
        case .bool: "BOOL"
        case .string: "STRING"
        case .array: "ARRAY"
        case .uint64: "UINT64"
        case .int64: "INT64"
        case .float64: "FLOAT64"
        }
    }
}

/// One metadata value as stored in the file, with its exact type.
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16)
    case uint32(UInt32), int32(Int32), uint64(UInt64), int64(Int64)
    case float32(Float), float64(Double), bool(Bool)
    /// UTF-8 text. Bytes that are not valid UTF-8 are replaced by U+FFFD.
    case string(String)
    /// `elementType` is the array's declared element type (kept for empty arrays); every
    /// element has that type.
    case array(elementType: GGUFValueType, [GGUFValue])

    /// The value's type tag.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }

    /// The type as a reader would say it: `UINT32`, `ARRAY[STRING]`, `ARRAY[ARRAY[INT8]]`.
    public var typeDescription: String {
        guard case .array(let elementType, let elements) = self else { return type.description }
        if elementType == .array, let first = elements.first { return "ARRAY[\(first.typeDescription)]" }
        return "ARRAY[\(elementType)]"
    }

    /// Any integer type whose value fits in `Int`; nil for other types and for a UINT64 above
    /// `Int.max`.
    public var intValue: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(v)
        default: nil
        }
    }

    /// FLOAT32 and FLOAT64 values (a FLOAT32 widened exactly), and integers converted to Double;
    /// nil for other types.
    public var doubleValue: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        case .uint64(let v): Double(v)
        case .int64(let v): Double(v)
        default: intValue.map(Double.init)
        }
    }

    /// The text of a STRING value, else nil.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The value of a BOOL, else nil.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The elements of an ARRAY, else nil.
    public var arrayValue: [GGUFValue]? {
        if case .array(_, let elements) = self { return elements }
        return nil
    }
}
