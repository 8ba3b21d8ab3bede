/// A quadratic penalty that holds the trainable weights near a starting point theta0 (the
/// `init_from` checkpoint's weights), added to the training objective:
///
///     Omega(theta) = lambda / 2 x sum_i F_i (theta_i - theta0_i)^2,   dOmega/dtheta_i = lambda F_i (theta_i - theta0_i)
///
/// - L2-SP (Li, Grandvalet and Davoine 2018, arXiv 1802.01483, eq. 3): F_i = 1 (`l2_to_base`).
/// - EWC (Kirkpatrick et al. 2017, arXiv 1612.00796, eq. 3): F_i = the diagonal of the Fisher
///   information at theta0 on the upstream corpus (`FisherDiagonal`; `ewc_lambda`).
///
/// The gradient is added to the loss gradient before clipping. Buffers are contiguous in the order
/// of `LlamaModel.trainableTensors` (the gradient slab's order), so the loops are the optimizer's.
public struct AnchorPenalty: Sendable {
    /// lambda, per unit of the mean token loss (nats).
    public let lambda: Float
    /// (trainable parameters) theta0, tensor after tensor in `trainableTensors` order.
    let anchor: [Float]
    /// (trainable parameters) F, in the same order; nil for L2-SP (all ones).
    let importance: [Float]?
    /// (tensors) where each tensor starts in `anchor`.
    let offsets: [Int]

    /// The anchor copied from `base` (a slab holding every base tensor the model trains, by name,
    /// e.g. the `init_from` checkpoint loaded into `WeightNames.baseTensors`), with per-weight
    /// `importance` (nil = 1). Throws `AnchorPenaltyError` for a trainable tensor `base` lacks
    /// (an adapter) or an importance vector of the wrong length.
    public init(lambda: Double, tensors: [TrainableTensor], base: ParameterSlab,
                importance: [Float]? = nil) throws(AnchorPenaltyError) {
        self.lambda = Float(lambda)
        var anchor: [Float] = []
        var offsets: [Int] = []
        anchor.reserveCapacity(tensors.reduce(0) { $0 + $1.count })
        for t in tensors {
            guard base.contains(t.name) else { throw .notInBase(tensor: t.name) }
            offsets.append(anchor.count)
            anchor += UnsafeBufferPointer(start: base.pointer(t.name), count: t.count)
        }
        if let importance, importance.count != anchor.count {
            throw .importanceCount(expected: anchor.count, got: importance.count)
        }
        self.anchor = anchor
        self.importance = importance
        self.offsets = offsets
    }

    /// Omega = lambda / 2 x sum_i F_i (theta_i - theta0_i)^2, accumulated in Double (nats).
    public func penalty(_ tensors: [TrainableTensor]) -> Double {
        var sum = 0.0
        anchor.withUnsafeBufferPointer { a in
            for (t, offset) in zip(tensors, offsets) {
                for i in 0..<t.count {
                    let d = Double(t.parameter[i] - a[offset + i])
                    sum += (importance.map { Double($0[offset + i]) } ?? 1) * d * d
                }
            }
        }
        return 0.5 * Double(lambda) * sum
    }

    /// gradient += lambda F (theta - theta0), tensor by tensor (accumulates, as every backward).
    public func accumulateGradient(_ tensors: [TrainableTensor]) {
        anchor.withUnsafeBufferPointer { a in
            for (t, offset) in zip(tensors, offsets) {
                if let importance {
                    for i in 0..<t.count {
                        t.gradient[i] += lambda * importance[offset + i] * (t.parameter[i] - a[offset + i])
                    }
                } else {
                    for i in 0..<t.count {
                        t.gradient[i] += lambda * (t.parameter[i] - a[offset + i])
                    }
                }
            }
        }
    }

    /// Writes theta0 into the trainable tensors (so a model whose frozen weights are the base's is
    /// the base again, e.g. to estimate the Fisher at theta0), returning what they held.
    func swapInAnchor(_ tensors: [TrainableTensor]) -> [Float] {
        var held: [Float] = []
        held.reserveCapacity(anchor.count)
        for (t, offset) in zip(tensors, offsets) {
            held += UnsafeBufferPointer(start: t.parameter, count: t.count)
            for i in 0..<t.count { t.parameter[i] = anchor[offset + i] }
        }
        return held
    }

    /// Puts back what `swapInAnchor` returned.
    static func restore(_ held: [Float], into tensors: [TrainableTensor]) {
        var k = 0
        for t in tensors {
            for i in 0..<t.count { t.parameter[i] = held[k + i] }
            k += t.count
        }
    }

    /// The same anchor with per-weight `importance` (EWC's Fisher diagonal).
    func weighted(by importance: [Float], lambda: Double) -> AnchorPenalty {
        AnchorPenalty(lambda: Float(lambda), anchor: anchor, importance: importance, offsets: offsets)
    }

    private init(lambda: Float, anchor: [Float], importance: [Float]?, offsets: [Int]) {
        self.lambda = lambda
        self.anchor = anchor
        self.importance = importance
        self.offsets = offsets
    }
}

/// Why an anchor penalty cannot be built.
public enum AnchorPenaltyError: Error, Equatable, Sendable {
    /// A trainable tensor the base does not have (a LoRA adapter: its "base" is not a weight).
    case notInBase(tensor: String)
    /// An importance vector whose length is not the number of trainable parameters.
    case importanceCount(expected: Int, got: Int)
}
