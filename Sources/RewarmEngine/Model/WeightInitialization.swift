import Foundation

extension LlamaModel {
    /// Hugging Face `LlamaPreTrainedModel._init_weights`: every linear and embedding weight
    /// ~ Normal(0, std) (initializer_range 0.02), RMSNorm weights = 1. Deterministic in `seed`.
    public func initializeWeights(seed: UInt64, std: Float = 0.02) {
        guard quantizedBase == nil else {
            let full = ParameterSlab(WeightNames.baseTensors(config))
            LlamaModel.initializeWeights(full, seed: seed, std: std)
            loadBase(from: full)
            return
        }
        LlamaModel.initializeWeights(weights, seed: seed, std: std)
    }

    /// The initialisation of `initializeWeights` applied to `weights`, a slab of base tensors.
    public static func initializeWeights(_ weights: ParameterSlab, seed: UInt64, std: Float = 0.02) {
        var rng = SeededGenerator(seed: seed)
        for s in weights.specs {
            let p = weights.base + s.offset
            if s.shape.count == 1 {
                p.update(repeating: 1, count: s.count)
            } else {
                for i in 0..<s.count { p[i] = std * rng.nextGaussian() }
            }
        }
    }

    /// PEFT's default LoRA init: A ~ kaiming_uniform(a = sqrt(5)) = Uniform(-1/sqrt(in), 1/sqrt(in)),
    /// B = 0, so a fresh adapter leaves the base model's outputs unchanged.
    public func initializeAdapters(seed: UInt64) {
        guard let adapters else { return }
        var rng = SeededGenerator(seed: seed ^ 0x4C6F_5241)
        for s in adapters.specs {
            let p = adapters.base + s.offset
            if s.name.hasSuffix("lora_A.weight") {
                let bound = 1 / Float(s.shape[1]).squareRoot()
                for i in 0..<s.count { p[i] = Float.random(in: -bound..<bound, using: &rng) }
            } else {
                p.update(repeating: 0, count: s.count)
            }
        }
    }

    /// Folds the adapters into the base weights: W (out, in) += scale * B (out, r) @ A (r, in).
    /// `sign: -1` unmerges. Used to export a plain model and by the merge tests.
    public func mergeAdapters(sign: Float = 1) {
        guard let lora = fineTuning.lora, let adapters else { return }
        precondition(quantizedBase == nil, "a QLoRA base is merged through fullBase(), not in place")
        for l in 0..<config.numHiddenLayers {
            for m in lora.targets {
                let (IC, OC) = WeightNames.linearShape(m, config)
                BLAS.sgemm(
                    transA: false, transB: false, M: OC, N: IC, K: lora.rank, alpha: sign * lora.scale,
                    adapters.pointer(WeightNames.loraB(m, layer: l)), lda: lora.rank,
                    adapters.pointer(WeightNames.loraA(m, layer: l)), ldb: IC,
                    beta: 1, weights.pointer(WeightNames.linear(m, layer: l)), ldc: IC)
            }
        }
    }
}

/// Xoshiro256** (Blackman & Vigna 2018) seeded through SplitMix64: the engine's generator for
/// weight initialisation, deterministic across platforms.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func next() -> UInt64 {
            x = x &+ 0x9E37_79B9_7F4A_7C15
            return LoRADropout.mix64(x &- 0x9E37_79B9_7F4A_7C15)
        }
        s = (next(), next(), next(), next())
    }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// Standard normal sample (Box-Muller), as Float.
    public mutating func nextGaussian() -> Float {
        let u1 = Double(next() >> 11) * 0x1p-53 + 0x1p-54
        let u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }
}
