/// AdamW's first and second moments (PyTorch `exp_avg`, `exp_avg_sq`) for every trainable tensor,
/// in the layout of the model's gradient slab (frozen weights have none), and the step loop over
/// them.
public final class OptimizerState: @unchecked Sendable {
    public let firstMoment: ParameterSlab
    public let secondMoment: ParameterSlab

    public init(for model: LlamaModel) {
        let tensors = model.gradients.specs.map { (name: $0.name, shape: $0.shape) }
        firstMoment = ParameterSlab(tensors)
        secondMoment = ParameterSlab(tensors)
    }

    /// One AdamW update of every trainable tensor (PyTorch `torch.optim.AdamW` semantics);
    /// weight decay applies to matrices only. `step` is 1-based.
    public func update(_ model: LlamaModel, step: Int, learningRate: Double, beta1: Double, beta2: Double,
                       eps: Double, weightDecay: Double) {
        for t in model.trainableTensors {
            let offset = t.gradient - model.gradients.base  // the moments share the gradient slab's layout
            adamwUpdate(
                params: t.parameter, grads: t.gradient, m: firstMoment.base + offset, v: secondMoment.base + offset,
                count: t.count, step: step, learningRate: Float(learningRate), beta1: Float(beta1), beta2: Float(beta2),
                eps: Float(eps), weightDecay: t.isMatrix ? Float(weightDecay) : 0)
        }
    }
}
