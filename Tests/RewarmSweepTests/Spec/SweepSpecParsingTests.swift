import Foundation
import RewarmEngine
import Testing
@testable import RewarmStore
@testable import RewarmSweep

@Suite("Sweep spec parsing: sections, ordered axes, aliases and defaults")
struct SweepSpecParsingTests {
    @Test("the issue's example parses into its name, base, defaults, ordered grid, extra trials and seeds")
    func issueExample() throws {
        let spec = try SpecFixtures.parse(SpecFixtures.maxLR, file: "max-lr.yaml")
        #expect(spec.name == "max-lr" && spec.file == "max-lr.yaml" && spec.description == nil)
        #expect(spec.text == SpecFixtures.maxLR)
        #expect(spec.base.map(\.key) == ["model", "dataset", "max_steps", "learning_rate", "lr_scheduler_type",
                                         "warmup_ratio", "save_at"])
        #expect(spec.base.last?.value == [0.07, 0.19, 1.0])
        #expect(spec.defaults == [ConfigSetting(key: "dataset", value: "fortunes-zh"),
                                  ConfigSetting(key: "max_steps", value: 1000), ConfigSetting(key: "eval_steps", value: 50)])
        #expect(spec.grid.map(\.name) == ["learning_rate", "warmup_ratio", "rewarm"])
        #expect(spec.grid[0].values == [0.0015, 0.003, 0.006])
        #expect(spec.grid[2].values == [true, false])
        #expect(spec.trials.map(\.name) == ["scratch", "from-7pct"])
        #expect(spec.trials[1].settings == [ConfigSetting(key: "init_from", value: "base@0.07")])
        #expect(spec.seeds == [1, 2, 3])
    }

    @Test("downstream is another name for dataset in defaults, grid and trials")
    func downstreamAlias() throws {
        let yaml = """
            name: shift
            description: which downstream corpus forgets more
            base: {dataset: synthetic, model: tiny}
            defaults: {downstream: synthetic:a}
            grid:
              downstream: [synthetic:b, fortunes-zh]
            trials:
              - {downstream: synthetic:c}
            """
        let spec = try SpecFixtures.parse(yaml)
        #expect(spec.description == "which downstream corpus forgets more")
        #expect(spec.defaults == [ConfigSetting(key: "dataset", value: "synthetic:a")])
        #expect(spec.grid.first?.name == "downstream" && spec.grid.first?.key == "dataset")
        #expect(spec.trials.first?.settings == [ConfigSetting(key: "dataset", value: "synthetic:c")])
        let expansion = try spec.expand()
        #expect(expansion.trials.map { $0.values["dataset"] } == ["synthetic:b", "fortunes-zh", "synthetic:c"])
        #expect(expansion.trials[0].diff == [ConfigSetting(key: "dataset", value: "synthetic:b")])
    }

    @Test("seeds default to [1]; empty sections are empty; text keys read scalars as text")
    func defaultsAndText() throws {
        let spec = try SpecFixtures.parse("name: s\nbase:\n  dataset: synthetic\ndefaults:\ngrid:\ntrials:\n")
        #expect(spec.seeds == [1] && spec.defaults.isEmpty && spec.grid.isEmpty && spec.trials.isEmpty)
        let text = try SpecFixtures.parse("name: s\nbase: {dataset: 2024}\ngrid: {lora_target: [q_proj, 'v_proj,q_proj']}\n")
        #expect(text.base == [ConfigSetting(key: "dataset", value: "2024")])
        #expect(text.grid.first?.values == ["q_proj", "v_proj,q_proj"])
    }

    @Test("LoRA axes expand when the trials are LoRA, with canonical module lists")
    func loraAxes() throws {
        let yaml = """
            name: lora
            base: {dataset: synthetic, model: tiny, max_steps: 10}
            defaults: {dataset: synthetic:d, finetuning_type: lora}
            grid:
              lora_rank: [4, 8]
              lora_target: ["v_proj,q_proj", [q_proj, v_proj], all]
            """
        let expansion = try SpecFixtures.expand(yaml)
        #expect(expansion.points == 6)
        #expect(expansion.trials.count == 4)  // the two spellings of q_proj,v_proj are one target
        #expect(expansion.trials.map { $0.values["lora_target"] } == ["q_proj,v_proj", "all", "q_proj,v_proj", "all"])
        #expect(expansion.trials[0].diffText == "lora_rank=4 lora_target=q_proj,v_proj")
    }

    @Test("load reads a file and names it as given")
    func loadFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rewarm-spec-\(UUID().uuidString).yaml")
        try SpecFixtures.maxLR.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let spec = try SweepSpec.load(file: url)
        #expect(spec.name == "max-lr" && spec.file == url.path)
        #expect(try spec.expand().trials.count == 27)
    }
}
