import Foundation

/// How `TextGenerator` picks the next token from the logits of the last position.
public struct SamplingSettings: Sendable, Equatable {
    /// Logits are divided by this before the softmax; 0 picks the most likely token (greedy).
    public var temperature: Double
    /// Nucleus sampling (Holtzman et al. 2020, arXiv 1904.09751): sample only from the most
    /// likely tokens whose probabilities sum to at least `topP`; 1 keeps every token.
    public var topP: Double
    public var seed: UInt64

    public init(temperature: Double = 1, topP: Double = 1, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topP = topP
        self.seed = seed
    }
}

/// Draws tokens from logit rows, deterministic in the seed.
public struct TokenSampler: Sendable {
    public let settings: SamplingSettings
    private var rng: SeededGenerator

    public init(_ settings: SamplingSettings) {
        self.settings = settings
        rng = SeededGenerator(seed: settings.seed)
    }

    /// The next token for `logits` (V).
    public mutating func next(_ logits: [Float]) -> Int32 {
        if settings.temperature <= 0 {
            return Int32(logits.indices.max { logits[$0] < logits[$1] }!)
        }
        let t = settings.temperature
        let top = Double(logits.max()!)
        var p = logits.map { Foundation.exp((Double($0) - top) / t) }
        let total = p.reduce(0, +)
        for i in p.indices { p[i] /= total }
        // the nucleus: most likely first (ties by id, so the draw is reproducible)
        let order = p.indices.sorted { p[$0] != p[$1] ? p[$0] > p[$1] : $0 < $1 }
        var kept: [Int] = []
        var mass = 0.0
        for i in order {
            kept.append(i)
            mass += p[i]
            if mass >= settings.topP { break }
        }
        let u = Double(rng.next() >> 11) * 0x1p-53 * mass
        var cumulative = 0.0
        for i in kept {
            cumulative += p[i]
            if u < cumulative { return Int32(i) }
        }
        return Int32(kept.last!)
    }
}
