/// Inverted dropout on the input of a LoRA branch (PEFT's `lora_dropout`), with a mask that is a
/// pure function of (key, element index): the backward regenerates it instead of storing it, and
/// a resumed run draws the same masks as an uninterrupted one.
enum LoRADropout {
    /// Key of one module's mask: mixes the step key with the layer and the module's name.
    static func key(_ stepKey: UInt64, layer: Int, module: String) -> UInt64 {
        var h = stepKey ^ (UInt64(layer) &* 0x9E37_79B9_7F4A_7C15)
        for b in module.utf8 { h = mix64(h ^ UInt64(b)) }
        return h
    }

    /// SplitMix64's finaliser (Steele et al. 2014): a bijective 64-bit mix.
    @inline(__always)
    static func mix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    static func keeps(_ key: UInt64, _ i: Int, p: Double) -> Bool {
        let u = Double(mix64(key ^ UInt64(i)) >> 11) * 0x1p-53
        return u >= p
    }

    /// out (count) = inp * mask / (1 - p); a nil key (evaluation) copies inp unchanged. Element i
    /// draws its mask bit at index `firstIndex + i` (a shard of a batch passes its offset in the
    /// whole batch, so sharding does not change the masks).
    static func apply(
        _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, count: Int, p: Double, key: UInt64?,
        firstIndex: Int = 0
    ) {
        guard let key else {
            out.update(from: inp, count: count)
            return
        }
        let s = Float(1 / (1 - p))
        Parallel.chunks(count, minChunk: 16_384) { _, range in
            for i in range { out[i] = keeps(key, firstIndex + i, p: p) ? inp[i] * s : 0 }
        }
    }

    /// dinp += dout * mask / (1 - p), the masks of `apply` with the same key and `firstIndex`.
    static func backward(
        _ dinp: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, count: Int, p: Double, key: UInt64?,
        firstIndex: Int = 0
    ) {
        guard let key else {
            for i in 0..<count { dinp[i] += dout[i] }
            return
        }
        let s = Float(1 / (1 - p))
        Parallel.chunks(count, minChunk: 16_384) { _, range in
            for i in range where keeps(key, firstIndex + i, p: p) { dinp[i] += dout[i] * s }
        }
    }
}
