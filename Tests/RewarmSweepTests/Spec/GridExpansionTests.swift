import Foundation
import RewarmEngine
import Testing
@testable import RewarmStore
@testable import RewarmSweep

@Suite("Grid expansion: points, distinct trials, merging and ids")
struct GridExpansionTests {
    @Test("the issue's example expands to 42 points and 27 distinct trials")
    func issueExample() throws {
        let expansion = try SpecFixtures.expand(SpecFixtures.maxLR, file: "max-lr.yaml")
        #expect(expansion.points == 42)
        #expect(expansion.trials.count == 27)
        #expect(Set(expansion.trials.map(\.id)).count == 27)
        for seed in [1, 2, 3] {
            let ofSeed = expansion.trials.filter { $0.seed == seed }
            let rewarmed = ofSeed.filter { $0.name == nil && $0.values["rewarm"] == .bool(true) }
            let constant = ofSeed.filter { $0.values["rewarm"] == .bool(false) }
            #expect(rewarmed.count == 6)
            #expect(constant.count == 1)
            #expect(constant.first?.pointCount == 6)
            #expect(Set(ofSeed.compactMap(\.name)) == ["scratch", "from-7pct"])
        }
        #expect(expansion.summary == "42 points -> 27 distinct trials (3 seeds)")
        let lines = expansion.dryRunLines()
        #expect(lines.count == 1 + 27 + 1)
        #expect(lines.last == "42 points -> 27 distinct trials (3 seeds)")
        #expect(lines.filter { $0.contains("rewarm=false  (6 points)") }.count == 3)
    }

    @Test("extra trials are not crossed with the grid: each runs once per seed with the defaults and its keys")
    func extrasNotCrossed() throws {
        let yaml = SpecFixtures.small(extra: "trials:\n  - {name: scratch, init_from: scratch}\nseeds: [7, 8]")
        let expansion = try SpecFixtures.expand(yaml)
        #expect(expansion.points == 2 * (2 + 1))
        let scratch = expansion.trials.filter { $0.name == "scratch" }
        #expect(scratch.map(\.seed) == [7, 8])
        for trial in scratch {
            #expect(trial.values["init_from"] == .null)
            #expect(trial.values["learning_rate"] == .double(1e-3))  // the registry default: no grid value
            #expect(trial.values["max_steps"] == .int(20))  // from defaults
            #expect(trial.gridPoint.isEmpty)
            #expect(trial.diff == [ConfigSetting(key: "init_from", value: .null)])
        }
    }

    @Test("rewarm false makes the schedule axes moot: those points merge into one trial at the first position")
    func rewarmFalseMerges() throws {
        let grid = "  learning_rate: [1.0e-3, 2.0e-3]\n  lr_scheduler_type: [cosine, linear]\n  rewarm: [true, false]"
        let expansion = try SpecFixtures.expand(SpecFixtures.small(grid: grid))
        #expect(expansion.points == 8)
        #expect(expansion.trials.count == 5)
        let constant = try #require(expansion.trials.first { $0.values["rewarm"] == .bool(false) })
        #expect(constant.position == 1)  // (1e-3, cosine, false) is the second point
        #expect(constant.pointCount == 4)
        #expect(constant.gridPoint == ["rewarm": false])
        #expect(constant.values["learning_rate"] == RunConfig.key(named: "learning_rate")?.defaultValue)
        #expect(constant.values["lr_scheduler_type"] == .string("cosine"))
        #expect(constant.diff == [ConfigSetting(key: "rewarm", value: false)])
        #expect(constant.isMoot("warmup_ratio") && !constant.isMoot("max_steps"))
        #expect(expansion.trials.map(\.position) == [0, 1, 2, 4, 6])
    }

    @Test("rewarm false from scratch merges nothing: keys are only moot when the run starts from a checkpoint")
    func rewarmNeedsCheckpointToBeMoot() throws {
        let values: [String: ConfigValue] = ["rewarm": false, "init_from": .null]
        #expect(!RunConfig.isMoot("learning_rate", in: values))
        #expect(RunConfig.isMoot("learning_rate", in: ["rewarm": false, "init_from": "base@1.0"]))
    }

    @Test("seeds multiply the points and the trials, and the seed is part of the config")
    func seedsMultiply() throws {
        let one = try SpecFixtures.expand(SpecFixtures.small())
        let three = try SpecFixtures.expand(SpecFixtures.small(extra: "seeds: [1, 2, 3]"))
        #expect(one.seeds == [1])
        #expect(one.points == 2 && one.trials.count == 2)
        #expect(three.points == 6 && three.trials.count == 6)
        #expect(three.trials.map(\.seed) == [1, 1, 2, 2, 3, 3])
        #expect(three.trials.map { $0.values["seed"] } == [1, 1, 2, 2, 3, 3])
        #expect(Set(three.trials.map(\.id)).count == 6)
    }

    @Test("the first axis varies slowest and the grid point names axes as written")
    func axisOrder() throws {
        let grid = "  downstream: [synthetic:a, synthetic:b]\n  learning_rate: [1.0e-3, 2.0e-3]"
        let expansion = try SpecFixtures.expand(SpecFixtures.small(grid: grid))
        #expect(expansion.trials.map { $0.values["dataset"] }
            == ["synthetic:a", "synthetic:a", "synthetic:b", "synthetic:b"])
        #expect(expansion.trials.map { $0.values["learning_rate"] } == [0.001, 0.002, 0.001, 0.002])
        #expect(expansion.trials[2].gridPoint == ["downstream": "synthetic:b", "learning_rate": 0.001])
    }

    @Test("trial ids are stable across expansions and differ for different configs, seeds and sweeps")
    func stableIds() throws {
        let first = try SpecFixtures.expand(SpecFixtures.maxLR)
        let again = try SpecFixtures.expand(SpecFixtures.maxLR)
        #expect(first.trials.map(\.id) == again.trials.map(\.id))
        #expect(first.trialSetHash == again.trialSetHash)
        #expect(first.trials.allSatisfy { $0.id.count == 16 && $0.id.allSatisfy(\.isHexDigit) })
        // Reordering the keys of the defaults changes nothing.
        let reordered = SpecFixtures.maxLR.replacingOccurrences(
            of: "  dataset: fortunes-zh\n  max_steps: 1000\n", with: "  max_steps: 1000\n  dataset: fortunes-zh\n")
        #expect(reordered != SpecFixtures.maxLR)
        #expect(try SpecFixtures.expand(reordered).trialSetHash == first.trialSetHash)
        // A changed default, another sweep name or another base: other ids.
        let longer = try SpecFixtures.expand(SpecFixtures.maxLR.replacingOccurrences(of: "max_steps: 1000", with: "max_steps: 1200"))
        #expect(Set(longer.trials.map(\.id)).isDisjoint(with: first.trials.map(\.id)))
        let renamed = try SpecFixtures.expand(SpecFixtures.maxLR.replacingOccurrences(of: "name: max-lr", with: "name: max-lr-2"))
        #expect(Set(renamed.trials.map(\.id)).isDisjoint(with: first.trials.map(\.id)))
        let otherBase = try SpecFixtures.expand(SpecFixtures.maxLR.replacingOccurrences(of: "max_steps: 2000", with: "max_steps: 3000"))
        #expect(otherBase.base.hash != first.base.hash)
        let scratch = { (e: Expansion) in e.trials.filter { $0.name == "scratch" }.map(\.id) }
        #expect(scratch(otherBase) == scratch(first))  // from scratch: the base does not matter
        let fromBase = { (e: Expansion) in e.trials.filter { $0.name != "scratch" }.map(\.id) }
        #expect(Set(fromBase(otherBase)).isDisjoint(with: fromBase(first)))
        #expect(otherBase.trialSetHash != first.trialSetHash)
    }

    @Test("the canonical config drops run keys, keeps init_from symbolic and inherits the base's model")
    func canonicalValues() throws {
        let expansion = try SpecFixtures.expand(SpecFixtures.small(extra: "trials:\n  - {init_from: base@0.5}"))
        let trial = try #require(expansion.trials.first)
        #expect(trial.values["output_dir"] == nil && trial.values["run_name"] == nil)
        #expect(trial.values["init_from"] == "base@1.0")
        #expect(trial.values["model"] == "tiny")
        #expect(trial.values["lora_rank"] == .null)
        #expect(Set(trial.values.keys) == Set(RunConfig.keys.map(\.name)).subtracting(["output_dir", "run_name"])
            .subtracting(RunConfig.keysOmittedWhenNull).subtracting(RunConfig.keysOmittedAtDefault))
        #expect(trial.canonicalJSON.hasPrefix(#"{"adam_beta1":0.9,"#))
        #expect(expansion.trials.last?.values["init_from"] == "base@0.5")
        #expect(expansion.base.values["save_at"] == [0.5, 1.0])
        #expect(expansion.base.saveAt == [0.5, 1.0])
        #expect(expansion.base.hash == FNV1a.hex(expansion.base.canonicalJSON))
    }

    @Test("no grid: the defaults alone are one point, or the extra trials alone when there are some")
    func noGrid() throws {
        let spec = "name: s\nbase: {dataset: synthetic, model: tiny}\ndefaults: {dataset: synthetic:d}\n"
        let alone = try SpecFixtures.expand(spec)
        #expect(alone.points == 1 && alone.trials.first?.diff == [])
        let extras = try SpecFixtures.expand(spec + "trials: [{warmup_ratio: 0.1}, {warmup_ratio: 0.2}]\n")
        #expect(extras.points == 2)
        #expect(extras.trials.map(\.diffText) == ["warmup_ratio=0.1", "warmup_ratio=0.2"])
    }

    @Test("an extra trial identical to a grid point merges into it and lends it its name")
    func extraMergesIntoGridPoint() throws {
        let yaml = SpecFixtures.small(extra: "trials:\n  - {name: low, learning_rate: 1.0e-3}")
        let expansion = try SpecFixtures.expand(yaml)
        #expect(expansion.points == 3)
        #expect(expansion.trials.count == 2)
        #expect(expansion.trials[0].name == "low" && expansion.trials[0].position == 0)
        #expect(expansion.trials[0].pointCount == 2)
    }
}
