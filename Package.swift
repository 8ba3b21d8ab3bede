// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Rewarm",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rewarm", targets: ["rewarm"]),
        .library(name: "RewarmEngine", targets: ["RewarmEngine"]),
        .library(name: "RewarmLab", targets: ["RewarmLab"]),
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
        // MARK: Engine: kernels, model, training, data, checkpoints. No SQLite, no printing.
        .target(
            name: "RewarmEngine",
            dependencies: ["COpenBLAS", .product(name: "Yams", package: "Yams")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        // MARK: Lab: sweeps, store, analysis, reports (imports the engine, never the reverse).
        .target(
            name: "RewarmLab",
            dependencies: [
                "RewarmEngine",
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // MARK: CLI
        .executableTarget(
            name: "rewarm",
            dependencies: [
                "RewarmEngine", "RewarmLab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // MARK: Tests
        .testTarget(name: "RewarmEngineTests", dependencies: ["RewarmEngine"]),
        .testTarget(
            name: "RewarmLabTests",
            dependencies: ["RewarmLab", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Report/Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
