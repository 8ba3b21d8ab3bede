import Foundation

/// The end state of one run, written by the process that trained it as `status.json` in its run
/// folder: the durable record that a sweep (local or on a cluster) ingests.
public struct TrialStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case completed, failed, diverged, stopped }

    public var state: State
    /// One line: why the run failed or diverged (nil when it completed).
    public var error: String?
    /// Optimizer steps reached.
    public var step: Int
    public var divergedStep: Int?
    /// Seconds of training and evaluation (all resumed segments).
    public var wallSeconds: Double?
    public var host: String?

    enum CodingKeys: String, CodingKey {
        case state, error, step, host
        case divergedStep = "diverged_step"
        case wallSeconds = "wall_s"
    }

    public init(
        state: State, error: String? = nil, step: Int, divergedStep: Int? = nil, wallSeconds: Double? = nil,
        host: String? = nil
    ) {
        self.state = state
        self.error = error
        self.step = step
        self.divergedStep = divergedStep
        self.wallSeconds = wallSeconds
        self.host = host
    }

    public static let fileName = "status.json"

    public static func read(in runDirectory: URL) -> TrialStatus? {
        guard let data = try? Data(contentsOf: runDirectory.appendingPathComponent(fileName)) else { return nil }
        return try? JSONDecoder().decode(TrialStatus.self, from: data)
    }

    public func write(in runDirectory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: runDirectory.appendingPathComponent(TrialStatus.fileName), options: .atomic)
    }
}
