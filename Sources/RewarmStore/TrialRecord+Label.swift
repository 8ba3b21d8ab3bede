import Foundation

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
