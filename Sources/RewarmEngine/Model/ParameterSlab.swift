/// One named tensor inside a slab: `count` floats at `offset`, row-major `shape`.
public struct TensorSpec: Sendable, Equatable, Hashable {
    public let name: String
    public let shape: [Int]
    public let offset: Int
    public var count: Int { shape.reduce(1, *) }
    /// Weight decay applies to matrices only (AdamW as the design notes set it).
    public var isMatrix: Bool { shape.count == 2 }
}

/// Floats in one contiguous allocation with named views (llm.c's parameter slab): zeroing is
/// one fill, the optimizer is one loop, saving is a walk over `specs`.
///
/// A reference type so that the model, the optimizer and checkpoint code share one copy;
/// `@unchecked Sendable` because each slab is owned by one training loop at a time.
public final class ParameterSlab: @unchecked Sendable {
    public let specs: [TensorSpec]
    public let count: Int
    public let base: UnsafeMutablePointer<Float>
    private let index: [String: Int]

    /// Lays out `tensors` one after another in the given order, all zero.
    public init(_ tensors: [(name: String, shape: [Int])]) {
        var specs: [TensorSpec] = []
        var offset = 0
        for (name, shape) in tensors {
            specs.append(TensorSpec(name: name, shape: shape, offset: offset))
            offset += shape.reduce(1, *)
        }
        self.specs = specs
        self.count = offset
        self.base = .allocate(capacity: max(offset, 1))
        self.base.initialize(repeating: 0, count: max(offset, 1))
        self.index = Dictionary(uniqueKeysWithValues: specs.enumerated().map { ($1.name, $0) })
    }

    deinit { base.deallocate() }

    public func contains(_ name: String) -> Bool { index[name] != nil }

    public func spec(_ name: String) -> TensorSpec? { index[name].map { specs[$0] } }

    /// The view of tensor `name`; the name must exist (a programming error otherwise).
    public func pointer(_ name: String) -> UnsafeMutablePointer<Float> {
        guard let i = index[name] else { preconditionFailure("no tensor named \(name) in slab") }
        return base + specs[i].offset
    }

    public func values(_ name: String) -> [Float] {
        let s = spec(name)!
        return Array(UnsafeBufferPointer(start: base + s.offset, count: s.count))
    }

    public func setValues(_ name: String, _ values: [Float]) {
        let s = spec(name)!
        precondition(values.count == s.count, "\(name): \(values.count) values for \(s.count) elements")
        values.withUnsafeBufferPointer { (base + s.offset).update(from: $0.baseAddress!, count: s.count) }
    }

    public func zero() { base.update(repeating: 0, count: count) }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: base, count: count) }

    /// A copy of all values (for tests and comparisons).
    public func snapshot() -> [Float] { Array(buffer) }
}
