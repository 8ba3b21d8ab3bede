import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport

@Suite("F18 regularisation toward the base against replay under rules v2")
struct RegularisationFindingTests {
    /// Full training without a mitigation (Lup(T) 3.3, Ldown(T) 1.5), replay 5% (jitter 0.015: Lup(T)
    /// 3.0, Ldown(T) 1.6) and one L2-SP run at `l2` (jitter 0.01) ending at (`l2Up`, `l2Down`).
    static func sweep(l2Up: Double, l2Down: Double) -> SweepFixture {
        var fixture = SweepFixture()
        fixture.add([:], seeds: [1, 2, 3], curve: .rewarm(lupEnd: 3.3, downEnd: 1.5))
        fixture.add(["replay_ratio": 0.05], seeds: [1, 2, 3], jitter: 0.015, curve: .rewarm(lupEnd: 3.0, downEnd: 1.6))
        fixture.add(["l2_to_base": 0.1], seeds: [1, 2, 3],
                    curve: .rewarm(lupEnd: l2Up, downEnd: l2Down))
        return fixture
    }

    @Test("F18 is reproduced when replay beats the L2-SP run on a loss by a real difference")
    func reproduced() throws {
        let r = try #require(Self.sweep(l2Up: 3.1, l2Down: 1.7).results["F18"])
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 1 && r.checks[0].passed == true)
        // Both pairs (L2-SP - replay on Lup(T), then on Ldown(T), claimed < 0) fail: replay is better on both.
        #expect(r.checks[0].text.components(separatedBy: "< 0: fails").count == 3, "\(r.checks[0].text)")
        #expect(r.checks[0].text.contains("does not dominate every replay run (a replay run better on Lup(T) or Ldown(T) "
            + "by a real difference): holds [Lup(T) "), "\(r.checks[0].text)")
        #expect(r.points.count == 3)
    }

    @Test("F18 is not reproduced when the L2-SP run is better than replay on both losses by real differences")
    func notReproduced() throws {
        let r = try #require(Self.sweep(l2Up: 2.8, l2Down: 1.4).results["F18"])
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[0].passed == false)
        #expect(r.checks[0].text.components(separatedBy: "< 0: holds").count == 3, "\(r.checks[0].text)")
    }

    @Test("F18 is inconclusive when L2-SP forgets less and its Ldown(T) is within noise of replay's")
    func inconclusive() throws {
        let r = try #require(Self.sweep(l2Up: 2.8, l2Down: 1.601).results["F18"])
        #expect(r.verdict == .inconclusive, "\(r.dump)")
        #expect(r.checks[0].passed == nil)
        #expect(r.checks[0].text.contains("< 0: holds; Ldown(T) ") && r.checks[0].text.hasSuffix("< 0: straddles (inconclusive)]"),
                "\(r.checks[0].text)")
    }

    @Test("F18 is absent without both a regularised run and a replay run")
    func absent() {
        var replayOnly = SweepFixture()
        replayOnly.add([:], curve: .rewarm())
        replayOnly.add(["replay_ratio": 0.05], curve: .rewarm())
        #expect(replayOnly.results["F18"] == nil)
        var l2Only = SweepFixture()
        l2Only.add([:], curve: .rewarm())
        l2Only.add(["l2_to_base": 0.1], curve: .rewarm())
        #expect(l2Only.results["F18"] == nil)
    }
}
