import Testing
@testable import RewarmEngine

/// The shapes real Llama-family models add (grouped-query attention, tied embeddings, any
/// vocabulary, the chunked head) on `TinyModels.grouped`: V = 37, C = 16, 4 heads on 2
/// key/value heads, 2 layers, T = 7.
@Suite("Llama-family shapes")
struct LlamaFamilyModelTests {
    let B = 2, T = 7
    var data: (inputs: [Int32], targets: [Int32]) { TinyModels.tokens(B: B, T: T, seed: 5, vocabSize: 37) }

    func grouped(_ fineTuning: FineTuning = .full) -> LlamaModel {
        TinyModels.model(fineTuning, config: TinyModels.grouped)
    }

    @Test("the forward's logits and loss equal the Double reference model (GQA, tied, V = 37), with and without LoRA on every module")
    func forwardMatchesReference() {
        let lora = LoRASettings(rank: 2, alpha: 4, targets: WeightNames.linearModules)
        for m in [grouped(), grouped(.lora(lora))] {
            let (inputs, targets) = data
            let reference = ReferenceModel(model: m).forward(inputs, targets, B: B, T: T)
            let loss = m.loss(inputs, targets, B: B, T: T)
            #expect(abs(loss - reference.loss) < 1e-5 * max(1, reference.loss), "loss \(loss) vs \(reference.loss)")
            _ = inputs.withUnsafeBufferPointer { m.forward(inputs: $0.baseAddress!, targets: nil, B: B, T: T) }
            expectClose(m.logits(B: B, T: T), reference.logits, rel: 1e-4, abs: 1e-4, "logits")
        }
    }

    @Test("full gradients of a GQA, tied model match finite differences for every parameter")
    func fullGradients() {
        let model = grouped()
        #expect(!model.weights.contains(WeightNames.lmHead))
        let (err, at) = ModelGradientTests().worstRelativeError(model, T: T, vocabSize: 37)
        #expect(err < 5e-3, "worst at \(at)")
    }

    @Test("LoRA gradients of a GQA, tied model (k/v adapters NKV*hs wide) match finite differences; the tied table is frozen")
    func loraGradients() {
        let lora = LoRASettings(rank: 2, alpha: 4, dropout: 0.2, targets: WeightNames.linearModules)
        let model = grouped(.lora(lora))
        #expect(model.adapters?.spec(WeightNames.loraB("k_proj", layer: 0))?.shape == [8, 2])
        #expect(model.adapters?.spec(WeightNames.loraB("v_proj", layer: 1))?.shape == [8, 2])
        #expect(model.adapters?.spec(WeightNames.loraA("v_proj", layer: 1))?.shape == [2, 16])
        #expect(model.trainableTensors.allSatisfy { $0.name.contains("lora_") })
        let (err, at) = ModelGradientTests().worstRelativeError(model, T: T, dropoutKey: 9, vocabSize: 37)
        #expect(err < 5e-3, "worst at \(at)")
    }

    @Test("freeze on a tied model trains the last layer only; its gradients match finite differences")
    func freezeGradients() {
        let model = grouped(.freeze(trainableLayers: 1))
        #expect(model.trainableTensors.allSatisfy { $0.name.hasPrefix("model.layers.1.") })
        let (err, at) = ModelGradientTests().worstRelativeError(model, T: T, vocabSize: 37)
        #expect(err < 5e-3, "worst at \(at)")
    }

    @Test("QLoRA on a GQA, tied model: k/v held in 4 bits at (NKV*hs, C), the tied table float32 and frozen, adapter gradients match finite differences")
    func qloraGradients() {
        let lora = LoRASettings(rank: 2, alpha: 4, targets: ["k_proj", "v_proj", "down_proj"])
        let model = grouped(.qlora(lora, .nf4))
        #expect(model.quantizedBase?.tensors[WeightNames.linear("k_proj", layer: 1)]?.shape == [8, 16])
        #expect(model.weights.contains(WeightNames.embedding) && !model.weights.contains(WeightNames.lmHead))
        #expect(model.trainableTensors.allSatisfy { $0.name.contains("lora_") })
        let (err, at) = ModelGradientTests().worstRelativeError(model, T: T, vocabSize: 37)
        #expect(err < 5e-3, "worst at \(at)")
    }

    @Test("the tied table's gradient is the embedding's plus the head's: an untied copy's two gradients summed")
    func tiedGradientIsTheSum() {
        let tied = grouped()
        var config = TinyModels.grouped
        config.tieWordEmbeddings = false
        let untied = LlamaModel(config: config)
        for s in untied.weights.specs {
            let source = s.name == WeightNames.lmHead ? WeightNames.embedding : s.name
            untied.weights.setValues(s.name, tied.weights.values(source))
        }
        let (inputs, targets) = data
        let lossTied = tied.computeGradients(inputs, targets, B: B, T: T)
        let lossUntied = untied.computeGradients(inputs, targets, B: B, T: T)
        #expect(lossTied == lossUntied)
        let sum = zip(untied.gradients.values(WeightNames.embedding), untied.gradients.values(WeightNames.lmHead))
            .map { Double($0) + Double($1) }
        expectClose(tied.gradients.values(WeightNames.embedding), sum, rel: 1e-5, abs: 1e-7, "d embed_tokens")
        for s in tied.gradients.specs where s.name != WeightNames.embedding {
            #expect(tied.gradients.values(s.name) == untied.gradients.values(s.name), "\(s.name)")
        }
    }

    @Test("the chunked head gives the unchunked loss and gradients for chunks of 1, 3, 5, 13 (not dividing B*T = 14), 14 and 100 positions, tied and untied",
          arguments: [true, false])
    func chunkSizesAgree(tied: Bool) {
        var config = TinyModels.grouped
        config.tieWordEmbeddings = tied
        let (inputs, targets) = data
        func run(_ rows: Int?) -> (Double, [Float]) {
            let m = TinyModels.model(.full, config: config)
            m.headChunkRows = rows
            return (m.computeGradients(inputs, targets, B: B, T: T), m.gradients.snapshot())
        }
        let (loss, grads) = run(B * T)  // one chunk: the unchunked head
        #expect(LlamaModel.headRows(vocabularySize: 37) >= B * T)
        #expect(run(nil) == (loss, grads))
        for rows in [1, 3, 5, 13, 100] {
            let (l, g) = run(rows)
            // a chunk's logits come from a product of other rows than the whole's: rounding differs
            #expect(abs(l - loss) < 1e-6 * loss, "rows \(rows): loss \(l) vs \(loss)")
            expectClose(g, widened(grads), rel: 1e-5, abs: 1e-6, "gradients, chunks of \(rows)")
        }
    }

    @Test("the head's chunk size follows the vocabulary: about 16 MiB of logits per chunk")
    func chunkRows() {
        #expect(LlamaModel.headRows(vocabularySize: 256) == 16_384)
        #expect(LlamaModel.headRows(vocabularySize: 49_152) == 85)
        #expect(LlamaModel.headRows(vocabularySize: 1 << 23) == 1)
    }

    @Test("evaluation and data-parallel training give the same loss and gradients over 2 workers as over 1")
    func dataParallel() {
        let (inputs, targets) = data
        func step(_ threads: Int) -> (Double, [Float], Double) {
            let m = grouped()
            m.headChunkRows = 4
            m.zeroGradients()
            let loss = inputs.withUnsafeBufferPointer { i in
                targets.withUnsafeBufferPointer { t in
                    Parallel.withThreads(threads) {
                        m.forwardBackward(inputs: i.baseAddress!, targets: t.baseAddress!, B: B, T: T,
                                          lossScale: 1 / Float(B * T))
                    }
                }
            }
            let eval = inputs.withUnsafeBufferPointer { i in
                targets.withUnsafeBufferPointer { t in
                    Parallel.withThreads(threads) { m.meanLoss(inputs: i.baseAddress!, targets: t.baseAddress!, B: B, T: T) }
                }
            }
            return (loss, m.gradients.snapshot(), eval)
        }
        let one = step(1), two = step(2)
        #expect(abs(one.0 - two.0) < 1e-6 && abs(one.2 - two.2) < 1e-6 && abs(one.0 - one.2) < 1e-6)
        expectClose(two.1, widened(one.1), rel: 1e-5, abs: 1e-6, "gradients")
    }

    @Test("generation works on token ids with 37 tokens: reproducible, in the vocabulary, and the next-token logits are the last row")
    func generation() {
        let m = grouped()
        let generator = TextGenerator(model: m)
        let sampling = SamplingSettings(temperature: 1, topP: 0.9, seed: 4)
        let prompt: [Int32] = [36, 0, 7]
        var seen: [Int32] = []
        let a = generator.generateTokens(prompt: prompt, maxNewTokens: 12, sampling: sampling) { seen.append($0) }
        let b = generator.generateTokens(prompt: prompt, maxNewTokens: 12, sampling: sampling)
        #expect(a == b && a == seen && a.count == 12 && a.allSatisfy { (0..<37).contains($0) })
        let all = generator.logits(prompt)
        expectClose(generator.nextTokenLogits(prompt), widened(Array(all.suffix(37))), rel: 1e-6, abs: 1e-6, "last row")
    }
}
