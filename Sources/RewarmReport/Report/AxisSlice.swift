import RewarmEngine
import RewarmStore

/// What a per-axis chart draws: for one grid axis, one condition per value of the axis, with the
/// other axes held at one setting (the setting under which the most values of this axis ran).
/// Axes that are moot in a condition (`learning_rate` when `rewarm: false`) match any setting.
public struct AxisSlice: Sendable {
    /// The axis as written in the spec (`downstream`).
    public let name: String
    /// The config key it sets (`dataset`).
    public let key: String
    /// One line per axis value, in the spec's value order: its label (`lr=0.003`) and condition.
    public let lines: [(label: String, condition: ReportCondition)]
    /// The other axes' values the lines share (`warmup=0.01`), empty with a single axis.
    public let held: String

    /// The grid axes of a sweep: (name, config key, values) as the sweep recorded them, or, for
    /// a sweep recorded without them, the keys whose values differ between grid conditions (sorted).
    static func axes(
        of data: SweepData, conditions: [ReportCondition]
    ) -> [(name: String, key: String, values: [ConfigValue])] {
        if let axes = data.axes, !axes.isEmpty {
            return axes.map { ($0.name, $0.key, $0.values) }
        }
        let grid = conditions.filter(\.isGridPoint)
        let keys = Set(grid.flatMap { $0.config.keys })
        return keys.sorted().compactMap { key in
            var values: [ConfigValue] = []
            for c in grid where !RunConfig.isMoot(key, in: c.config) {
                let v = c.config[key] ?? .null
                if !values.contains(where: { same($0, v) }) { values.append(v) }
            }
            return values.count > 1 ? (key, key, values) : nil
        }
    }

    /// One slice per grid axis of `data` (axes without any condition left out).
    static func slices(of data: SweepData, conditions: [ReportCondition]) -> [AxisSlice] {
        let axes = axes(of: data, conditions: conditions)
        return axes.compactMap { axis in
            let others = axes.filter { $0.key != axis.key }
            return slice(axis: axis, others: others, conditions: conditions.filter(\.isGridPoint))
        }
    }

    static func slice(axis: (name: String, key: String, values: [ConfigValue]),
                      others: [(name: String, key: String, values: [ConfigValue])],
                      conditions: [ReportCondition]) -> AxisSlice? {
        let candidates = conditions.filter {
            !RunConfig.isMoot(axis.key, in: $0.config) && $0.config.keys.contains(axis.key)
        }
        guard !candidates.isEmpty else { return nil }
        // The other axes' values of a condition; nil where the axis is moot (matches anything).
        func setting(_ c: ReportCondition) -> [ConfigValue?] {
            others.map { axis -> ConfigValue? in
                RunConfig.isMoot(axis.key, in: c.config)
                    ? Optional<ConfigValue>.none : .some(c.config[axis.key] ?? .null)
            }
        }
        func matches(_ a: [ConfigValue?], _ b: [ConfigValue?]) -> Bool {
            zip(a, b).allSatisfy { x, y in
                guard let x, let y else { return true }
                return same(x, y)
            }
        }
        func distinctValues(_ members: [ReportCondition]) -> Int {
            var values: [ConfigValue] = []
            for m in members where !values.contains(where: { same($0, m.config[axis.key]!) }) {
                values.append(m.config[axis.key]!)
            }
            return values.count
        }
        // Choose the complete setting under which the most distinct axis values ran (first wins
        // ties); with no complete setting, every candidate.
        var best: (setting: [ConfigValue?], members: [ReportCondition])
            = (others.map { _ in Optional<ConfigValue>.none }, candidates)
        var bestCount = 0
        for c in candidates {
            let s = setting(c)
            guard !s.contains(where: isWildcard) else { continue }
            let members = candidates.filter { matches(setting($0), s) }
            let n = distinctValues(members)
            if n > bestCount { (best, bestCount) = ((s, members), n) }
        }
        var lines: [(label: String, condition: ReportCondition)] = []
        var used: [ConfigValue] = []
        let inOrder = axis.values + best.members.map { $0.config[axis.key]! }
        for v in inOrder where !used.contains(where: { same($0, v) }) {
            guard let c = best.members.first(where: { same($0.config[axis.key]!, v) }) else { continue }
            used.append(v)
            lines.append(("\(ConfigLabels.short(axis.name))=\(ConfigLabels.plain(c.config[axis.key]!))", c))
        }
        let held = zip(others, best.setting).compactMap { axis, value in
            value.map { "\(ConfigLabels.short(axis.name))=\(ConfigLabels.plain($0))" }
        }.joined(separator: " ")
        return AxisSlice(name: axis.name, key: axis.key, lines: lines, held: held)
    }

    /// Whether a setting entry is a moot axis (matches anything). Settings are built with an
    /// explicit `.none`: ConfigValue is ExpressibleByNilLiteral, so a bare `nil` next to a
    /// ConfigValue (`cond ? nil : value`) would become `ConfigValue.null`.
    static func isWildcard(_ x: ConfigValue?) -> Bool {
        if case .none = x { true } else { false }
    }

    /// Equal as config values: numbers by value (0.01 and "1e-2"), the rest by their text.
    static func same(_ a: ConfigValue, _ b: ConfigValue) -> Bool {
        if let x = a.number, let y = b.number, !(a.isString && b.isString) { return x == y }
        return ConfigLabels.plain(a) == ConfigLabels.plain(b)
    }
}

extension ConfigValue {
    fileprivate var isString: Bool { if case .string = self { true } else { false } }
}
