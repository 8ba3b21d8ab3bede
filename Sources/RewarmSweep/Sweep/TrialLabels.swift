import Foundation
import RewarmEngine
import RewarmStore

extension Trial {
    /// Whether the trial starts from a checkpoint of the sweep's base (`init_from: base@F`).
    public var usesBase: Bool {
        if case .string(let s) = values["init_from"] { return BaseReference.fraction(inInitFrom: s) != nil }
        return false
    }

    /// What a person reads in progress lines: the extra trial's name or the grid values, and the seed.
    public var label: String {
        let what = name ?? (diffText.isEmpty ? "defaults" : diffText)
        return "\(what) seed=\(seed)"
    }
}
