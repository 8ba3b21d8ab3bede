import Foundation
import Testing
@testable import RewarmEngine

/// L2-SP (`l2_to_base`): the penalty lambda / 2 x ||theta - theta0||^2 and its gradient.
@Suite("Anchor penalties: L2-SP (l2_to_base) and EWC (ewc_lambda)")
struct AnchorPenaltyTests {
    /// One trainable tensor "w" with `theta` and gradient `gradient`, and a base slab with `theta0`.
    final class Fixture {
        let parameters: ParameterSlab
        let gradients: ParameterSlab
        let base: ParameterSlab
        init(theta: [Float], theta0: [Float], gradient: [Float]) {
            parameters = ParameterSlab([("w", [theta.count])])
            gradients = ParameterSlab([("w", [theta.count])])
            base = ParameterSlab([("w", [theta.count])])
            for i in theta.indices {
                parameters.base[i] = theta[i]
                base.base[i] = theta0[i]
                gradients.base[i] = gradient[i]
            }
        }
        var tensors: [TrainableTensor] {
            [TrainableTensor(name: "w", parameter: parameters.base, gradient: gradients.base,
                             count: parameters.count, isMatrix: false)]
        }
        var gradient: [Float] { Array(UnsafeBufferPointer(start: gradients.base, count: gradients.count)) }
    }

    @Test("penalty and gradient match hand numbers: theta (1, 2, 3), theta0 (0, 2, 5), lambda 0.5")
    func handNumbers() throws {
        let f = Fixture(theta: [1, 2, 3], theta0: [0, 2, 5], gradient: [1, 1, 1])
        let l2 = try AnchorPenalty(lambda: 0.5, tensors: f.tensors, base: f.base)
        // 0.5 / 2 x (1 + 0 + 4) = 1.25; gradient += 0.5 x (1, 0, -2)
        #expect(l2.penalty(f.tensors) == 1.25)
        l2.accumulateGradient(f.tensors)
        #expect(f.gradient == [1.5, 1, 0])
    }

    @Test("at the base the penalty is zero and the gradient unchanged")
    func zeroAtBase() throws {
        let f = Fixture(theta: [0.3, -1.2, 4], theta0: [0.3, -1.2, 4], gradient: [0.1, 0.2, 0.3])
        let l2 = try AnchorPenalty(lambda: 7, tensors: f.tensors, base: f.base)
        #expect(l2.penalty(f.tensors) == 0)
        l2.accumulateGradient(f.tensors)
        #expect(f.gradient == [0.1, 0.2, 0.3])
    }

    @Test("the gradient equals central finite differences of the penalty")
    func finiteDifferences() throws {
        let theta: [Float] = [0.5, -0.25, 2, 0.125]
        let f = Fixture(theta: theta, theta0: [0.25, 0.5, 1.5, -1], gradient: [0, 0, 0, 0])
        let l2 = try AnchorPenalty(lambda: 0.3, tensors: f.tensors, base: f.base)
        l2.accumulateGradient(f.tensors)
        let h: Float = 1e-2
        for i in theta.indices {
            f.parameters.base[i] = theta[i] + h
            let plus = l2.penalty(f.tensors)
            f.parameters.base[i] = theta[i] - h
            let minus = l2.penalty(f.tensors)
            f.parameters.base[i] = theta[i]
            let numeric = (plus - minus) / Double(2 * h)
            #expect(abs(numeric - Double(f.gradient[i])) < 1e-4, "\(i): \(numeric) vs \(f.gradient[i])")
        }
    }

    @Test("an adapter has no base weight to anchor to")
    func adapterRefused() {
        let f = Fixture(theta: [1], theta0: [1], gradient: [0])
        let adapter = TrainableTensor(name: "lora_A", parameter: f.parameters.base, gradient: f.gradients.base,
                                      count: 1, isMatrix: false)
        #expect(throws: AnchorPenaltyError.notInBase(tensor: "lora_A")) {
            _ = try AnchorPenalty(lambda: 1, tensors: [adapter], base: f.base)
        }
    }

    @Test("l2_to_base is refused negative, without init_from, and with LoRA, naming the key")
    func refusals() {
        let dir = temporaryFolder("l2-refuse")
        #expect(throws: ConfigError.self) { try tinyRunConfig(dir, ["l2_to_base": -1]) }
        #expect(throws: ConfigError.conflict(
            source: "test", key: "l2_to_base", problem: "0.1 needs init_from (the weights to stay near)",
            otherKey: "init_from", otherState: "starts from scratch")) {
            try tinyRunConfig(dir, ["l2_to_base": 0.1])
        }
        for type in ["lora", "qlora"] {
            #expect(throws: ConfigError.self) {
                try tinyRunConfig(dir, ["l2_to_base": 0.1, "init_from": "/some/base", "finetuning_type": .string(type)])
            }
        }
    }

    @Test("a continual run with a strong l2_to_base stays nearer the base than one without")
    func pullsTowardBase() throws {
        let baseDir = temporaryFolder("l2-base")
        try train(tinyRunConfig(baseDir, ["max_steps": 10, "eval_steps": 10]))
        func distance(_ lambda: Double) throws -> Double {
            let dir = temporaryFolder("l2-run")
            let config = try tinyRunConfig(dir, ["dataset": "synthetic:b", "init_from": .string(baseDir.path),
                                                 "max_steps": 20, "l2_to_base": .double(lambda)])
            let trainer = try Trainer(ResolvedRun(config), resume: false)
            let w = trainer.model.weights
            let start = Array(UnsafeBufferPointer(start: w.base, count: w.count))
            _ = try trainer.train { _ in .proceed }
            return (0..<w.count).reduce(0.0) { $0 + Double(pow(w.base[$1] - start[$1], 2)) }.squareRoot()
        }
        let free = try distance(0)
        let held = try distance(1000)
        #expect(held < 0.5 * free, "distance from the base: \(held) with l2_to_base 1000, \(free) without")
    }
}

/// EWC (`ewc_lambda`): the Fisher-weighted penalty, the Fisher estimate and its cache.
@Suite("EWC: the Fisher diagonal and its penalty")
struct ElasticWeightConsolidationTests {
    @Test("the EWC penalty and gradient weight each coordinate by its Fisher value: hand numbers")
    func weighted() throws {
        let f = AnchorPenaltyTests.Fixture(theta: [1, 2, 3], theta0: [0, 2, 5], gradient: [0, 0, 0])
        let ewc = try AnchorPenalty(lambda: 2, tensors: f.tensors, base: f.base, importance: [0.5, 9, 0.25])
        // 2 / 2 x (0.5 x 1 + 9 x 0 + 0.25 x 4) = 1.5; gradient 2 x (0.5 x 1, 0, 0.25 x -2) = (1, 0, -1)
        #expect(ewc.penalty(f.tensors) == 1.5)
        ewc.accumulateGradient(f.tensors)
        #expect(f.gradient == [1, 0, -1])
        let h: Float = 1e-2
        f.parameters.base[2] = 3 + h
        let plus = ewc.penalty(f.tensors)
        f.parameters.base[2] = 3 - h
        let minus = ewc.penalty(f.tensors)
        #expect(abs((plus - minus) / Double(2 * h) - -1) < 1e-4)
        #expect(throws: AnchorPenaltyError.importanceCount(expected: 3, got: 2)) {
            _ = try AnchorPenalty(lambda: 1, tensors: f.tensors, base: f.base, importance: [1, 1])
        }
    }

    @Test("the Fisher diagonal is the mean of squared per-sequence gradients, recomputed by hand")
    func fisherByHand() throws {
        let config = try tinyRunConfig(temporaryFolder("fisher"), ["per_device_train_batch_size": 2])
        let model = LlamaModel(config: config.model)
        model.initializeWeights(seed: 3)
        let corpus = try TokenizedCorpus.load("synthetic:a", valSize: 0.05, tokenizer: .bytes, cache: nil)
        let T = 16, B = 2, N = 2
        let fisher = try FisherDiagonal.estimate(model: model, corpus: corpus, batches: N, batchSize: B, contextLength: T)
        // By hand: the same sequences, one backward each, squares summed and divided by N x B.
        let sampler = try BatchSampler(corpus: corpus, contextLength: T, batchSize: B, seed: FisherDiagonal.seed)
        var expected = [Double](repeating: 0, count: model.trainableParameterCount)
        var inputs = [Int32](repeating: 0, count: B * T), targets = inputs
        for n in 0..<N {
            _ = sampler.fill(inputs: &inputs, targets: &targets, step: n, micro: 0)
            for b in 0..<B {
                model.zeroGradients()
                _ = model.forwardBackward(inputs: inputs.withUnsafeBufferPointer { $0.baseAddress! } + b * T,
                                          targets: targets.withUnsafeBufferPointer { $0.baseAddress! } + b * T,
                                          B: 1, T: T, lossScale: 1 / Float(T))
                for i in expected.indices { expected[i] += Double(model.gradients.base[i] * model.gradients.base[i]) }
            }
        }
        #expect(fisher.count == expected.count)
        // Float sums against Double ones: equal to float rounding, relative to the largest value.
        let largest = expected.map { $0 / Double(N * B) }.max()!
        let worst = zip(fisher, expected).map { abs(Double($0) - $1 / Double(N * B)) }.max()!
        #expect(worst < 1e-5 * largest, "largest difference \(worst), largest value \(largest)")
        #expect(fisher.contains { $0 > 0 } && fisher.allSatisfy { $0 >= 0 })
    }

    @Test("a cached Fisher reads back bit for bit; a wrong length or a foreign file is not trusted")
    func cache() throws {
        let cache = FisherCache(directory: temporaryFolder("fisher-cache"))
        let values: [Float] = [0, 1.5, 3e-8, 42]
        try cache.write(key: "k", values)
        #expect(cache.read(key: "k", count: 4) == values)
        #expect(cache.read(key: "k", count: 5) == nil)
        try Data("not a fisher file".utf8).write(to: cache.file(key: "x"))
        #expect(cache.read(key: "x", count: 4) == nil)
        let a = FisherCache.key(anchor: [1, 2], corpusFingerprint: 7, tokenizer: "bytes", batches: 16, batchSize: 4,
                                contextLength: 128)
        #expect(a != FisherCache.key(anchor: [1, 2.5], corpusFingerprint: 7, tokenizer: "bytes", batches: 16,
                                     batchSize: 4, contextLength: 128))
        #expect(a != FisherCache.key(anchor: [1, 2], corpusFingerprint: 7, tokenizer: "bytes", batches: 8,
                                     batchSize: 4, contextLength: 128))
    }

    @Test("ewc_lambda is refused without init_from or with LoRA, and ewc_batches without ewc_lambda")
    func refusals() {
        let dir = temporaryFolder("ewc-refuse")
        #expect(throws: ConfigError.self) { try tinyRunConfig(dir, ["ewc_lambda": 1]) }
        #expect(throws: ConfigError.self) {
            try tinyRunConfig(dir, ["ewc_lambda": 1, "init_from": "/some/base", "finetuning_type": "lora"])
        }
        #expect(throws: ConfigError.conflict(source: "test", key: "ewc_batches", problem: "applies only with ewc_lambda > 0",
                                             otherKey: "ewc_lambda", otherState: "is 0")) {
            try tinyRunConfig(dir, ["ewc_batches": 4])
        }
    }

    @Test("a continual run with EWC trains, stays nearer the base than without, and resumes to the same losses")
    func endToEnd() throws {
        let baseDir = temporaryFolder("ewc-base")
        try train(tinyRunConfig(baseDir, ["max_steps": 10, "eval_steps": 10]))
        let extra: [String: ConfigValue] = ["dataset": "synthetic:b", "init_from": .string(baseDir.path),
                                            "max_steps": 20, "ewc_lambda": 1e4, "ewc_batches": 2]
        let whole = temporaryFolder("ewc-whole")
        try train(tinyRunConfig(whole, extra))
        let split = temporaryFolder("ewc-split")
        try train(tinyRunConfig(split, extra.merging(["save_steps": 10]) { _, b in b }), stopAt: 10)
        try train(tinyRunConfig(split, extra.merging(["save_steps": 10]) { _, b in b }), resume: true)
        #expect(try metrics(whole).map(\.downstreamLoss) == metrics(split).map(\.downstreamLoss))
        let free = temporaryFolder("ewc-free")
        try train(tinyRunConfig(free, ["dataset": "synthetic:b", "init_from": .string(baseDir.path), "max_steps": 20]))
        // Forgetting (upstream loss at the end) is lower with the strong pull toward the base.
        let held = try #require(metrics(whole).last?.upstreamLoss)
        let loose = try #require(metrics(free).last?.upstreamLoss)
        #expect(held < loose, "Lup(T) \(held) with EWC, \(loose) without")
    }
}
