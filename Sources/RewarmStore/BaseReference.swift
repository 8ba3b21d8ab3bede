/// How a stored trial config names a checkpoint of its sweep's base: `init_from: base@F`, with F
/// the fraction of the base's `max_steps` at which that checkpoint was kept. Sweeps write it,
/// the analysis reads it.
public enum BaseReference {
    public static let prefix = "base@"

    /// F of `base@F`, or nil when `initFrom` is not of that form.
    public static func fraction(inInitFrom initFrom: String) -> Double? {
        guard initFrom.hasPrefix(prefix) else { return nil }
        return Double(initFrom.dropFirst(prefix.count))
    }

    /// `base@F` with F in Swift's shortest form (`base@1.0`, `base@0.07`).
    public static func initFrom(fraction: Double) -> String { "\(prefix)\(fraction)" }
}
