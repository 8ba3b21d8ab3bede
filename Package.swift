// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The engine's loops are compiled for AVX2 and FMA (`-target-cpu haswell`: 8-lane vectors in
/// one instruction instead of two SSE halves, about 5% faster training) when the building
/// machine is an x86-64 Linux host that has them; `REWARM_PORTABLE=1` at build time turns this
/// off for a binary that runs on any x86-64 CPU. A binary built with it refuses to start, with
/// one line saying why, on a CPU without AVX2 or FMA (`TargetCPU`).
let engineTargetsAVX2: Bool = {
    #if arch(x86_64) && os(Linux)
    if ProcessInfo.processInfo.environment["REWARM_PORTABLE"] == "1" { return false }
    guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
    let set = Set(flags.split(separator: " "))
    return set.contains("avx2") && set.contains("fma")
    #else
    return false
    #endif
}()

/// The engine's kernels are optimized in debug builds too (`-O`, with the checks kept): its
/// vector loops are many times slower unoptimized, and the tests and the debug CLI train real
/// models.
let optimizedKernels: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
    .unsafeFlags(["-O"], .when(configuration: .debug)),
]

let engineSettings: [SwiftSetting] = optimizedKernels
    + (engineTargetsAVX2 ? [.unsafeFlags(["-target-cpu", "haswell"]), .define("REWARM_AVX2")] : [])

/// `RewarmAVX512` holds the kernels written for 16-lane vectors. On an x86-64 host it is compiled
/// for `skylake-avx512` whatever the building machine and `REWARM_PORTABLE`: the engine calls it
/// only after checking that the running CPU has that feature set (`WeightGradient.cpuHasAVX512`),
/// so the binary still runs without it.
let avx512Settings: [SwiftSetting] = {
    #if arch(x86_64)
    return optimizedKernels + [.unsafeFlags(["-target-cpu", "skylake-avx512"])]
    #else
    return optimizedKernels
    #endif
}()

let package = Package(
    name: "Rewarm",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rewarm", targets: ["rewarm"]),
        .library(name: "RewarmEngine", targets: ["RewarmEngine"]),
        .library(name: "RewarmStore", targets: ["RewarmStore"]),
        .library(name: "RewarmSweep", targets: ["RewarmSweep"]),
        .library(name: "RewarmReport", targets: ["RewarmReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // MARK: C shim
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // MARK: AVX-512 kernels, called by the engine only on CPUs that have AVX-512.
        .target(name: "RewarmAVX512", swiftSettings: avx512Settings),
        // MARK: Engine: kernels, model, training, data, checkpoints. No SQLite, no printing.
        .target(
            name: "RewarmEngine",
            dependencies: ["COpenBLAS", "RewarmAVX512", .product(name: "Yams", package: "Yams")],
            swiftSettings: engineSettings
        ),
        // MARK: Store: the SQLite results store, the only module that imports GRDB.
        .target(
            name: "RewarmStore",
            dependencies: ["RewarmEngine", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // MARK: Sweep: spec -> grid -> trials -> executors (local, Slurm) -> store.
        .target(
            name: "RewarmSweep",
            dependencies: [
                "RewarmEngine", "RewarmStore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // MARK: Report: store -> analysis (verdicts, statistics) -> Markdown and gnuplot charts.
        // It reads what the store holds and never imports RewarmSweep.
        .target(
            name: "RewarmReport",
            dependencies: [
                "RewarmEngine", "RewarmStore",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // MARK: CLI
        .executableTarget(
            name: "rewarm",
            dependencies: [
                "RewarmEngine", "RewarmStore", "RewarmSweep", "RewarmReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // MARK: Tests
        .testTarget(name: "RewarmEngineTests", dependencies: ["RewarmEngine", "RewarmAVX512"]),
        .testTarget(
            name: "RewarmStoreTests",
            dependencies: ["RewarmStore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "RewarmSweepTests",
            dependencies: ["RewarmSweep", "RewarmStore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The report's tests may build their data from real expanded specs (RewarmSweep).
        .testTarget(
            name: "RewarmReportTests",
            dependencies: ["RewarmReport", "RewarmStore", "RewarmSweep"],
            exclude: ["Report/Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
