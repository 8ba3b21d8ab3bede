import Foundation

/// The instruction set the engine was compiled for (see `Package.swift`): AVX2 and FMA when the
/// building machine had them, else plain x86-64 (or whatever the platform's baseline is).
public enum TargetCPU {
    /// CPU features this build's engine code uses beyond the platform baseline.
    public static var requiredFeatures: [String] {
        #if REWARM_AVX2
        ["avx2", "fma"]
        #else
        []
        #endif
    }

    /// The required features this CPU lacks, by its `/proc/cpuinfo` flags (empty when none are
    /// missing or the flags cannot be read).
    public static func missingFeatures(cpuinfo path: String = "/proc/cpuinfo") -> [String] {
        guard !requiredFeatures.isEmpty else { return [] }
        let flags = cpuFlags(cpuinfo: path)
        guard !flags.isEmpty else { return [] }
        return requiredFeatures.filter { !flags.contains($0) }
    }

    /// The CPU's feature flags from the first `flags` line of `/proc/cpuinfo` (empty when the file
    /// or the line is missing, as on macOS).
    public static func cpuFlags(cpuinfo path: String = "/proc/cpuinfo") -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: " ").map(String.init))
    }
}
