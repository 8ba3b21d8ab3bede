/// What can go wrong reading or writing a checkpoint file. Every `description` is one line that
/// starts with the file's path and, where one is involved, names the tensor.
public enum CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No file at `path`.
    case fileMissing(path: String)
    /// The file exists but could not be read, or could not be written or renamed into place.
    case io(path: String, reason: String)
    /// The file ends before its header or its data does.
    case truncated(path: String, detail: String)
    /// The header bytes are not a JSON object.
    case headerNotJSON(path: String, reason: String)
    /// The header is JSON but not a valid safetensors header (a field missing or of the wrong type).
    case invalidHeader(path: String, detail: String)
    /// A tensor's `data_offsets` are not a valid range, overlap another tensor's, leave a gap,
    /// or do not match its shape x dtype size.
    case invalidOffsets(path: String, tensor: String, detail: String)
    /// A tensor whose dtype Rewarm does not read (it reads F32, F16 and BF16).
    case unsupportedDtype(path: String, tensor: String, dtype: String)
    /// The file has no tensor of that name.
    case missingTensor(path: String, tensor: String)
    /// A tensor handed to the writer is not consistent (shape vs values, duplicate name).
    case invalidTensor(path: String, tensor: String, detail: String)
    /// A model folder's `config.json` (or `adapter_config.json`) field, or a GGUF file's metadata
    /// key or tensor, that Rewarm cannot use: rope scaling, biases, another architecture, ...
    case unsupportedModel(path: String, field: String, reason: String)
    /// A trainer state whose values no run could have written (a schedule with warmup past its end).
    case invalidState(path: String, detail: String)
    /// A GGUF model file that cannot be read (its own one-line error names the file and the key or tensor).
    case gguf(GGUFError)
    /// A model's tokenizer (`tokenizer.json` or GGUF metadata) that cannot be read or written.
    case tokenizer(TokenizerError)

    public var description: String {
        let line: String = switch self {
        case .fileMissing(let path):
            "\(path): no such file"
        case .io(let path, let reason):
            "\(path): \(reason)"
        case .truncated(let path, let detail):
            "\(path): truncated file: \(detail)"
        case .headerNotJSON(let path, let reason):
            "\(path): header is not JSON: \(reason)"
        case .invalidHeader(let path, let detail):
            "\(path): invalid safetensors header: \(detail)"
        case .invalidOffsets(let path, let tensor, let detail):
            "\(path): tensor '\(tensor)': invalid data_offsets: \(detail)"
        case .unsupportedDtype(let path, let tensor, let dtype):
            "\(path): tensor '\(tensor)': unsupported dtype \(dtype) (Rewarm reads F32, F16 and BF16)"
        case .missingTensor(let path, let tensor):
            "\(path): no tensor named '\(tensor)'"
        case .invalidTensor(let path, let tensor, let detail):
            "\(path): tensor '\(tensor)': \(detail)"
        case .unsupportedModel(let path, let field, let reason):
            "\(path): \(field): \(reason)"
        case .invalidState(let path, let detail):
            "\(path): invalid trainer state: \(detail)"
        case .gguf(let error):
            error.description
        case .tokenizer(let error):
            error.description
        }
        // Reasons that come from the system may hold line breaks; a description is one line.
        return line.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
