import Foundation
import RewarmEngine
import Subprocess

/// Chooses OpenBLAS kernels when nobody else has: Debian's OpenBLAS 0.3.21 misdetects some CPUs
/// and falls back to slow generic kernels (measured 2.5-7x slower). OpenBLAS reads
/// `OPENBLAS_CORETYPE` once, when the library loads, so the choice takes effect by re-executing
/// this program with the variable set.
///
/// - A set `OPENBLAS_CORETYPE` is always respected and never changed (machines set it on purpose).
/// - Otherwise each candidate kernel family runs `rewarm blas-probe` in a child process: a
///   correctness check against a naive product, then single-threaded sgemm GFLOP/s. The fastest
///   correct one wins (a candidate that crashes, e.g. with an illegal instruction, is out).
///   The choice is cached per CPU and OpenBLAS library in `~/.cache/rewarm/blas-core.json`.
/// - `REWARM_BLAS_CORE_SOURCE` tells child processes and the bench output where the choice
///   came from: `environment`, `rewarm-probe`, or `openblas-autodetect`.
enum BLASCoreSelection {
    static let sourceVariable = "REWARM_BLAS_CORE_SOURCE"

    static var source: String {
        let env = ProcessInfo.processInfo.environment
        if let s = env[sourceVariable] { return s }
        return env["OPENBLAS_CORETYPE"] == nil ? "openblas-autodetect" : "environment"
    }

    /// Re-executes the process with a chosen `OPENBLAS_CORETYPE` when none is set.
    /// Returns normally when nothing needs to change (or the choice could not be made).
    static func reexecIfNeeded() async {
        let env = ProcessInfo.processInfo.environment
        guard env["OPENBLAS_CORETYPE"] == nil, env[sourceVariable] == nil,
              env["REWARM_BLAS_AUTOSELECT"] != "0" else { return }
        let args = CommandLine.arguments
        if args.count > 1, args[1] == "blas-probe" { return }
        guard let core = await chosenCore() else {
            setenv(sourceVariable, "openblas-autodetect", 1)
            return
        }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(sourceVariable, "rewarm-probe", 1)
        let cArgs = args.map { strdup($0) } + [nil]
        execv("/proc/self/exe", cArgs)
        // exec failed: carry on with the kernels OpenBLAS picked
        setenv(sourceVariable, "openblas-autodetect", 1)
    }

    struct Cache: Codable {
        var key: String
        var core: String
        var results: [String: BLASProbeResult]
    }

    static func chosenCore() async -> String? {
        let key = machineKey()
        let cacheURL = cacheFile()
        if let data = try? Data(contentsOf: cacheURL), let cache = try? JSONDecoder().decode(Cache.self, from: data),
           cache.key == key {
            return cache.core
        }
        var results: [String: BLASProbeResult] = [:]
        for candidate in candidates() {
            if let r = await probe(candidate), r.correct { results[candidate] = r }
        }
        guard let best = results.max(by: { $0.value.gflops < $1.value.gflops }) else { return nil }
        let cache = Cache(key: key, core: best.key, results: results)
        try? FileManager.default.createDirectory(at: cacheURL.deletingLastPathComponent(),
                                                 withIntermediateDirectories: true)
        if let data = try? JSONEncoder().encode(cache) { try? data.write(to: cacheURL, options: .atomic) }
        return best.key
    }

    /// Runs `rewarm blas-probe` with OPENBLAS_CORETYPE = core in a child process.
    static func probe(_ core: String) async -> BLASProbeResult? {
        let result = try? await Subprocess.run(
            .path("/proc/self/exe"), arguments: ["blas-probe"],
            environment: .inherit.updating([
                "OPENBLAS_CORETYPE": core,
                "REWARM_BLAS_CORE_SOURCE": "probe", "OPENBLAS_NUM_THREADS": "1",
            ]),
            output: .string(limit: 1 << 16), error: .discarded)
        guard let result, result.terminationStatus.isSuccess, case let out = result.standardOutput,
              let line = out.split(separator: "\n").last,
              let r = try? JSONDecoder().decode(BLASProbeResult.self, from: Data(line.utf8))
        else { return nil }
        // OpenBLAS ignores an unknown name and autodetects: keep only the family that was asked for.
        return r.core.lowercased() == core.lowercased() ? r : nil
    }

    /// Kernel families worth trying on this CPU, from its instruction-set flags.
    static func candidates() -> [String] {
        let flags = cpuFlags()
        var list = ["Prescott", "Nehalem"]
        if flags.contains("avx") { list += ["Sandybridge", "Bulldozer", "Piledriver", "Steamroller", "Excavator"] }
        if flags.contains("avx2") && flags.contains("fma") { list += ["Haswell", "Zen"] }
        if flags.contains("avx512f") { list += ["SkylakeX"] }
        if flags.contains("avx512_bf16") { list += ["Cooperlake"] }
        return list
    }

    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: ":").last!.split(separator: " ").map(String.init))
    }

    /// CPU model and flags plus the OpenBLAS library's identity: a new CPU or library re-probes.
    static func machineKey() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").filter { $0.hasPrefix("model name") || $0.hasPrefix("flags") }.prefix(2)
            .joined(separator: "|") ?? "unknown-cpu"
        let lib = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0"
        let attrs = try? FileManager.default.attributesOfItem(atPath: lib)
        let size = (attrs?[.size] as? NSNumber)?.intValue ?? 0
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in "\(cpu)|\(size)".utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }

    static func cacheFile() -> URL {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("rewarm/blas-core.json")
    }
}
