import Foundation

/// One training-speed measurement of the engine on random bytes, comparable line by line with
/// `../shared/bench/bench_torch.py` (same shapes, same FLOP formula, AdamW step included).
public struct TrainingBenchmark: Sendable {
    public enum Mode: String, Sendable, CaseIterable { case full, lora, qlora }

    public var mode: Mode
    public var model: ModelConfig
    public var batchSize: Int
    public var contextLength: Int
    public var threads: Int
    public var loraRank = 8
    public var loraAlpha = 16.0
    public var loraTargets = ["q_proj", "v_proj"]
    /// PEFT `modules_to_save` of the lora / qlora modes (`WeightNames.wholeModules` names).
    public var modulesToSave: [String] = []
    public var warmupSteps = 3
    public var steps = 20
    public var maxSeconds = 90.0
    /// Positions per forward/backward pass (`BatchPasses`); nil: each worker's sequences in one pass.
    public var positionsPerPass: Int? = BatchPasses.defaultPositions
    /// Positions per chunk of the output head (`LanguageModelHead`); nil: chosen from V.
    public var headChunkRows: Int?

    public init(mode: Mode, model: ModelConfig, batchSize: Int, contextLength: Int, threads: Int) {
        self.mode = mode
        self.model = model
        self.batchSize = batchSize
        self.contextLength = contextLength
        self.threads = threads
    }

    public struct Result: Sendable {
        public var parameters: Int
        public var trainableParameters: Int
        /// Median seconds of one optimizer step (forward, backward, clipping, AdamW).
        public var secondsPerStep: Double
        public var timedSteps: Int
        public var tokensPerSecond: Double
        /// Estimated FLOPs per token, formula `flopsFormula` (bench_torch.py's).
        public var flopsPerToken: Double
        public var flopsFormula: String
        public var estimatedGFLOPS: Double
        public var firstLoss: Double
        public var lastLoss: Double
        /// sgemm GFLOP/s on this model's own product shapes (`ModelShapeGEMM`), measured in this
        /// process after the timed steps with the same threads; nil when `measureModelShapes` is off.
        public var sgemmGFLOPSModelShapes: Double?
        /// The rate of each of those shapes, largest FLOP share first (empty without the measurement).
        public var sgemmShapes: [ModelShapeGEMM.ShapeRate] = []
        /// Model FLOP utilisation: `estimatedGFLOPS / sgemmGFLOPSModelShapes`.
        public var mfu: Double? { sgemmGFLOPSModelShapes.map { estimatedGFLOPS / $0 } }
        /// What the run needs, in MiB: parameters, gradients, AdamW moments, activations.
        public var memory: TrainingMemory
        /// Peak resident memory of the process after the timed steps (VmHWM), MiB.
        public var peakRSSMegabytes: Double
        /// Resident memory before the model is built (VmRSS: the Swift runtime, the libraries,
        /// the process), MiB: what the peak holds besides the run's own needs (`memory`).
        public var baselineRSSMegabytes: Double
        /// Bytes holding the base weights (float32, or 4-bit linear weights for qlora).
        public var baseWeightBytes: Int
        /// Which kernels computed the step's weight gradients (`ModelShapeGEMM.weightGradientKernels`).
        public var weightGradientKernels: String
        /// Positions of the largest forward/backward pass of a worker (`BatchPasses`).
        public var positionsPerPass: Int
        /// Positions per chunk of the output head in that pass (`LanguageModelHead`).
        public var headChunkRows: Int
    }

    /// Measure the sgemm rate on the model's shapes after the timed steps (for `mfu`).
    public var measureModelShapes = true

    /// Linear-layer weights (everything but the embedding table and norms), PaLM-style FLOPs:
    /// full 6 N_mm + 12 L T C; LoRA 4 N_base_mm + 6 N_lora + 12 L T C, plus 2 V C when the head
    /// trains (`headTrains`, modules_to_save: its weight gradient; the embedding's is a row scatter).
    /// (k_proj and v_proj are C x NKV*hs; the head is counted tied or not, its product is made.)
    public static func flopsPerToken(
        model c: ModelConfig, T: Int, mode: Mode, loraParameters: Int, headTrains: Bool = false
    ) -> (Double, String) {
        let perLayer = 2 * c.hiddenSize * c.hiddenSize + 2 * c.hiddenSize * c.keyValueDim
            + 3 * c.hiddenSize * c.intermediateSize
        let nmm = Double(c.numHiddenLayers * perLayer + c.vocabSize * c.hiddenSize)
        let attn = Double(12 * c.numHiddenLayers * T * c.hiddenSize)
        switch mode {
        case .full: return (6 * nmm + attn, "6*N_mm + 12*L*T*D")
        case .lora, .qlora:
            let head = headTrains ? Double(2 * c.vocabSize * c.hiddenSize) : 0
            return (4 * nmm + 6 * Double(loraParameters) + attn + head,
                    "4*N_base_mm + 6*N_lora + 12*L*T*D" + (headTrains ? " + 2*V*D" : ""))
        }
    }

    public func run() -> Result {
        BLAS.setThreads(threads)
        let baseline = PeakMemory.residentMegabytes()
        let lora = LoRASettings(rank: loraRank, alpha: loraAlpha, targets: loraTargets, modulesToSave: modulesToSave)
        let fineTuning: FineTuning = switch mode {
        case .full: .full
        case .lora: .lora(lora)
        case .qlora: .qlora(lora, .nf4)
        }
        var modelConfig = model
        modelConfig.maxPositionEmbeddings = max(model.maxPositionEmbeddings, contextLength)
        let m = LlamaModel(config: modelConfig, fineTuning: fineTuning)
        m.positionsPerPass = positionsPerPass
        m.headChunkRows = headChunkRows
        m.initializeWeights(seed: 0)
        m.initializeAdapters(seed: 0)
        let optimizer = OptimizerState(for: m)
        let B = batchSize, T = contextLength
        var rng = SeededGenerator(seed: 1)
        let V = UInt64(modelConfig.vocabSize)
        let pool: [[Int32]] = (0..<4).map { _ in (0..<(B * (T + 1))).map { _ in Int32(rng.next() % V) } }
        var losses: [Double] = []
        var times: [Double] = []
        func step(_ i: Int) {
            let seq = pool[i % pool.count]
            var inputs: [Int32] = [], targets: [Int32] = []
            inputs.reserveCapacity(B * T)
            targets.reserveCapacity(B * T)
            for b in 0..<B {
                inputs += seq[(b * (T + 1))..<(b * (T + 1) + T)]
                targets += seq[(b * (T + 1) + 1)..<((b + 1) * (T + 1))]
            }
            let start = DispatchTime.now().uptimeNanoseconds
            m.zeroGradients()
            inputs.withUnsafeBufferPointer { ip in
                targets.withUnsafeBufferPointer { tp in
                    losses.append(m.forwardBackward(inputs: ip.baseAddress!, targets: tp.baseAddress!, B: B, T: T,
                                                    lossScale: 1 / Float(B * T)))
                }
            }
            _ = clipGradients([(m.gradients.base, m.gradients.count)], maxNorm: 1)
            optimizer.update(m, step: i + 1, learningRate: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        for i in 0..<warmupSteps { step(i) }
        times.removeAll()
        let begin = DispatchTime.now().uptimeNanoseconds
        for i in 0..<steps {
            step(warmupSteps + i)
            if times.count >= 5 && Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9 > maxSeconds { break }
        }
        let median = times.sorted()[times.count / 2]
        let tps = Double(B * T) / median
        let loraParams = m.adapters?.count ?? 0
        let (flops, formula) = TrainingBenchmark.flopsPerToken(
            model: modelConfig, T: T, mode: mode, loraParameters: loraParams,
            headTrains: m.gradients.contains(WeightNames.head(modelConfig)))
        let memory = TrainingMemory(model: m)
        let peak = PeakMemory.megabytes()
        let products = ModelShapeGEMM(
            model: modelConfig, B: B, T: T, fineTuning: fineTuning, workers: BLAS.threads,
            positionsPerPass: positionsPerPass, headChunkRows: headChunkRows)
        let shapes = measureModelShapes ? products.measure() : nil
        return Result(
            parameters: m.parameterCount, trainableParameters: m.trainableParameterCount, secondsPerStep: median,
            timedSteps: times.count, tokensPerSecond: tps, flopsPerToken: flops, flopsFormula: formula,
            estimatedGFLOPS: flops * tps / 1e9, firstLoss: losses.first ?? .nan, lastLoss: losses.last ?? .nan,
            sgemmGFLOPSModelShapes: shapes?.gflops, sgemmShapes: shapes?.perShape ?? [], memory: memory,
            peakRSSMegabytes: peak, baselineRSSMegabytes: baseline,
            baseWeightBytes: 4 * m.weights.count + (m.quantizedBase?.byteCount ?? 0),
            weightGradientKernels: products.weightGradientKernels, positionsPerPass: products.sequencesPerPass * T,
            headChunkRows: min(products.sequencesPerPass * T,
                               headChunkRows ?? LlamaModel.headRows(vocabularySize: modelConfig.vocabSize)))
    }
}
