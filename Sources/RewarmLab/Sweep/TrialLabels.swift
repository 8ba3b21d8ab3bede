import Foundation
import RewarmEngine

extension Trial {
    /// Whether the trial starts from a checkpoint of the sweep's base (`init_from: base@F`).
    public var usesBase: Bool {
        if case .string(let s) = values["init_from"] { return BaseSpec.fraction(inInitFrom: s) != nil }
        return false
    }

    /// What a person reads in progress lines: the extra trial's name or the grid values, and the seed.
    public var label: String {
        let what = name ?? (diffText.isEmpty ? "defaults" : diffText)
        return "\(what) seed=\(seed)"
    }
}

extension TrialRecord {
    /// The extra trial's name or the keys that differ from the defaults, and the seed.
    public var label: String {
        var what = name ?? ""
        if what.isEmpty,
           let object = try? JSONSerialization.jsonObject(with: Data(diffJSON.utf8)) as? [String: Any] {
            what = object.keys.sorted().map { "\($0)=\(object[$0]!)" }.joined(separator: " ")
        }
        return "\(what.isEmpty ? "defaults" : what) seed=\(seed)"
    }
}
