// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for Rewarm's readers of files from strangers (GGUF, safetensors, and
// tokenizers: tokenizer.json and GGUF tokenizer metadata). Built and run by
// `scripts/fuzz TARGET SECONDS` with `-sanitize=fuzzer,address` and `-DREWARM_LIBFUZZER`; built
// without them, each target is a replayer that runs the reader on the
// files named on its command line (to reproduce a crash under a debugger). `CLibFuzzer` declares
// libFuzzer's driver, which the targets' entry points call (see `FuzzGGUF.swift`).
let package = Package(
    name: "RewarmFuzz",
    dependencies: [.package(name: "Rewarm", path: "..")],
    targets: [
        .target(name: "CLibFuzzer"),
        .executableTarget(name: "FuzzGGUF", dependencies: ["CLibFuzzer", .product(name: "RewarmEngine", package: "Rewarm")]),
        .executableTarget(
            name: "FuzzSafetensors", dependencies: ["CLibFuzzer", .product(name: "RewarmEngine", package: "Rewarm")]),
        .executableTarget(
            name: "FuzzTokenizer", dependencies: ["CLibFuzzer", .product(name: "RewarmEngine", package: "Rewarm")]),
    ],
    swiftLanguageModes: [.v6]
)
