import Foundation
import Testing
@testable import RewarmEngine

@Suite("Training: bits per byte and runs of any tokenizer")
struct BitsPerByteTrainingTests {
    @Test("a byte run's bits per byte are its losses / ln 2, up to float rounding")
    func bytesBPBIsLossOverLn2() throws {
        let dir = temporaryFolder("bpb-bytes")
        try train(tinyRunConfig(dir, ["max_steps": 10, "eval_steps": 5, "upstream": "synthetic:b"]))
        for m in try metrics(dir) {
            let down = try #require(m.downstreamBPB), up = try #require(m.upstreamBPB)
            #expect(abs(down - m.downstreamLoss / log(2.0)) <= 1e-12 * down)
            #expect(abs(up - m.upstreamLoss! / log(2.0)) <= 1e-12 * up)
            #expect(m.tokenizer == "bytes")
        }
    }

    @Test("a tiny model trains a few steps on a BPE corpus through Trainer, with bits per byte in metrics.jsonl")
    func bpeRunEndToEnd() throws {
        let dir = temporaryFolder("bpb-bpe")
        let file = dir.appendingPathComponent("docs.txt").path
        let words = ["doc", "dog", "cod", "good", "do"]
        var text: [String] = []
        for i in 0..<60 {
            let count = 3 + i % 4
            text.append((0..<count).map { (k: Int) -> String in words[(k * 7 + i) % 5] }.joined(separator: " "))
        }
        try Data(text.joined(separator: "\n\n").utf8).write(to: URL(fileURLWithPath: file))
        let bpe = try TinyBPE.tokenizer()
        let config = try tinyRunConfig(dir.appendingPathComponent("run"), [
            "dataset": .string(file), "max_steps": 6, "eval_steps": 3, "vocab_size": 259, "cutoff_len": 8,
        ])
        var run = try ResolvedRun(config)
        run.tokenizer = .bpe(bpe)
        var events: [TokenizationEvent] = []
        let cache = TokenCache(directory: dir.appendingPathComponent("cache"))
        let trainer = try Trainer(run, resume: false, tokenCache: cache, onTokenization: { events.append($0) })
        #expect(try trainer.train { _ in .proceed } == .completed(step: 6))
        #expect(events.contains { if case .cached = $0 { true } else { false } })
        // The validation set as the trainer builds it, for the hand-made bpb.
        let corpus = try TokenizedCorpus.load(file, valSize: config.valSize, tokenizer: run.tokenizer, cache: nil)
        let set = try ValidationSet(corpus: corpus, byteLengths: TokenByteLengths(run.tokenizer), contextLength: 8,
                                    maxTokens: config.evalTokens)
        #expect(set.targetByteCount > set.tokenCount, "BPE tokens stand for more than a byte each")
        let lines = try metrics(run.runDirectory)
        #expect(lines.map(\.step) == [0, 3, 6])
        for m in lines {
            let bpb = try #require(m.downstreamBPB)
            let expected = m.downstreamLoss * Double(set.tokenCount) / Double(set.targetByteCount) / log(2.0)
            #expect(abs(bpb - expected) <= 1e-12 * expected)
            #expect(m.tokenizer == run.tokenizer.identity)
        }
        #expect(lines.last!.downstreamLoss < lines.first!.downstreamLoss)
        // The tokenizer goes with the run: its checkpoint reads it back, and a run from it uses it.
        let checkpoint = try Checkpoint(directory: run.runDirectory.appendingPathComponent("checkpoint-6"))
        guard case .bpe(let saved) = try checkpoint.tokenizer() else {
            Issue.record("the checkpoint's tokenizer reads as bytes")
            return
        }
        #expect(saved.fingerprint == bpe.fingerprint)
        let next = try ResolvedRun(tinyRunConfig(dir.appendingPathComponent("next"), [
            "dataset": .string(file), "max_steps": 2, "cutoff_len": 8, "init_from": .string(run.runDirectory.path),
        ]))
        #expect(next.tokenizer.identity == run.tokenizer.identity)
    }

    @Test("a model with zero weights predicts uniformly: loss ln V, bpb = log2(V) x targets / target bytes")
    func uniformModelBPBByHand() throws {
        // Stream doc 0 EOS doc 1 EOS under the tiny BPE: [257 32 48 258 257 32 49 258]. With T = 3 the
        // targets are [32 48 258] and [32 49 258]: 6 tokens standing for 1 + 1 + 2 + 1 + 1 + 2 = 8 bytes.
        let bpe = try TinyBPE.tokenizer()
        let stream = TokenStream(ids: [257, 32, 48, 258, 257, 32, 49, 258], vocabularySize: bpe.vocabularySize)
        let set = try ValidationSet(stream: stream, contextLength: 3, byteLengths: TokenByteLengths(.bpe(bpe)))
        let config = try RunConfig(values: ["model": "tiny", "vocab_size": 259, "dataset": "x"], source: "test")
        let model = LlamaModel(config: config.model)  // weights all zero: every logit is 0
        let (loss, bpb) = model.validationMetrics(on: set, batchSize: 2)
        #expect(abs(loss - log(259.0)) < 1e-5)
        #expect(abs(bpb - log2(259.0) * 6 / 8) < 1e-5, "log2(259) x 6 / 8 = 6.0136")
    }

    @Test("a tokenizer with more ids than the model's vocabulary is refused before anything is written")
    func vocabularyMustHoldTheTokenizer() throws {
        let dir = temporaryFolder("bpb-vocab")
        var run = try ResolvedRun(tinyRunConfig(dir.appendingPathComponent("run")))
        run.tokenizer = .bpe(try TinyBPE.tokenizer())
        #expect(throws: TrainingError.self) { try Trainer(run, resume: false, tokenCache: nil) }
        #expect(!FileManager.default.fileExists(atPath: run.runDirectory.path))
        #expect(abs(Trainer.divergenceLoss(vocabularySize: 256) - 4 * log(256.0)) < 1e-12)
        #expect(abs(Trainer.divergenceLoss(vocabularySize: 49_152) - 43.21) < 0.01)
    }

    @Test("a metrics line written before bits per byte reads with nil bpb and no tokenizer")
    func legacyLineReads() throws {
        let line = #"{"downstream_loss":2.5,"grad_norm":null,"step":0,"step_lr":0.001,"tokens":0,"#
            + #""train_loss":null,"upstream_loss":3.0,"wall_s":1.5}"#
        let r = try JSONDecoder().decode(MetricsRecord.self, from: Data(line.utf8))
        #expect(r.downstreamLoss == 2.5 && r.upstreamBPB == nil && r.downstreamBPB == nil && r.tokenizer == nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var withBPB = r
        withBPB.downstreamBPB = 3.6
        withBPB.tokenizer = "bytes"
        let again = try JSONDecoder().decode(MetricsRecord.self, from: encoder.encode(withBPB))
        #expect(again == withBPB)
    }
}
