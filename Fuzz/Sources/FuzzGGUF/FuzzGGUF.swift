import Foundation
import RewarmEngine

/// Reads `bytes` as a GGUF file and, when it parses, uses everything the reader offers: every
/// typed metadata accessor on every key, and every tensor dequantized (whole, and row by row from
/// the raw blocks of the 4-bit ones). Errors are the expected outcome; a crash, a trap or a
/// sanitizer report is a bug.
func fuzzGGUF(_ bytes: Data) {
    guard let file = try? GGUFFile(bytes: bytes, path: "fuzz.gguf") else { return }
    for key in file.metadataKeys {
        _ = try? file.string(key)
        _ = try? file.int(key)
        _ = try? file.float(key)
        _ = try? file.bool(key)
        _ = try? file.strings(key)
        _ = try? file.ints(key)
        _ = try? file.floats(key)
        _ = file.value(key)?.typeDescription
    }
    for info in file.tensors {
        _ = info.shape
        _ = try? file.dequantize(named: info.name)
        // An empty tensor may claim billions of empty rows; a tensor with data has at most one
        // row per 18 bytes of the file.
        guard info.elementCount > 0, let blocks = try? file.quantizedBlocks(named: info.name) else { continue }
        var row = [Float](repeating: 0, count: blocks.rowLength)
        row.withUnsafeMutableBufferPointer { buffer in
            for r in 0..<blocks.rowCount { try? blocks.dequantizeRow(r, into: buffer) }
        }
    }
}

#if REWARM_LIBFUZZER
import CLibFuzzer

/// libFuzzer's entry point: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzGGUF(size == 0 || data == nil ? Data() : Data(bytes: data!, count: size))
    return 0
}

/// The program's entry point. SwiftPM links a debug executable with its `main` renamed to
/// `<target>_main` (so that tests can import executables), which hides libFuzzer's own `main`;
/// this one hands the command line to libFuzzer's driver instead.
@_cdecl("FuzzGGUF_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzerTestOneInput(data, size) }
}
#else
/// Without libFuzzer: runs the reader on each file named on the command line, saying what it read.
@main struct Replay {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            do {
                let file = try GGUFFile(bytes: bytes, path: path)
                print("FuzzGGUF: read \(file.tensors.count) tensors, \(file.metadataKeys.count) metadata keys")
            } catch {
                print("FuzzGGUF: \(error)")
            }
            fuzzGGUF(bytes)
        }
    }
}
#endif
