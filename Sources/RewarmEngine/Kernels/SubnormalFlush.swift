import COpenBLAS
import Foundation

/// Training with subnormal floats flushed to zero (x86 MXCSR FTZ and DAZ, per thread).
///
/// A run near divergence fills its buffers with subnormal floats (|x| < 1.2e-38), which x86
/// cores handle in microcode assists, tens to hundreds of times slower per operation; the
/// mitigations study's LoRA runs at their highest LRs ran 5-10x slower than the others at the
/// same FLOPs. PyTorch leaves subnormals alone by default (`torch.set_flush_denormal(False)`);
/// flushing changes only results that involve them.
enum SubnormalFlush {
    /// MXCSR flush-to-zero (results) and denormals-are-zero (inputs).
    static let bits: UInt32 = 0x8040

    /// Whether the calling thread flushes subnormals.
    static var isOn: Bool { rewarm_get_mxcsr() & bits == bits }

    /// Runs `body` with subnormals flushed on this thread when `on`, then restores the thread's
    /// MXCSR (so callers and other code on the thread see their own setting).
    @inline(__always)
    static func run<R, E: Error>(_ on: Bool = true, _ body: () throws(E) -> R) throws(E) -> R {
        let saved = rewarm_get_mxcsr()
        rewarm_set_mxcsr(on ? saved | bits : saved & ~bits)
        defer { rewarm_set_mxcsr(saved) }
        return try body()
    }
}
