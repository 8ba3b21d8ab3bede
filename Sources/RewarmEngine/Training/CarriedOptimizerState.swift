/// `reset_optimizer: false`: a continual run starts AdamW where its base left it, with the base's
/// first and second moments and its step counter t (what loading `optimizer.state_dict()` does in
/// PyTorch), instead of zero moments and t = 0.
extension ResolvedRun {
    /// Checks that `checkpoint` can give the run of `config` its AdamW state when
    /// `reset_optimizer` is false: a Rewarm checkpoint (not a Hugging Face folder or GGUF file)
    /// of a base trained with `finetuning_type: full`, whose `optimizer.safetensors` holds both
    /// moments of every weight of the run's model with its shape. The config itself was checked
    /// when it was built (`init_from` set, `finetuning_type: full`). Reads only the file headers.
    static func checkCarriedOptimizerState(_ config: RunConfig, from checkpoint: Checkpoint) throws(TrainingError) {
        guard !config.resetOptimizer else { return }
        let key = "reset_optimizer"
        let path = checkpoint.location.path
        switch checkpoint.source {
        case .rewarm:
            break
        case .huggingFace, .gguf:
            let what = checkpoint.source == .gguf ? "a GGUF file" : "a Hugging Face folder"
            throw .invalid(key: key, reason: "false needs init_from a Rewarm checkpoint with AdamW moments; "
                + "\(path) is \(what), which holds weights only")
        }
        let trained = checkpoint.state.finetuningType
        guard trained == FinetuningType.full.rawValue else {
            let covered = trained == FinetuningType.freeze.rawValue ? "its last layers" : "its adapters"
            throw .invalid(key: key, reason: "false needs a base trained with finetuning_type full; \(path) was "
                + "trained with \(trained), so its AdamW moments cover only \(covered)")
        }
        do {
            try checkpoint.checkOptimizerState(for: WeightNames.baseTensors(config.model))
        } catch {
            throw .invalid(key: key, reason: "false needs the checkpoint's AdamW moments: \(error.description)")
        }
    }
}
