import Foundation

/// The matrix products one training step makes, by shape, and the sgemm rate measured on
/// exactly those shapes: the denominator of the bench's model FLOP utilisation (`mfu`).
///
/// Products per step, N = B*T, for every linear layer (IC, OC) (q, k, v, o, gate, up, down, lm_head):
/// forward out = x W^T (N, OC, IC); backward dx = dout W (N, IC, OC) and, when the weight trains,
/// dW = dout^T x (OC, IC, N). Attention per (batch, head) pair: forward S = Q K^T (T, T, hs) and
/// Y = P V (T, hs, T); backward dP = dY V^T, dV = P^T dY, dQ = dS K, dK = dS^T Q. LoRA adds its
/// rank-r products (see `loraForward` / `loraBackward`).
public struct ModelShapeGEMM: Sendable {
    /// One sgemm call shape: C (M, N) = op(A) op(B), leading dimensions as the engine passes them.
    public struct Shape: Sendable, Hashable, CustomStringConvertible {
        public var transA: Bool, transB: Bool
        public var M: Int, N: Int, K: Int
        public var lda: Int, ldb: Int, ldc: Int
        /// True for the attention products: B*NH of them, split across the workers, one BLAS thread each.
        public var perHead: Bool
        public var flops: Double { 2 * Double(M) * Double(N) * Double(K) }
        public var description: String { "\(transA ? "T" : "N")\(transB ? "T" : "N") \(M)x\(N)x\(K)" }
    }

    /// Calls per training step of each shape.
    public var calls: [Shape: Int] = [:]
    /// Attention pairs (B * NH) per layer, the parallel width of the `perHead` products.
    public var heads: Int

    public init(model c: ModelConfig, B: Int, T: Int, fineTuning: FineTuning) {
        let N = B * T, C = c.hiddenSize, NH = c.numAttentionHeads, hs = C / NH, L = c.numHiddenLayers
        heads = B * NH
        let baseTrains: Bool = if case .full = fineTuning { true } else { false }
        func linear(_ IC: Int, _ OC: Int, times: Int, weightTrains: Bool) {
            add(Shape(transA: false, transB: true, M: N, N: OC, K: IC, lda: IC, ldb: IC, ldc: OC, perHead: false), times)
            add(Shape(transA: false, transB: false, M: N, N: IC, K: OC, lda: OC, ldb: IC, ldc: IC, perHead: false), times)
            if weightTrains {
                add(Shape(transA: true, transB: false, M: OC, N: IC, K: N, lda: OC, ldb: IC, ldc: IC, perHead: false), times)
            }
        }
        for m in WeightNames.linearModules {
            let (IC, OC) = WeightNames.linearShape(m, c)
            linear(IC, OC, times: L, weightTrains: baseTrains)
        }
        // lm_head: its input gradient is needed whenever anything below trains
        linear(C, c.vocabSize, times: 1, weightTrains: baseTrains)
        let pairs = L * B * NH
        add(Shape(transA: false, transB: true, M: T, N: T, K: hs, lda: C, ldb: C, ldc: T, perHead: true), 2 * pairs)  // S, dP
        add(Shape(transA: false, transB: false, M: T, N: hs, K: T, lda: T, ldb: C, ldc: C, perHead: true), 2 * pairs)  // Y, dQ
        add(Shape(transA: true, transB: false, M: T, N: hs, K: T, lda: T, ldb: C, ldc: C, perHead: true), 2 * pairs)  // dV, dK
        if let lora = fineTuning.lora {
            let r = lora.rank
            for m in lora.targets {
                let (IC, OC) = WeightNames.linearShape(m, c)
                add(Shape(transA: false, transB: true, M: N, N: r, K: IC, lda: IC, ldb: IC, ldc: r, perHead: false), L)
                add(Shape(transA: false, transB: true, M: N, N: OC, K: r, lda: r, ldb: r, ldc: OC, perHead: false), L)
                add(Shape(transA: true, transB: false, M: OC, N: r, K: N, lda: OC, ldb: r, ldc: r, perHead: false), L)
                add(Shape(transA: false, transB: false, M: N, N: r, K: OC, lda: OC, ldb: r, ldc: r, perHead: false), L)
                add(Shape(transA: true, transB: false, M: r, N: IC, K: N, lda: r, ldb: IC, ldc: IC, perHead: false), L)
                add(Shape(transA: false, transB: false, M: N, N: IC, K: r, lda: r, ldb: IC, ldc: IC, perHead: false), L)
            }
        }
    }

    private mutating func add(_ s: Shape, _ n: Int) { calls[s, default: 0] += n }

    /// FLOPs of all the products of one step.
    public var flopsPerStep: Double { calls.reduce(0) { $0 + $1.key.flops * Double($1.value) } }

    /// Measures every shape for about `secondsPerShape` (after one untimed call) with the current
    /// `BLAS.threads` (attention shapes: split across `Parallel.threads` workers, one BLAS thread
    /// each, as the engine runs them) and returns the FLOP-weighted rate in GFLOP/s: the total
    /// FLOPs of one step divided by the time the step's products take at the measured rates.
    public func measure(secondsPerShape: Double = 0.15) -> (gflops: Double, perShape: [(Shape, Double)]) {
        var seconds = 0.0
        var perShape: [(Shape, Double)] = []
        for (shape, count) in calls.sorted(by: { $0.key.flops * Double($0.value) > $1.key.flops * Double($1.value) }) {
            let rate = ModelShapeGEMM.rate(shape, heads: shape.perHead ? heads : 1, seconds: secondsPerShape)
            perShape.append((shape, rate / 1e9))
            seconds += shape.flops * Double(count) / rate
        }
        return (flopsPerStep / seconds / 1e9, perShape)
    }

    /// FLOP/s of `shape`: single products with the current BLAS threads, or batches of `heads`
    /// products split across the workers (each with its own operands) when `heads > 1`.
    static func rate(_ s: Shape, heads: Int, seconds: Double) -> Double {
        let workers = heads > 1 ? max(1, min(Parallel.threads, heads)) : 1
        let sizeA = (s.transA ? s.K : s.M) * s.lda, sizeB = (s.transB ? s.N : s.K) * s.ldb, sizeC = s.M * s.ldc
        let a = UnsafeMutablePointer<Float>.allocate(capacity: workers * sizeA)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: workers * sizeB)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: workers * sizeC)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        for i in 0..<(workers * sizeA) { a[i] = Float(i % 7) * 0.01 }
        for i in 0..<(workers * sizeB) { b[i] = Float(i % 5) * 0.01 }
        c.initialize(repeating: 0, count: workers * sizeC)
        func batch() {
            if heads > 1 {
                BLAS.singleThreadedIf(workers > 1) {
                    Parallel.chunks(heads, workers: workers) { w, range in
                        for _ in range {
                            BLAS.sgemm(transA: s.transA, transB: s.transB, M: s.M, N: s.N, K: s.K, alpha: 1,
                                       a + w * sizeA, lda: s.lda, b + w * sizeB, ldb: s.ldb, beta: 0, c + w * sizeC, ldc: s.ldc)
                        }
                    }
                }
            } else {
                BLAS.sgemm(transA: s.transA, transB: s.transB, M: s.M, N: s.N, K: s.K, alpha: 1,
                           a, lda: s.lda, b, ldb: s.ldb, beta: 0, c, ldc: s.ldc)
            }
        }
        batch()
        var reps = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            batch()
            reps += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < seconds
        return s.flops * Double(heads * reps) / elapsed
    }
}
