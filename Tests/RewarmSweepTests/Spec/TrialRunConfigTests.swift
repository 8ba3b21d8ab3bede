import Foundation
import RewarmEngine
import Testing
@testable import RewarmStore
@testable import RewarmSweep

@Suite("Trial run configs: base@F resolved to the base's checkpoint, run folder and name set")
struct TrialRunConfigTests {
    let runs = URL(fileURLWithPath: "/tmp/results/max-lr/trials")
    let baseDirectory = URL(fileURLWithPath: "/tmp/results/bases/b")

    @Test("base@F becomes the base checkpoint at round(F x base max_steps); base@1.0 the final one")
    func baseCheckpoints() throws {
        let expansion = try SpecFixtures.expand(SpecFixtures.maxLR)
        let fromFinal = try #require(expansion.trials.first)
        let fromSeven = try #require(expansion.trials.first { $0.name == "from-7pct" })
        let final = expansion.runConfig(for: fromFinal, runDirectory: runs.appendingPathComponent(fromFinal.id),
                                            baseDirectory: baseDirectory)
        #expect(final.initFrom == "/tmp/results/bases/b/checkpoint-2000")
        #expect(final.outputDir == "/tmp/results/max-lr/trials/\(fromFinal.id)")
        #expect(final.runName == fromFinal.id)
        #expect(final.seed == 1 && final.dataset == "fortunes-zh" && final.maxSteps == 1000)
        let seven = expansion.runConfig(for: fromSeven, runDirectory: runs, baseDirectory: baseDirectory)
        #expect(seven.initFrom == "/tmp/results/bases/b/checkpoint-140")
        #expect(expansion.base.checkpointStep(fraction: 0.19) == 380)
    }

    @Test("base@F is matched to a save_at entry by its step, so base@1 and base@1.0 are one trial")
    func fractionsMatchBySteps() throws {
        let grid = "  init_from: [base@1, base@1.0, base@0.5, base@0.50001]"
        let expansion = try SpecFixtures.expand(SpecFixtures.small(grid: grid))
        #expect(expansion.points == 4)
        #expect(expansion.trials.map { $0.values["init_from"] } == ["base@1.0", "base@0.5"])
        #expect(expansion.trials[1].diff == [ConfigSetting(key: "init_from", value: "base@0.5")])
    }

    @Test("from scratch there is no init_from; a literal folder is kept as written and made absolute to run")
    func scratchAndPaths() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rewarm-spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let yaml = SpecFixtures.small(extra: "trials:\n  - {name: scratch, init_from: scratch}\n  - {name: mine, init_from: \(folder.path)}")
        let expansion = try SpecFixtures.expand(yaml)
        let scratch = try #require(expansion.trials.first { $0.name == "scratch" })
        let mine = try #require(expansion.trials.first { $0.name == "mine" })
        #expect(expansion.runConfig(for: scratch, runDirectory: runs, baseDirectory: baseDirectory).initFrom == nil)
        #expect(mine.values["init_from"] == .string(folder.path))
        #expect(expansion.runConfig(for: mine, runDirectory: runs, baseDirectory: baseDirectory).initFrom == folder.path)
    }

    @Test("a rewarm-false trial runs with the moot keys at their defaults and the base's model")
    func constantTrial() throws {
        let expansion = try SpecFixtures.expand(SpecFixtures.maxLR)
        let constant = try #require(expansion.trials.first { $0.values["rewarm"] == .bool(false) })
        let config = expansion.runConfig(for: constant, runDirectory: runs, baseDirectory: baseDirectory)
        #expect(!config.rewarm)
        #expect(config.learningRate == 1e-3 && config.warmupRatio == 0)
        #expect(config.modelPreset == "small")
        // The config the sweep writes loads back into the same config.
        #expect(try RunConfig.load(yaml: config.yaml(), source: "config.yaml") == config)
    }

    @Test("the base runs with its save_at (1.0 added), its folder and a name from its hash")
    func baseRunConfig() throws {
        let expansion = try SpecFixtures.expand(SpecFixtures.maxLR)
        let config = expansion.baseRunConfig(baseDirectory: baseDirectory)
        #expect(config.saveAt == [0.07, 0.19, 1.0])
        #expect(config.outputDir == baseDirectory.path)
        #expect(config.runName == "base-\(expansion.base.hash)")
        #expect(config.maxSteps == 2000 && config.learningRate == 3e-3 && config.dataset == "fortunes-en")
        #expect(config.initFrom == nil)
        let small = try SpecFixtures.expand(SpecFixtures.small())
        #expect(small.baseRunConfig(baseDirectory: baseDirectory).saveAt == [0.5, 1.0])
        let noSaveAt = try SpecFixtures.expand(SpecFixtures.small().replacingOccurrences(of: "  save_at: [0.5]\n", with: ""))
        #expect(noSaveAt.base.saveAt == [1.0])
    }

    @Test("the base hash depends on the base's config only, not on the sweep or its trials")
    func baseHash() throws {
        let a = try SpecFixtures.expand(SpecFixtures.small())
        let b = try SpecFixtures.expand(SpecFixtures.small(grid: "  warmup_ratio: [0.1]").replacingOccurrences(of: "name: small", with: "name: other"))
        #expect(a.base.hash == b.base.hash)
        let c = try SpecFixtures.expand(SpecFixtures.small().replacingOccurrences(of: "  save_at: [0.5]", with: "  save_at: [0.5, 1.0]"))
        #expect(c.base.hash == a.base.hash)  // 1.0 is always kept
        let d = try SpecFixtures.expand(SpecFixtures.small().replacingOccurrences(of: "  save_at: [0.5]", with: "  save_at: [0.25]"))
        #expect(d.base.hash != a.base.hash)
    }

    @Test("the dry run lists the base, every trial with its diff, and the summary, the same every time")
    func dryRun() throws {
        let yaml = SpecFixtures.small(grid: "  learning_rate: [1.0e-3, 2.0e-3]\n  rewarm: [true, false]",
                                      extra: "trials: [{name: scratch, init_from: scratch}]\nseeds: [1, 2]")
        let expansion = try SpecFixtures.expand(yaml)
        let lines = expansion.dryRunLines()
        #expect(lines == (try SpecFixtures.expand(yaml)).dryRunLines())
        #expect(lines.count == 1 + 8 + 1)
        #expect(lines[0] == "base \(expansion.base.hash)  model=tiny dataset=synthetic max_steps=100 save_at=[0.5, 1.0]")
        let t = expansion.trials
        #expect(lines[1] == "\(t[0].id)  seed=1           (defaults)")
        #expect(lines[2] == "\(t[1].id)  seed=1           rewarm=false  (2 points)")
        #expect(lines[3] == "\(t[2].id)  seed=1           learning_rate=0.002")
        #expect(lines[4] == "\(t[3].id)  seed=1  scratch  init_from=scratch")
        #expect(lines.last == "10 points -> 8 distinct trials (2 seeds)")
    }
}
