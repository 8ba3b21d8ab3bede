/// Why a run could not start or go on. Every `description` is one line naming the file, key or
/// value at fault.
public enum TrainingError: Error, CustomStringConvertible, Equatable, Sendable {
    case corpus(CorpusError)
    case checkpoint(CheckpointError)
    case config(ConfigError)
    /// A key's value that is valid alone but not for this run (e.g. `rewarm: false` from scratch).
    case invalid(key: String, reason: String)
    /// `init_from` names something that is not a run folder or checkpoint.
    case initFrom(path: String, reason: String)
    /// The run folder already holds results and `--resume` was not given, or the resumed
    /// run's config differs from the one it started with.
    case runFolder(path: String, reason: String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .corpus(let e): e.description
        case .checkpoint(let e): e.description
        case .config(let e): e.description
        case .invalid(let key, let reason): "\(key): \(reason)"
        case .initFrom(let path, let reason): "init_from '\(path)': \(reason)"
        case .runFolder(let path, let reason): "\(path): \(reason)"
        case .io(let path, let reason): "\(path): \(reason)"
        }
    }
}
