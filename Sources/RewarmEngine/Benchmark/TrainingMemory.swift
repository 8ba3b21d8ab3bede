import Foundation

/// The memory a training run needs by design, in MiB (2^20 bytes) of Float32: what the bench
/// sets beside the measured peak RSS. Process overhead (code, Swift runtime, OpenBLAS's per-thread
/// buffers, the data) comes on top.
public struct TrainingMemory: Sendable {
    /// Base weights plus LoRA adapters.
    public var parameters: Double
    /// Gradients of the trainable tensors only (frozen weights have none), one set per
    /// data-parallel worker.
    public var gradients: Double
    /// AdamW's two moments, one per trainable float each.
    public var optimizer: Double
    /// The activation slabs (forward activations kept for the backward, and backward scratch)
    /// of every data-parallel worker.
    public var activations: Double

    public var total: Double { parameters + gradients + optimizer + activations }

    /// Reads the sizes from a model after at least one forward (the activation slab exists then).
    public init(model m: LlamaModel) {
        let mib = 4.0 / 1_048_576
        parameters = Double(m.parameterCount) * mib
        let workers = [m] + m.replicas
        gradients = Double(workers.count * m.trainableParameterCount) * mib
        optimizer = 2 * Double(m.trainableParameterCount) * mib
        activations = Double(workers.reduce(0) { $0 + $1.activationFloatCount }) * mib
    }
}

/// Resident memory of this process from /proc/self/status, in MiB; 0 when unknown.
public enum PeakMemory {
    /// The peak so far (VmHWM).
    public static func megabytes() -> Double { status("VmHWM:") }

    /// The current resident set (VmRSS).
    public static func residentMegabytes() -> Double { status("VmRSS:") }

    private static func status(_ field: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb / 1024
    }
}
