import Foundation
import RewarmEngine
import Testing
@testable import RewarmReport
@testable import RewarmStore

@Suite("Reports of trials with different tokenizers")
struct MixedTokenizerReportTests {
    /// A trial with losses falling from `start` to `end` nats and bits per byte `bpbScale` times them.
    static func trial(_ id: String, lr: Double, tokenizer: String?, start: Double, end: Double,
                      bpbScale: Double?) -> TrialSeries {
        let metrics = [(0, start), (10, end)].map { step, loss in
            MetricsRecord(step: step, tokens: step * 64, stepLR: lr, trainLoss: nil, upstreamLoss: loss + 1,
                          downstreamLoss: loss, upstreamBPB: bpbScale.map { (loss + 1) * $0 },
                          downstreamBPB: bpbScale.map { loss * $0 }, gradNorm: nil, wallSeconds: 1,
                          tokenizer: tokenizer)
        }
        let config: [String: ConfigValue] = ["learning_rate": .double(lr), "seed": 1, "max_steps": 10,
                                             "dataset": "synthetic:b", "init_from": "base@1.0"]
        return TrialSeries(id: id, name: nil, seed: 1, state: .completed, config: config,
                           diff: ["learning_rate": .double(lr)], metrics: metrics, tokenizer: tokenizer)
    }

    @Test("two trials with different tokenizers are compared in bits per byte, and the report says so in one line")
    func mixedTokenizersUseBPB() throws {
        // Given a byte trial from before bpb was recorded (no bpb, no tokenizer) and a BPE trial
        // whose per-token loss is higher but whose bits per byte are lower
        let bytes = Self.trial("a", lr: 0.001, tokenizer: nil, start: 3, end: 1.2, bpbScale: nil)
        let bpe = Self.trial("b", lr: 0.002, tokenizer: "bpe-0123456789abcdef", start: 6, end: 3, bpbScale: 0.25)
        let data = SweepData(name: "mixed", specText: "name: mixed\n", trials: [bytes, bpe], baseMetrics: [],
                             baseConfig: [:])
        // Then the analysis reads bits per byte: loss / ln 2 for the byte trial, the recorded bpb for the BPE
        #expect(data.lossUnit == .bitsPerByte)
        #expect(data.tokenizers == ["bpe-0123456789abcdef", "bytes"])
        let report = SweepReport(data: data, findings: [])
        let finals = report.conditions.map { try? #require($0.finalDownstream?.median) }
        #expect(abs((finals[0] ?? 0) - 1.2 / log(2.0)) < 1e-12)
        #expect(abs((finals[1] ?? 0) - 0.75) < 1e-12)
        let text = report.markdown(ChartRendering(rendered: report.charts.map(\.name), failures: [], skipped: false))
        let lines = text.split(separator: "\n").filter { $0.contains("in bits per byte of text, not nats per token") }
        #expect(lines.count == 1)
        #expect(text.contains("final validation losses (bits per byte)"))
        #expect(!text.contains("bpb up(T)"), "the loss columns already are bits per byte")
        #expect(report.charts.contains { $0.script.contains("(bits per byte)") })
    }

    @Test("trials of one tokenizer keep their losses in nats, with bpb beside them")
    func oneTokenizerKeepsNats() {
        let a = Self.trial("a", lr: 0.001, tokenizer: "bytes", start: 3, end: 1.2, bpbScale: 1 / log(2.0))
        let data = SweepData(name: "one", specText: "name: one\n", trials: [a], baseMetrics: [], baseConfig: [:])
        #expect(data.lossUnit == .natsPerToken && data.trials[0].metrics.last?.downstreamLoss == 1.2)
        let report = SweepReport(data: data, findings: [])
        let text = report.markdown(ChartRendering(rendered: [], failures: [], skipped: true))
        #expect(text.contains("| bpb up(T) | bpb down(T) |") && !text.contains("not nats per token"))
    }

    @Test("trials of one BPE tokenizer (a real model's) are compared in bits per byte too, and F2 judges the early rise below 8 bpb")
    func oneBPETokenizerUsesBPB() throws {
        // Given two seeds of a real model's trial, 3 nats per token at 0.6 bits per byte per nat
        let seeds = [1, 2, 3].map { seed in
            let t = Self.trial("s\(seed)", lr: 0.001, tokenizer: "bpe-0123456789abcdef", start: 3 + 0.01 * Double(seed),
                               end: 2, bpbScale: 0.6)
            return TrialSeries(id: t.id, name: nil, seed: seed, state: .completed, config: t.config.merging(["seed": .int(seed)]) { $1 },
                               diff: t.diff, metrics: t.metrics, tokenizer: t.tokenizer)
        }
        let data = SweepData(name: "real", specText: "name: real\n", trials: seeds, baseMetrics: [], baseConfig: [:])
        // Then the sweep is read in bits per byte, and the report says which tokenizer in one line
        #expect(data.lossUnit == .bitsPerByte && data.tokenizers == ["bpe-0123456789abcdef"])
        #expect(abs((data.trials[0].metrics.last?.downstreamLoss ?? 0) - 1.2) < 1e-12)
        let report = SweepReport(data: data, findings: [])
        let text = report.markdown(ChartRendering(rendered: [], failures: [], skipped: true))
        #expect(text.contains("The runs used the tokenizer `bpe-0123456789abcdef`: losses, comparisons, charts and "
            + "verdicts are in bits per byte"))
        // And F2's uniform-guessing bound is 8 bits per byte: Ldown(0) = 1.8 bpb lies below it
        let set = ConditionSet(data)
        #expect(set.uniformLoss(set.conditions[0]).value == 8)
    }
}
