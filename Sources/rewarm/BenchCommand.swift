import ArgumentParser
import Foundation
import RewarmEngine

/// `rewarm bench`: training speed on random bytes, one JSON line comparable with
/// `../shared/bench/bench_torch.py` (same keys, same FLOP formula).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training speed (tokens/s, GFLOP/s) of one model shape; prints JSON.")

    @Option(help: """
        full, lora (r=8, alpha 16 on q_proj,v_proj as the PyTorch reference) or qlora \
        (the same on an NF4 base).
        """)
    var mode: String = "full"
    @Option(help: """
        A model preset (\(ModelConfig.presetNames.joined(separator: ", "))) instead of --dim, --layers, --heads: \
        its whole shape (vocabulary, key/value heads, tied embeddings included).
        """)
    var preset: String?
    @Option(name: [.customLong("dim"), .customLong("D")], help: "hidden_size") var dim = 128
    @Option(name: [.customLong("layers"), .customLong("L")], help: "num_hidden_layers") var layers = 4
    @Option(name: [.customLong("heads"), .customLong("H")], help: "num_attention_heads") var heads = 4
    @Option(name: [.customLong("context"), .customLong("T")], help: "sequence length") var context = 128
    @Option(name: [.customLong("batch"), .customLong("B")], help: "sequences per step") var batch = 16
    @Option(help: "BLAS threads.") var threads = 1
    @Option(help: "Timed steps (upper bound).") var steps = 20
    @Option(help: "Untimed steps first.") var warmup = 3
    @Option(name: .customLong("max-seconds"), help: "Budget for the timed steps.") var maxSeconds = 90.0
    @Option(name: .customLong("lora-r"), help: "LoRA rank.") var loraR = 8
    @Option(name: .customLong("modules-to-save"),
            help: "lora / qlora: whole modules that train too, a comma list of embed_tokens, lm_head.")
    var modulesToSave = ""
    @Flag(help: "Print one JSON line (the default output).") var json = false
    @Flag(name: .customLong("no-mfu"), help: "Skip the sgemm measurement on the model's shapes (no mfu key).")
    var noMfu = false
    @Flag(help: "Add sgemm_shapes: the measured rate of every product shape of a step (with the mfu measurement).")
    var shapes = false
    @Option(name: .customLong("positions-per-pass"),
            help: """
                Positions per forward/backward pass of each worker (whole sequences, at least one); \
                0 runs a worker's sequences in one pass.
                """)
    var positionsPerPass = BatchPasses.defaultPositions
    @Option(name: .customLong("head-chunk-rows"),
            help: """
                Positions per chunk of the output head and loss; 0 chooses them from the vocabulary \
                (~16 MiB of logits).
                """)
    var headChunkRows = 0
    @Flag(name: .customLong("blas-weight-gradients"),
          help: """
              Compute the linear layers' weight gradients with OpenBLAS instead of Rewarm's AVX-512 kernel \
              (to compare).
              """)
    var blasWeightGradients = false

    func validate() throws {
        guard TrainingBenchmark.Mode(rawValue: mode) != nil else {
            throw ValidationError("--mode must be full, lora or qlora, got '\(mode)'")
        }
        guard dim > 0, layers > 0, heads > 0, context > 1, batch > 0, threads > 0, steps > 0 else {
            throw ValidationError("--dim, --layers, --heads, --batch, --threads, --steps must be positive "
                + "and --context > 1")
        }
        guard headChunkRows >= 0 else {
            throw ValidationError("--head-chunk-rows must be 0 or positive, got \(headChunkRows)")
        }
        guard positionsPerPass >= 0 else {
            throw ValidationError("--positions-per-pass must be 0 or positive, got \(positionsPerPass)")
        }
        let modules = modulesToSave.split(separator: ",").map(String.init)
        if let bad = modules.first(where: { !WeightNames.wholeModules.contains($0) }) {
            throw ValidationError("--modules-to-save: '\(bad)' is not one of \(WeightNames.wholeModules.joined(separator: ", "))")
        }
        guard modules.isEmpty || mode != "full" else {
            throw ValidationError("--modules-to-save needs --mode lora or qlora (full trains every module)")
        }
        guard !(shapes && noMfu) else {
            throw ValidationError("--shapes needs the sgemm measurement that --no-mfu skips")
        }
        if let preset {
            guard ModelConfig.preset(preset) != nil else {
                throw ValidationError("--preset must be one of \(ModelConfig.presetNames.joined(separator: ", ")), "
                    + "got '\(preset)'")
            }
        } else {
            guard dim % heads == 0, (dim / heads) % 2 == 0 else {
                throw ValidationError("--heads \(heads) must divide --dim \(dim) into an even head size")
            }
        }
    }

    func run() throws {
        let model = preset.flatMap(ModelConfig.preset)
            ?? ModelConfig(hiddenSize: dim, numHiddenLayers: layers, numAttentionHeads: heads,
                           maxPositionEmbeddings: context)
        var bench = TrainingBenchmark(mode: TrainingBenchmark.Mode(rawValue: mode)!, model: model, batchSize: batch,
                                      contextLength: context, threads: threads)
        bench.steps = steps
        bench.warmupSteps = warmup
        bench.maxSeconds = maxSeconds
        bench.loraRank = loraR
        bench.modulesToSave = modulesToSave.split(separator: ",").map(String.init)
        bench.measureModelShapes = !noMfu
        bench.positionsPerPass = positionsPerPass == 0 ? nil : positionsPerPass
        bench.headChunkRows = headChunkRows == 0 ? nil : headChunkRows
        if blasWeightGradients { WeightGradient.forced = .openblas }
        let r = bench.run()
        var object: [String: Any] = [
            "engine": "rewarm", "mode": mode, "D": model.hiddenSize, "L": model.numHiddenLayers,
            "H": model.numAttentionHeads, "KV": model.numKeyValueHeads, "V": model.vocabSize,
            "tied": model.tieWordEmbeddings, "preset": preset ?? NSNull(), "T": context, "B": batch,
            "threads": threads, "params": r.parameters, "trainable_params": r.trainableParameters,
            "tokens_per_s": round1(r.tokensPerSecond), "ms_per_step": round2(r.secondsPerStep * 1000),
            "est_gflops_per_s": round2(r.estimatedGFLOPS), "blas_core": BLAS.coreName,
            "blas_core_source": BLASCoreSelection.source, "flops_per_token": r.flopsPerToken,
            "flops_formula": r.flopsFormula, "intermediate_size": model.intermediateSize, "timed_steps": r.timedSteps,
            "loss_first": round4(r.firstLoss), "loss_last": round4(r.lastLoss),
            "peak_rss_mb": round1(r.peakRSSMegabytes),
            "baseline_rss_mb": round1(r.baselineRSSMegabytes),
            "expected_mb": round1(r.memory.total), "params_mb": round1(r.memory.parameters),
            "grads_mb": round1(r.memory.gradients), "adam_mb": round1(r.memory.optimizer),
            "activations_mb": round1(r.memory.activations),
            "base_weight_mb": round2(Double(r.baseWeightBytes) / 1_048_576),
            "weight_gradients": r.weightGradientKernels, "positions_per_pass": r.positionsPerPass,
            "head_chunk_rows": r.headChunkRows, "modules_to_save": bench.modulesToSave,
        ]
        if let rate = r.sgemmGFLOPSModelShapes, let mfu = r.mfu {
            object["sgemm_gflops_model_shapes"] = round2(rate)
            object["mfu"] = round4(mfu)
            if shapes {
                object["sgemm_shapes"] = r.sgemmShapes.map {
                    ["shape": $0.shape, "calls_per_step": $0.callsPerStep, "gflops": round2($0.gflops),
                     "flop_share": round4($0.flopShare)] as [String: Any]
                }
            }
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    private func round1(_ x: Double) -> Double { (x * 10).rounded() / 10 }
    private func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
    private func round4(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }
}
