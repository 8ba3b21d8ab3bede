import Foundation
import Testing
@testable import RewarmEngine

@Suite("Config of the infinite schedule: cooldown_ratio, anneal_ratio and their rules")
struct InfiniteScheduleConfigTests {
    func load(_ yaml: String, _ overrides: [String] = []) throws(ConfigError) -> RunConfig {
        try RunConfig.load(yaml: "dataset: x\n" + yaml, source: "config.yaml", overrides: overrides)
    }

    /// The message `load` fails with, or nil when it loads.
    func failure(_ yaml: String) -> String? {
        do {
            _ = try load(yaml)
            return nil
        } catch {
            return error.description
        }
    }

    func yamlKeys(_ config: RunConfig) -> [String] {
        config.yaml().split(separator: "\n").map { String($0.prefix { $0 != ":" }) }
    }

    @Test("infinite defaults to cooldown_ratio 0.5 and anneal_ratio 0 and lists both in its resolved YAML")
    func defaults() throws {
        let c = try load("lr_scheduler_type: infinite\n")
        #expect(c.lrSchedulerType == .infinite && c.cooldownRatio == 0.5 && c.annealRatio == 0)
        #expect(c.yaml().contains("cooldown_ratio: 0.5\nanneal_ratio: 0.0\nrewarm: true"))
        #expect(RunConfig.key(named: "cooldown_ratio")?.defaultValue == .double(0.5))
        #expect(RunConfig.key(named: "anneal_ratio")?.defaultValue == .double(0))
        let set = try load("lr_scheduler_type: infinite\n", ["cooldown_ratio=0.25", "anneal_ratio=0.15"])
        #expect(set.cooldownRatio == 0.25 && set.annealRatio == 0.15)
        #expect(try RunConfig.load(yaml: set.yaml(), source: "resolved") == set)
    }

    @Test("configs that do not use the new keys resolve, and are named, as before they existed")
    func omittedAtDefault() throws {
        let cosine = try load("max_steps: 100\n")
        #expect(!yamlKeys(cosine).contains("cooldown_ratio") && !yamlKeys(cosine).contains("anneal_ratio"))
        #expect(cosine.values["cooldown_ratio"] == nil && cosine.values["anneal_ratio"] == nil)
        let explicit = try load("max_steps: 100\ncooldown_ratio: 0.5\nanneal_ratio: 0\n")
        #expect(explicit.runName == cosine.runName, "the defaults given explicitly change nothing")
        #expect(try load("").runName == "x-d49e95c6", "the name pinned before the keys existed (RunConfigTests)")
        #expect(try load("cooldown_ratio: 0.5\nanneal_ratio: 0\n").runName == "x-d49e95c6")
        let held = try load("init_from: runs/base\nrewarm: false\nanneal_ratio: 0.15\n")
        #expect(yamlKeys(held).contains("anneal_ratio") && !yamlKeys(held).contains("cooldown_ratio"))
        #expect(held.values["anneal_ratio"] == .double(0.15))
    }

    @Test("without rewarm cooldown_ratio is moot and anneal_ratio is not")
    func mootness() throws {
        let values: [String: ConfigValue] = ["rewarm": false, "init_from": "base@1.0", "anneal_ratio": 0.15]
        #expect(RunConfig.isMoot("cooldown_ratio", in: values))
        #expect(!RunConfig.isMoot("anneal_ratio", in: values))
        #expect(!RunConfig.isMoot("cooldown_ratio", in: ["init_from": "base@1.0"]))
        let config = try load("init_from: runs/base\nrewarm: false\nlr_scheduler_type: infinite\n"
            + "cooldown_ratio: 0.3\nanneal_ratio: 0.2\n").withMootKeysAtDefaults()
        #expect(config.lrSchedulerType == .cosine && config.cooldownRatio == 0.5 && config.annealRatio == 0.2)
    }

    @Test("a run that holds its checkpoint's lr checks only anneal_ratio, not infinite's phases")
    func heldRunIgnoresPhases() throws {
        let c = try load("init_from: runs/base\nrewarm: false\nlr_scheduler_type: infinite\nwarmup_ratio: 0.5\n"
            + "cooldown_ratio: 0.5\nanneal_ratio: 0.5\n")
        #expect(c.annealRatio == 0.5)
    }

    @Test("invalid values and combinations are refused with one line naming the key and what is wrong")
    func refusals() {
        let cases: [(yaml: String, message: String)] = [
            ("lr_scheduler_type: infinite\ncooldown_ratio: 1.5\n",
             "config.yaml: cooldown_ratio must be in [0, 1], got 1.5"),
            ("lr_scheduler_type: infinite\nanneal_ratio: 1\n", "config.yaml: anneal_ratio must be in [0, 1), got 1"),
            ("lr_scheduler_type: infinite\nanneal_ratio: -0.1\n",
             "config.yaml: anneal_ratio must be in [0, 1), got -0.1"),
            ("cooldown_ratio: 0.3\n",
             "config.yaml: cooldown_ratio 0.3 applies only to lr_scheduler_type infinite, "
                + "but lr_scheduler_type is cosine"),
            ("lr_scheduler_type: warmup_stable_decay\nanneal_ratio: 0.15\n",
             "config.yaml: anneal_ratio 0.15 applies only to lr_scheduler_type infinite or to rewarm false "
                + "(the held lr anneals), but lr_scheduler_type is warmup_stable_decay and rewarm is true"),
            ("anneal_ratio: 0.15\nrewarm: false\n",
             "config.yaml: rewarm false needs init_from (it holds the learning rate where the checkpoint's "
                + "schedule ended), but init_from starts from scratch"),
            ("lr_scheduler_type: infinite\nmax_steps: 100\nwarmup_ratio: 0.2\ncooldown_ratio: 0.6\nanneal_ratio: 0.3\n",
             "config.yaml: anneal_ratio 0.3: the phases of lr_scheduler_type infinite take warmup 20 + cooldown 60 "
                + "+ anneal 30 = 110 steps, more than max_steps 100 "
                + "(lower warmup_ratio or warmup_steps, cooldown_ratio or anneal_ratio)"),
            ("lr_scheduler_type: infinite\nmax_steps: 10\nwarmup_steps: 6\n",
             "config.yaml: warmup_steps 6: the phases of lr_scheduler_type infinite take warmup 6 + cooldown 5 "
                + "+ anneal 0 = 11 steps, more than max_steps 10 "
                + "(lower warmup_ratio or warmup_steps, cooldown_ratio or anneal_ratio)"),
        ]
        for c in cases {
            let got = failure(c.yaml)
            #expect(got == c.message, "\(c.yaml)")
            #expect(got.map { !$0.contains("\n") } ?? false, "one line")
        }
        #expect(failure("lr_scheduler_type: infinite\nmax_steps: 100\nwarmup_ratio: 0.1\ncooldown_ratio: 0.5\n"
            + "anneal_ratio: 0.4\n") == nil, "phases that fill max_steps exactly are fine")
    }
}
