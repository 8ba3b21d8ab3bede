/// What can go wrong reading a GGUF file. Every `description` is one line that starts with the
/// file's path and, where one is involved, names the metadata key or the tensor.
public enum GGUFError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No file at `path`.
    case fileMissing(path: String)
    /// The file exists but could not be read.
    case io(path: String, reason: String)
    /// The first four bytes are not `GGUF`.
    case wrongMagic(path: String, found: [UInt8])
    /// A version other than 2 or 3 (version 1 had 32-bit counts; llama.cpp dropped it too).
    case unsupportedVersion(path: String, version: UInt32)
    /// The file ends inside the header: `detail` says what was being read and where.
    case truncated(path: String, detail: String)
    /// A count or a length in the header is larger than the bytes left in the file could hold
    /// (a file that claims 2^60 strings fails here, before anything is allocated).
    case headerLies(path: String, detail: String)
    /// A metadata entry that cannot be read: unknown value type, arrays nested too deep, a key
    /// that is not UTF-8 or appears twice, a `general.alignment` that is not a power of two.
    case invalidMetadata(path: String, key: String, detail: String)
    /// Two tensor infos with one name.
    case duplicateTensorName(path: String, tensor: String)
    /// A tensor name that is not valid UTF-8 (`index` is its position in the file's tensor list).
    case invalidTensorName(path: String, index: Int, detail: String)
    /// A tensor whose ggml type number is not one ggml defines.
    case unknownTensorType(path: String, tensor: String, rawType: UInt32)
    /// A tensor of a ggml type that Rewarm does not convert (it converts F32, F16, BF16, Q8_0,
    /// Q4_0 and Q4_1); `wanted` says what was asked of it.
    case unsupportedTensorType(path: String, tensor: String, type: String, wanted: String)
    /// Dimensions that are negative-free but unusable: more than 4, a product that overflows,
    /// or a row length (`ne[0]`) that is not a multiple of the type's block size.
    case invalidShape(path: String, tensor: String, detail: String)
    /// A tensor's data offset not a multiple of the alignment, or overlapping another tensor.
    case invalidTensorOffset(path: String, tensor: String, detail: String)
    /// A tensor whose bytes would end past the end of the file.
    case tensorDataPastEnd(path: String, tensor: String, detail: String)
    /// The file has no tensor of that name.
    case missingTensor(path: String, tensor: String)
    /// The file has no metadata entry of that key.
    case missingKey(path: String, key: String)
    /// A metadata entry of another type than the accessor reads (`expected`), or an integer
    /// that does not fit.
    case wrongValueType(path: String, key: String, expected: String, found: String)
    /// A destination buffer of the wrong size, or a row index out of range.
    case invalidDestination(path: String, tensor: String, detail: String)

    public var description: String {
        let line: String = switch self {
        case .fileMissing(let path):
            "\(path): no such file"
        case .io(let path, let reason):
            "\(path): \(reason)"
        case .wrongMagic(let path, let found):
            "\(path): not a GGUF file: starts with \(Self.show(found)), not \"GGUF\""
        case .unsupportedVersion(let path, let version):
            "\(path): GGUF version \(version) is not supported (Rewarm reads versions 2 and 3)"
        case .truncated(let path, let detail):
            "\(path): truncated GGUF file: \(detail)"
        case .headerLies(let path, let detail):
            "\(path): GGUF header claims more than the file holds: \(detail)"
        case .invalidMetadata(let path, let key, let detail):
            "\(path): metadata '\(key)': \(detail)"
        case .duplicateTensorName(let path, let tensor):
            "\(path): tensor '\(tensor)': name appears twice"
        case .invalidTensorName(let path, let index, let detail):
            "\(path): tensor \(index): \(detail)"
        case .unknownTensorType(let path, let tensor, let rawType):
            "\(path): tensor '\(tensor)': unknown ggml type \(rawType)"
        case .unsupportedTensorType(let path, let tensor, let type, let wanted):
            "\(path): tensor '\(tensor)': type \(type) is not supported \(wanted)"
        case .invalidShape(let path, let tensor, let detail):
            "\(path): tensor '\(tensor)': invalid shape: \(detail)"
        case .invalidTensorOffset(let path, let tensor, let detail):
            "\(path): tensor '\(tensor)': invalid data offset: \(detail)"
        case .tensorDataPastEnd(let path, let tensor, let detail):
            "\(path): tensor '\(tensor)': data past the end of the file: \(detail)"
        case .missingTensor(let path, let tensor):
            "\(path): no tensor named '\(tensor)'"
        case .missingKey(let path, let key):
            "\(path): no metadata key '\(key)'"
        case .wrongValueType(let path, let key, let expected, let found):
            "\(path): metadata '\(key)': expected \(expected), found \(found)"
        case .invalidDestination(let path, let tensor, let detail):
            "\(path): tensor '\(tensor)': \(detail)"
        }
        // Names and reasons from the file or the system may hold line breaks; a description is one line.
        return line.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// Four bytes as a quoted string when they are printable ASCII, else as hex.
    private static func show(_ bytes: [UInt8]) -> String {
        if !bytes.isEmpty, bytes.allSatisfy({ (0x20..<0x7F).contains($0) }) {
            return "\"\(String(decoding: bytes, as: UTF8.self))\""
        }
        guard !bytes.isEmpty else { return "nothing" }
        return bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
    }
}
