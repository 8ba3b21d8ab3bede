import Foundation
@testable import RewarmStore
@testable import RewarmSweep

/// Specs shared by the spec tests.
enum SpecFixtures {
    /// The example of the sweeps issue, as written there.
    static let maxLR = sharedFixture("max-lr-spec.yaml")

    /// A small spec: `extra` lines are appended at the top level (after `grid`).
    static func small(grid: String = "  learning_rate: [1.0e-3, 2.0e-3]", extra: String = "") -> String {
        """
        name: small
        base:
          model: tiny
          dataset: synthetic
          max_steps: 100
          save_at: [0.5]
        defaults:
          dataset: synthetic:down
          max_steps: 20
        grid:
        \(grid)
        \(extra)
        """
    }

    static func parse(_ yaml: String, file: String = "spec.yaml") throws(SpecError) -> SweepSpec {
        try SweepSpec.parse(yaml: yaml, source: file)
    }

    static func expand(_ yaml: String, file: String = "spec.yaml") throws(SpecError) -> Expansion {
        try SweepSpec.parse(yaml: yaml, source: file).expand()
    }

    /// The message parsing and expanding `yaml` fails with, or nil when it expands.
    static func failure(_ yaml: String, file: String = "spec.yaml") -> String? {
        do {
            _ = try expand(yaml, file: file)
            return nil
        } catch {
            return error.description
        }
    }
}

/// A file of `Tests/Fixtures`, shared by the test targets (read, not bundled).
func sharedFixture(_ name: String, file: StaticString = #filePath) -> String {
    let url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name)
    return (try? String(contentsOf: url, encoding: .utf8)) ?? "missing fixture \(url.path)"
}
