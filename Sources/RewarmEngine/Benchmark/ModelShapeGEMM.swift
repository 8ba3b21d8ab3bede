import Foundation

/// The matrix products one training step makes, by shape, and the sgemm rate measured on
/// exactly those shapes, run as the engine runs them: the denominator of the bench's model FLOP
/// utilisation (`mfu`).
///
/// With W data-parallel workers (`forwardBackward`: W = min(threads, B)) every worker makes the
/// products of its B/W sequences on one BLAS thread, all W at once, in passes of S sequences
/// (`BatchPasses`); so the shapes are those of a pass, N = S*T, made once per pass and measured
/// on W concurrent single-threaded workers. Per linear layer (IC, OC)
/// (q, k, v, o, gate, up, down, lm_head): forward out = x W^T (N, OC, IC); backward dx = dout W
/// (N, IC, OC) and, when the weight trains, dW = dout^T x (OC, IC, N); lm_head's products are
/// made per chunk of the head (`LanguageModelHead`), N = the chunk's positions. LoRA adds its rank-r
/// products (`loraForward`/`loraBackward`). Attention's products are not sgemm calls (the
/// engine's own `TileProduct`, about 8% of a step's FLOPs on the small and base presets) and
/// are not measured. The weight gradients are measured as sgemm calls even where the step runs
/// them on the engine's AVX-512 kernel (`WeightGradient`): the rate is OpenBLAS's on the step's
/// linear products.
public struct ModelShapeGEMM: Sendable {
    /// One sgemm call shape: C (M, N) = op(A) op(B), leading dimensions as the engine passes them.
    public struct Shape: Sendable, Hashable, CustomStringConvertible {
        public var transA: Bool, transB: Bool
        public var M: Int, N: Int, K: Int
        public var lda: Int, ldb: Int, ldc: Int
        public var flops: Double { 2 * Double(M) * Double(N) * Double(K) }
        public var description: String { "\(transA ? "T" : "N")\(transB ? "T" : "N") \(M)x\(N)x\(K)" }
    }

    /// (OC, IC) of the weight matrices whose gradients the step computes (`WeightGradient`), one
    /// entry per linear module (the layers' matrices share it) and one for lm_head.
    public private(set) var weightGradientShapes: [(OC: Int, IC: Int)] = []

    /// The kernels that compute those weight gradients on this machine, as "avx512", "openblas",
    /// "avx512+openblas", or "none" when no base weight trains (LoRA, QLoRA).
    public var weightGradientKernels: String {
        let kernels = Set(weightGradientShapes.map { WeightGradient.kernel(OC: $0.OC, IC: $0.IC).rawValue })
        return kernels.isEmpty ? "none" : kernels.sorted().joined(separator: "+")
    }

    /// Calls per training step of each shape, per worker.
    public var calls: [Shape: Int] = [:]
    /// Data-parallel workers making these products at the same time.
    public let workers: Int
    /// Sequences in the largest pass of the largest shard (`BatchPasses`).
    public let sequencesPerPass: Int
    /// Passes per worker and step: every product is made once per pass.
    private let passCount: Int

    /// The products of a step of B sequences of T positions split across `workers` (capped at
    /// B), each worker's run in passes of about `positionsPerPass` positions (nil: one pass). A
    /// batch that does not divide evenly is measured with the smaller shard and pass.
    public init(
        model c: ModelConfig, B: Int, T: Int, fineTuning: FineTuning, workers: Int = 1, positionsPerPass: Int? = nil,
        headChunkRows: Int? = nil
    ) {
        self.workers = max(1, min(workers, B))
        let passes = BatchPasses.split(0..<(B / self.workers), T: T, positions: positionsPerPass)
        let largestShard = (B + self.workers - 1) / self.workers
        sequencesPerPass = BatchPasses.split(0..<largestShard, T: T, positions: positionsPerPass)
            .map(\.count).max() ?? 0
        passCount = passes.count
        let N = (passes.map(\.count).min() ?? 0) * T, C = c.hiddenSize, L = c.numHiddenLayers
        let baseTrains: Bool = if case .full = fineTuning { true } else { false }
        func linear(_ IC: Int, _ OC: Int, times: Int, weightTrains: Bool, N: Int = N) {
            add(Shape(transA: false, transB: true, M: N, N: OC, K: IC, lda: IC, ldb: IC, ldc: OC), times)
            add(Shape(transA: false, transB: false, M: N, N: IC, K: OC, lda: OC, ldb: IC, ldc: IC), times)
            if weightTrains {
                add(Shape(transA: true, transB: false, M: OC, N: IC, K: N, lda: OC, ldb: IC, ldc: IC), times)
                weightGradientShapes.append((OC, IC))
            }
        }
        for m in WeightNames.linearModules {
            let (IC, OC) = WeightNames.linearShape(m, c)
            linear(IC, OC, times: L, weightTrains: baseTrains)
        }
        // lm_head, chunk by chunk: its input gradient is needed whenever anything below trains
        let chunk = min(N, headChunkRows ?? LlamaModel.headRows(vocabularySize: c.vocabSize))
        let headTrains = baseTrains || fineTuning.wholeModules.contains("lm_head")
            || (c.tieWordEmbeddings && fineTuning.wholeModules.contains("embed_tokens"))
        linear(C, c.vocabSize, times: chunk == 0 ? 0 : (N + chunk - 1) / chunk, weightTrains: headTrains, N: chunk)
        if let lora = fineTuning.lora {
            let r = lora.rank
            for m in lora.targets {
                let (IC, OC) = WeightNames.linearShape(m, c)
                add(Shape(transA: false, transB: true, M: N, N: r, K: IC, lda: IC, ldb: IC, ldc: r), L)
                add(Shape(transA: false, transB: true, M: N, N: OC, K: r, lda: r, ldb: r, ldc: OC), L)
                add(Shape(transA: true, transB: false, M: OC, N: r, K: N, lda: OC, ldb: r, ldc: r), L)
                add(Shape(transA: false, transB: false, M: N, N: r, K: OC, lda: OC, ldb: r, ldc: r), L)
                add(Shape(transA: true, transB: false, M: r, N: IC, K: N, lda: r, ldb: IC, ldc: IC), L)
                add(Shape(transA: false, transB: false, M: N, N: IC, K: r, lda: r, ldb: IC, ldc: IC), L)
            }
        }
    }

    private mutating func add(_ s: Shape, _ n: Int) { calls[s, default: 0] += n * passCount }

    /// FLOPs of all the products of one step (all workers).
    public var flopsPerStep: Double { Double(workers) * calls.reduce(0) { $0 + $1.key.flops * Double($1.value) } }

    /// Measures every shape for about `secondsPerShape` (after one untimed round) on `workers`
    /// concurrent workers with one BLAS thread each and returns the FLOP-weighted rate in
    /// GFLOP/s: the total FLOPs of one step divided by the time the step's products take at the
    /// measured rates.
    public func measure(secondsPerShape: Double = 0.15) -> (gflops: Double, perShape: [ShapeRate]) {
        var seconds = 0.0
        var perShape: [ShapeRate] = []
        for (shape, count) in calls.sorted(by: { $0.key.flops * Double($0.value) > $1.key.flops * Double($1.value) }) {
            let rate = ModelShapeGEMM.rate(shape, workers: workers, seconds: secondsPerShape)
            let flops = Double(workers) * shape.flops * Double(count)
            perShape.append(ShapeRate(shape: shape.description, callsPerStep: workers * count, gflops: rate / 1e9,
                                      flopShare: flops / flopsPerStep))
            seconds += flops / rate
        }
        return (flopsPerStep / seconds / 1e9, perShape)
    }

    /// One shape's measured rate: `shape` as "NT MxNxK" (op(A), op(B) transposed or not), calls
    /// per step over all workers, GFLOP/s, and its share of the step's product FLOPs.
    public struct ShapeRate: Sendable {
        public var shape: String
        public var callsPerStep: Int
        public var gflops: Double
        public var flopShare: Double
    }

    /// FLOP/s of `shape` made by `workers` threads at once, each on its own operands (with the
    /// current BLAS threads when `workers` is 1, else one BLAS thread each).
    static func rate(_ s: Shape, workers: Int, seconds: Double) -> Double {
        let sizeA = (s.transA ? s.K : s.M) * s.lda, sizeB = (s.transB ? s.N : s.K) * s.ldb, sizeC = s.M * s.ldc
        let a = UnsafeMutablePointer<Float>.allocate(capacity: workers * sizeA)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: workers * sizeB)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: workers * sizeC)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        for i in 0..<(workers * sizeA) { a[i] = Float(i % 7) * 0.01 }
        for i in 0..<(workers * sizeB) { b[i] = Float(i % 5) * 0.01 }
        c.initialize(repeating: 0, count: workers * sizeC)
        // Each worker repeats its product for about `seconds`; the rate is all products over the wall time.
        func round(seconds: Double) -> (products: Int, elapsed: Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let counts = BLAS.singleThreadedIf(workers > 1) {
                Parallel.concurrentMap(workers) { w in
                    var products = 0
                    repeat {
                        BLAS.sgemm(transA: s.transA, transB: s.transB, M: s.M, N: s.N, K: s.K, alpha: 1,
                                   a + w * sizeA, lda: s.lda, b + w * sizeB, ldb: s.ldb, beta: 0,
                                   c + w * sizeC, ldc: s.ldc)
                        products += 1
                    } while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < seconds
                    return products
                }
            }
            return (counts.reduce(0, +), Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        _ = round(seconds: 0)
        let (products, elapsed) = round(seconds: seconds)
        return s.flops * Double(products) / elapsed
    }
}
