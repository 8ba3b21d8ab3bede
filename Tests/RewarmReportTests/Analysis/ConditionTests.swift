import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("Conditions: grouping seeds, roles from configs, which findings a sweep can test")
struct ConditionTests {
    @Test("trials equal but for the seed form one condition, labelled by the keys the sweep varies")
    func grouping() throws {
        var fixture = SweepFixture()
        fixture.add(["learning_rate": 3e-3], curve: .rewarm())
        fixture.add(["learning_rate": 6e-3], seeds: [1, 2], states: [2: .diverged], curve: .rewarm())
        fixture.add(["rewarm": false], seeds: [1], curve: .rewarm())
        fixture.add(["init_from": nil], name: "scratch", seeds: [1], curve: .rewarm())
        let set = ConditionSet(fixture.data)
        #expect(set.conditions.count == 4)
        #expect(set.conditions.map(\.trials.count) == [3, 2, 1, 1])
        #expect(set.conditions.map(\.seeds) == [3, 1, 1, 1])
        // The constant-LR run's moot schedule keys are at their registry defaults (warmup_ratio 0).
        #expect(set.varyingKeys == ["init_from", "rewarm", "learning_rate", "warmup_ratio"])
        #expect(set.conditions[0].label == "init_from=base@1.0, rewarm=true, learning_rate=0.003, warmup_ratio=0.01")
        #expect(set.conditions[2].label == "init_from=base@1.0, rewarm=false")  // moot LR left out
        #expect(set.conditions[3].label == "scratch")
        #expect(set.conditions[1].leftOut == "seed 2 diverged")
        #expect(set.baseDataset == "fortunes-en")
        #expect(set.baseUpstreamLoss == 1.7)
        #expect(set.baseMaxSteps == 1000)
    }

    @Test("roles: scratch, constant LR, early checkpoint, path checkpoint, same data, LoRA, replay, WSD")
    func roles() throws {
        var fixture = SweepFixture()
        let cases: [[String: ConfigValue]] = [
            [:], ["init_from": nil], ["rewarm": false], ["init_from": "base@0.07"], ["init_from": "runs/other"],
            ["dataset": "fortunes-en"], ["finetuning_type": "lora", "lora_rank": 8], ["replay_ratio": 0.05],
            ["lr_scheduler_type": "warmup_stable_decay"], ["warmup_steps": 10, "warmup_ratio": 0.0],
        ]
        for c in cases { fixture.add(c, seeds: [1], curve: .rewarm()) }
        let cs = ConditionSet(fixture.data).conditions
        #expect(cs.map(\.isRewarmed) == [true, false, false, true, true, true, true, true, true, true])
        #expect(cs[1].isScratch && cs[1].checkpointFraction == nil)
        #expect(cs[2].isConstantLR)
        #expect(cs[3].checkpointFraction == 0.07 && !cs[3].isFromFinalCheckpoint)
        #expect(cs[4].isFromFinalCheckpoint)
        #expect(cs.map { $0.isSameData(baseDataset: "fortunes-en") } == [false, false, false, false, false, true, false, false, false, false])
        #expect(cs[6].isLoRA && cs[6].loraRank == 8 && !cs[6].isFullTraining)
        #expect(cs[7].replayRatio == 0.05)
        #expect(!cs[8].isInfiniteSchedule && !cs[0].isInfiniteSchedule)  // WSD is F12's, not F10's
        #expect(cs[9].warmupFraction == 0.1)  // 10 of 100 steps
        let protocolRuns = cs.map { $0.isProtocolRewarm(baseDataset: "fortunes-en") }
        #expect(protocolRuns == [true, false, false, false, true, false, false, false, true, true])
    }

    @Test("same data is detected by dataset == upstream even when the base is unknown")
    func sameDataWithoutBase() throws {
        var fixture = SweepFixture()
        fixture.baseConfig = [:]
        fixture.add(["dataset": "synthetic:a", "upstream": "synthetic:a"], seeds: [1], curve: .rewarm())
        let c = try #require(ConditionSet(fixture.data).conditions.first)
        #expect(c.isSameData(baseDataset: nil))
    }

    @Test("another part of the base's corpus is same data; another corpus is not")
    func sameDataAcrossParts() throws {
        var fixture = SweepFixture()
        fixture.baseConfig = ["dataset": "fortunes-en[1/2]"]
        fixture.add(["dataset": "fortunes-en[2/2]"], seeds: [1], curve: .rewarm())
        fixture.add(["dataset": "fortunes-zh"], seeds: [1], curve: .rewarm())
        let cs = ConditionSet(fixture.data).conditions.sorted { ($0.dataset ?? "") < ($1.dataset ?? "") }
        #expect(cs.map { $0.isSameData(baseDataset: "fortunes-en[1/2]") } == [true, false])
    }

    @Test("a sweep of rewarmed runs over the max LR can test only F2, F3 and F13; the others are not listed")
    func untestableNotListed() throws {
        let ids = Findings.evaluate(MaxLRAndConstantFindingTests.lrSweep().data).map(\.id)
        #expect(ids == ["F2", "F3", "F13"])
    }

    @Test("a sweep with every kind of rewarming trial lists the findings it can test in numeric order")
    func order() throws {
        var fixture = MaxLRAndConstantFindingTests.constantSweep()
        fixture.add(["learning_rate": 3e-3, "warmup_ratio": 0.0], curve: .rewarm())
        fixture.add(["init_from": nil], name: "scratch", curve: .rewarm())
        let ids = Findings.evaluate(fixture.data).map(\.id)
        #expect(ids == ["F1", "F2", "F3", "F4", "F5", "F13"])
    }

    @Test("a stored config that leaves keys out at their default reads them back: reset_optimizer true, no anneal")
    func omittedDefaults() {
        #expect(SweepData.withOmittedDefaults(["rewarm": false])
            == ["rewarm": false, "reset_optimizer": true, "anneal_ratio": 0.0, "cooldown_ratio": 0.5, "train_fraction": 1.0,
               "l2_to_base": 0.0, "ewc_lambda": 0.0, "ewc_batches": 16, "extend_vocabulary_new_tokens": 0, "extend_vocabulary_init": "mean",
               "recipe": "none", "recipe_stages": 2])
        #expect(SweepData.withOmittedDefaults(["reset_optimizer": false])
            == ["reset_optimizer": false, "anneal_ratio": 0.0, "cooldown_ratio": 0.5, "train_fraction": 1.0,
               "l2_to_base": 0.0, "ewc_lambda": 0.0, "ewc_batches": 16, "extend_vocabulary_new_tokens": 0, "extend_vocabulary_init": "mean",
               "recipe": "none", "recipe_stages": 2])
        #expect(SweepData.withOmittedDefaults([:]).isEmpty)
    }

    @Test("an empty sweep has no findings")
    func empty() {
        #expect(Findings.evaluate(SweepFixture().data).isEmpty)
    }

    @Test("every result's title is findings.md's and it encodes to JSON")
    func titlesAndJSON() throws {
        let results = Findings.evaluate(MaxLRAndConstantFindingTests.lrSweep().data)
        #expect(results.map(\.title) == ["Rewarming first raises both losses, then learns", "Max LR trades learning for forgetting",
                                         "Forgetting is linear in learning"])
        let json = try JSONEncoder().encode(results)
        let back = try JSONDecoder().decode([FindingResult].self, from: json)
        #expect(back == results)
    }
}
