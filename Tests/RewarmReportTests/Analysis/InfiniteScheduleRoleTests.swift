import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport

/// The role of the `infinite` schedule and of I24's continual phase (arXiv 2403.08763, sec. 7)
/// in `ConditionRoles.swift`, read from configs as a sweep stores them.
@Suite("Roles of the infinite schedule")
struct InfiniteScheduleRoleTests {
    @Test("infinite and rewarm false with an anneal are infinite schedules; an annealed run is not constant-LR")
    func roles() throws {
        var fixture = SweepFixture()
        let cases: [[String: ConfigValue]] = [
            [:], ["lr_scheduler_type": "infinite", "cooldown_ratio": 0.5, "anneal_ratio": 0.0],
            ["rewarm": false, "anneal_ratio": 0.15], ["rewarm": false],
        ]
        for c in cases { fixture.add(c, seeds: [1], curve: .rewarm()) }
        let cs = ConditionSet(fixture.data).conditions
        #expect(cs.map(\.isInfiniteSchedule) == [false, true, true, false])
        #expect(cs.map(\.isConstantLR) == [false, false, false, true])
        #expect(cs[2].annealRatio == 0.15 && cs[3].annealRatio == 0)
    }

    @Test("a rewarmed infinite run and a cosine one differ only in schedule-shape keys")
    func sameFamily() throws {
        var fixture = SweepFixture()
        fixture.add([:], seeds: [1], curve: .rewarm())
        fixture.add(["lr_scheduler_type": "infinite", "cooldown_ratio": 0.5, "anneal_ratio": 0.1], seeds: [1],
                    curve: .rewarm())
        let set = ConditionSet(fixture.data)
        #expect(set.families(set.conditions, axis: AxisKeys.scheduleShape).count == 1)
    }
}
