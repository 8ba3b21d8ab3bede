import Testing

// Shared machinery of the kernel tests: a seeded generator, pointer buffers to call the
// kernels with, approximate-equality checks that name the worst element, and central
// finite differences for gradient checks.

// MARK: - Deterministic inputs

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny generator whose stream depends only on the
/// seed, so every test sees the same inputs on every machine and every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Float in [lo, hi), from the top 24 bits of one draw (exact in Float).
    mutating func uniform(_ lo: Float, _ hi: Float) -> Float {
        let unit = Float(next() >> 40) / Float(1 << 24)
        return lo + (hi - lo) * unit
    }

    /// `count` uniform floats in [lo, hi).
    mutating func floats(_ count: Int, _ lo: Float = -1, _ hi: Float = 1) -> [Float] {
        (0..<count).map { _ in uniform(lo, hi) }
    }

    /// `count` token ids in 0 ..< bound.
    mutating func tokens(_ count: Int, below bound: Int) -> [Int32] {
        (0..<count).map { _ in Int32(next() % UInt64(bound)) }
    }
}

/// The Float inputs widened to Double: the reference sees exactly what the kernel sees.
func widened(_ values: [Float]) -> [Double] { values.map(Double.init) }

// MARK: - Pointer buffers

/// An allocated array with a stable address, to pass to the pointer kernels. Unlike
/// `withUnsafe...Pointer` closures it can be passed as two arguments at once (the in-place
/// calls `out == inp`) without breaking Swift's exclusivity rules for arrays.
final class TestBuffer<Element> {
    let pointer: UnsafeMutablePointer<Element>
    let count: Int

    init(_ values: [Element]) {
        count = values.count
        let storage = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(count, 1))
        _ = storage.initialize(from: values)
        pointer = storage.baseAddress!
    }

    convenience init(repeating value: Element, count: Int) {
        self.init([Element](repeating: value, count: count))
    }

    /// A copy of the current contents.
    var array: [Element] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    deinit {
        pointer.deinitialize(count: count)
        pointer.deallocate()
    }
}

// MARK: - Approximate equality

/// The element of `actual` that is furthest outside its allowance, if any is.
struct Mismatch: Equatable {
    var index: Int
    var actual: Double
    var expected: Double
    var allowed: Double
    /// How many elements are outside their allowance (including this one).
    var outside: Int
}

/// Compares element by element; `allowed(e)` is the largest |actual - expected| accepted
/// for an expected value e. NaN or infinite differences are always outside.
func worstMismatch(_ actual: [Double], _ expected: [Double], allowed: (Double) -> Double) -> Mismatch? {
    precondition(actual.count == expected.count, "compare arrays of equal length")
    var worst: Mismatch?
    var worstRatio = 0.0
    var outside = 0
    for i in actual.indices {
        let a = actual[i], e = expected[i]
        let diff = abs(a - e)
        let limit = allowed(e)
        let ratio = diff.isFinite ? diff / max(limit, .leastNonzeroMagnitude) : .infinity
        guard !(diff <= limit) else { continue }
        outside += 1
        if worst == nil || ratio > worstRatio {
            worst = Mismatch(index: i, actual: a, expected: e, allowed: limit, outside: 0)
            worstRatio = ratio
        }
    }
    worst?.outside = outside
    return worst
}

/// Records an issue when any |actual - expected| exceeds `abs + rel * |expected|`,
/// naming the worst element, its index and both values.
func expectClose<A: BinaryFloatingPoint, E: BinaryFloatingPoint>(
    _ actual: [A], _ expected: [E], rel: Double = 1e-5, abs: Double = 1e-6, _ label: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let a = actual.map { Double($0) }, e = expected.map { Double($0) }
    guard a.count == e.count else {
        Issue.record("\(label): \(a.count) elements, expected \(e.count)", sourceLocation: sourceLocation)
        return
    }
    if let m = worstMismatch(a, e, allowed: { abs + rel * Swift.abs($0) }) {
        record(m, of: a.count, label, tolerance: "abs \(abs) + rel \(rel)", sourceLocation)
    }
}

/// Records an issue when any |actual - expected| exceeds `rel * max|expected|` (the gradient
/// check's scale: an element near zero is judged against the tensor's largest entry).
func expectCloseRelativeToMax<A: BinaryFloatingPoint, E: BinaryFloatingPoint>(
    _ actual: [A], _ expected: [E], rel: Double = 1e-4, _ label: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let a = actual.map { Double($0) }, e = expected.map { Double($0) }
    guard a.count == e.count else {
        Issue.record("\(label): \(a.count) elements, expected \(e.count)", sourceLocation: sourceLocation)
        return
    }
    let scale = e.map { Swift.abs($0) }.max() ?? 0
    let limit = rel * scale + 1e-12
    if let m = worstMismatch(a, e, allowed: { _ in limit }) {
        record(m, of: a.count, label, tolerance: "rel \(rel) of max |expected| \(scale)", sourceLocation)
    }
}

private func record(
    _ m: Mismatch, of count: Int, _ label: String, tolerance: String, _ sourceLocation: SourceLocation
) {
    Issue.record(
        """
        \(label): worst element [\(m.index)] is \(m.actual), expected \(m.expected) \
        (|diff| \(Swift.abs(m.actual - m.expected)) > allowed \(m.allowed), \(tolerance)); \
        \(m.outside) of \(count) elements outside
        """,
        sourceLocation: sourceLocation)
}

// MARK: - Gradient checks

/// sum_i a[i] * b[i], the scalar f = <G, forward(x)> whose gradient a backward computes.
func dot(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "dot of arrays of equal length")
    var s = 0.0
    for i in a.indices { s += a[i] * b[i] }
    return s
}

/// Central finite differences: g[i] = (f(x + h e_i) - f(x - h e_i)) / 2h, truncation error
/// O(h^2 f''') plus rounding O(eps |f| / h), about 1e-9 here.
func numericGradient(at x: [Double], h: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
    var probe = x
    var g = [Double](repeating: 0, count: x.count)
    for i in x.indices {
        probe[i] = x[i] + h
        let up = f(probe)
        probe[i] = x[i] - h
        let down = f(probe)
        probe[i] = x[i]
        g[i] = (up - down) / (2 * h)
    }
    return g
}

/// Element-wise a + b.
func plus(_ a: [Float], _ b: [Double]) -> [Double] { zip(a, b).map { Double($0) + $1 } }

/// Element-wise k * a.
func scaled(_ a: [Double], by k: Double) -> [Double] { a.map { k * $0 } }
