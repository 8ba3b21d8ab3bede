import Foundation
import Testing
@testable import RewarmReport

@Suite("F2 ported onto rules v2 (an example, not yet in the report)")
struct RulesV2PortExampleTests {
    static func f2(seeds: [Int] = [1, 2, 3], curve: Curve) throws -> FindingResult {
        var fixture = SweepFixture()
        fixture.add([:], seeds: seeds, curve: curve)
        return try #require(Findings.rewarmRiseV2(ConditionSet(fixture.data)))
    }

    @Test("F2 v2 is reproduced when Lup rises for real and Ldown's fall is trivially true and not counted")
    func reproduced() throws {
        let r = try Self.f2(curve: .rewarm(down0: 12.6))
        #expect(r.verdict == .reproduced, "\(r.dump)")
        #expect(r.checks.count == 3)
        #expect(r.checks[2].passed == nil && r.checks[2].text.contains("trivially true, not counted"))
        #expect(r.notes.contains("rules v2 (2026-12-05)"))
        #expect(r.notes.contains { $0.hasPrefix("reported, not judged") })
    }

    @Test("F2 v2 is not reproduced when Lup ends below its start by a real difference")
    func notReproduced() throws {
        let r = try Self.f2(curve: .rewarm(lupEnd: 1.5, down0: 12.6))
        #expect(r.verdict == .notReproduced, "\(r.dump)")
        #expect(r.checks[1].passed == false)
    }

    @Test("F2 v2 is inconclusive with 2 seeds, and judges the early Ldown rise when Ldown(0) < ln(256)")
    func inconclusive() throws {
        #expect(try Self.f2(seeds: [1, 2], curve: .rewarm(down0: 12.6)).verdict == .inconclusive)
        // Ldown(0) = 4.0 < ln(256) = 5.545: Ldown falling from the start is counted, and the early
        // rise check runs; here Ldown falls at once, so the early rise fails.
        let r = try Self.f2(curve: .rewarm())
        #expect(r.checks.count == 4)
        #expect(r.checks[2].passed == true && r.checks[3].passed == false)
        #expect(r.verdict == .notReproduced, "\(r.dump)")
    }
}
