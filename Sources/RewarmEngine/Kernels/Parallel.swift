import Foundation

/// How many threads the engine's own loops (the non-BLAS kernels and the per-head attention
/// products) use. Set once per process together with the BLAS threads (`BLAS.setThreads`).
///
/// Work is split into contiguous chunks of rows (or of (batch, head) pairs) and every chunk
/// computes its rows exactly as the serial loop does, so a kernel's result does not depend on
/// the thread count; reductions across rows (norm weight gradients) are split by column instead.
public enum Parallel {
    /// The worker count of the engine's loops: the task's `withThreads` value if one is in
    /// effect, else the process's (`setThreads`).
    public static var threads: Int { scopedThreads ?? processThreads }

    nonisolated(unsafe) private static var processThreads = 1
    /// A worker count scoped to one task (`withThreads`), so tests that compare thread counts
    /// never change what concurrently running code sees.
    @TaskLocal private static var scopedThreads: Int?

    /// Sets the process's worker count of the engine's loops (at least 1).
    public static func setThreads(_ n: Int) { processThreads = max(1, n) }

    /// Runs `body` with the engine's loops on `n` workers in this task only (OpenBLAS's own
    /// thread count, a process-wide setting, is left alone).
    public static func withThreads<R>(_ n: Int, _ body: () throws -> R) rethrows -> R {
        try $scopedThreads.withValue(max(1, n)) { try body() }
    }

    /// Calls `body` on contiguous chunks covering `0 ..< count`: one chunk when `threads` is 1 or
    /// the work is too small to split (fewer than `minChunk` items per worker), otherwise one
    /// chunk per worker, run concurrently. `workers` caps the worker count (e.g. scratch buffers).
    @inline(__always)
    static func chunks(
        _ count: Int, minChunk: Int = 1, workers cap: Int = .max, _ body: (_ worker: Int, _ range: Range<Int>) -> Void
    ) {
        let workers = min(threads, cap, count / max(minChunk, 1))
        if workers <= 1 {
            body(0, 0..<count)
            return
        }
        // The workers write disjoint ranges of raw buffers: safe to share, hence the unchecked box.
        let flush = SubnormalFlush.isOn  // the workers flush subnormals as the caller does
        withoutActuallyEscaping(body) { body in
            let work = UncheckedWork(body: body)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                SubnormalFlush.run(flush) { work.body(w, (count * w / workers)..<(count * (w + 1) / workers)) }
            }
        }
    }

    private struct UncheckedWork: @unchecked Sendable {
        let body: (Int, Range<Int>) -> Void
    }

    /// `body(0) ... body(count - 1)` all at once, one thread each (run inline when `count` is 1),
    /// returning the results in index order: for workers that each run a long task of their
    /// own (data-parallel shards, concurrent benchmark workers).
    static func concurrentMap<R>(_ count: Int, _ body: (Int) -> R) -> [R] {
        guard count > 1 else { return count == 1 ? [body(0)] : [] }
        var results = [R?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            // Each worker writes only its own index: safe to share, hence the unchecked box.
            let out = UncheckedResults(base: buffer.baseAddress!)
            let flush = SubnormalFlush.isOn  // the workers flush subnormals as the caller does
            withoutActuallyEscaping(body) { body in
                let work = UncheckedTask(body: body)
                DispatchQueue.concurrentPerform(iterations: count) { i in
                    SubnormalFlush.run(flush) { out.base[i] = work.body(i) }
                }
            }
        }
        return results.map { $0! }
    }

    private struct UncheckedResults<R>: @unchecked Sendable {
        let base: UnsafeMutablePointer<R?>
    }

    private struct UncheckedTask<R>: @unchecked Sendable {
        let body: (Int) -> R
    }

    /// Rows per chunk below which splitting costs more than it saves (about 16k floats of work).
    @inline(__always)
    static func minRows(width: Int) -> Int { max(1, 16_384 / max(width, 1)) }
}
