import Foundation
import RewarmEngine
import Testing
@testable import RewarmSweep

/// F10 as a sweep (Ibrahim et al. 2024, arXiv 2403.08763, sec. 7): an `infinite` base, its
/// continual phase (`rewarm: false` with `anneal_ratio`) and a rewarmed cosine reference.
@Suite("Sweeps of the infinite schedule")
struct InfiniteScheduleSpecTests {
    static let spec = """
        name: f10
        base:
          model: tiny
          dataset: synthetic
          max_steps: 100
          lr_scheduler_type: infinite
          warmup_ratio: 0.01
          cooldown_ratio: 0.4
        defaults:
          dataset: synthetic:down
          max_steps: 20
        trials:
          - {name: infinite, rewarm: false, anneal_ratio: 0.15}
          - {name: constant, rewarm: false}
          - {name: cosine, warmup_ratio: 0.01}
        """

    @Test("the continual phase keeps anneal_ratio, drops the moot cooldown_ratio, and differs from the constant run")
    func expansion() throws {
        let e = try SpecFixtures.expand(Self.spec)
        #expect(e.base.values["lr_scheduler_type"] == "infinite" && e.base.values["cooldown_ratio"] == .double(0.4))
        let byName = Dictionary(uniqueKeysWithValues: e.trials.map { ($0.name ?? "", $0) })
        let infinite = try #require(byName["infinite"]), constant = try #require(byName["constant"])
        #expect(infinite.values["anneal_ratio"] == .double(0.15) && infinite.values["cooldown_ratio"] == nil)
        #expect(constant.values["anneal_ratio"] == nil && constant.values["cooldown_ratio"] == nil)
        #expect(infinite.id != constant.id)
        #expect(infinite.isMoot("cooldown_ratio") && !infinite.isMoot("anneal_ratio"))
        #expect(infinite.diff.map(\.key) == ["anneal_ratio", "rewarm"])
    }

    @Test("anneal_ratio on a rewarmed cosine trial is refused at its path")
    func refusal() {
        let spec = Self.spec.replacingOccurrences(
            of: "{name: cosine, warmup_ratio: 0.01}", with: "{name: cosine, anneal_ratio: 0.1}")
        let message = SpecFixtures.failure(spec)
        #expect(message?.contains("anneal_ratio") == true && message?.contains("applies only to") == true, "\(message ?? "nil")")
        #expect(message.map { !$0.contains("\n") } ?? false)
    }
}
