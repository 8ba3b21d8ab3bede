/// A counter-based pseudo-random generator: its whole stream is a pure function of its keys.
///
/// `CounterRNG(keys: [seed, step, micro])` gives the same numbers in any process, at any time,
/// with no saved state, so a run resumed at step s draws exactly the batches (or dropout masks)
/// it would have drawn without the interruption. Keys are folded into one 64-bit key with the
/// SplitMix64 finalizer; value i of the stream is `mix64(key + i * gamma)`, i.e. SplitMix64
/// (Steele, Lea, Flood 2014, "Fast splittable pseudorandom number generators") started at `key`.
/// The order and number of keys matter: `[1, 2]`, `[2, 1]` and `[1, 2, 0]` are different streams.
public struct CounterRNG: RandomNumberGenerator, Sendable, Equatable {
    /// The folded keys: the stream's starting point.
    public let key: UInt64
    /// How many values `next()` has returned so far; the next one is `value(at: counter)`.
    public private(set) var counter: UInt64 = 0

    /// SplitMix64's increment, 2^64 / golden ratio (odd).
    @usableFromInline static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    public init(keys: [UInt64]) {
        var h = CounterRNG.mix64(UInt64(keys.count) &* CounterRNG.gamma)
        for k in keys {
            h = CounterRNG.mix64(h ^ CounterRNG.mix64(k &+ CounterRNG.gamma))
        }
        key = h
    }

    public init(_ keys: UInt64...) {
        self.init(keys: keys)
    }

    /// The stream's value at `index` without advancing (random access, e.g. one per element of
    /// a dropout mask computed in parallel).
    @inlinable
    public func value(at index: UInt64) -> UInt64 {
        CounterRNG.mix64(key &+ (index &+ 1) &* CounterRNG.gamma)
    }

    public mutating func next() -> UInt64 {
        let v = value(at: counter)
        counter &+= 1
        return v
    }

    /// A uniform integer in 0..<n (n > 0), by Lemire's multiply-and-reject method
    /// ("Fast random integer generation in an interval", 2019). Written out here rather than
    /// `Int.random(in:using:)` so the draws cannot change with the standard library's version.
    public mutating func uniform(below n: Int) -> Int {
        precondition(n > 0, "uniform(below:) needs n > 0, got \(n)")
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// A uniform Double in [0, 1) with 53 random bits: (next() >> 11) * 2^-53.
    public mutating func unitDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// The SplitMix64 finalizer (Stafford's "Mix13"): a bijection of UInt64 with full avalanche.
    @inlinable
    public static func mix64(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
