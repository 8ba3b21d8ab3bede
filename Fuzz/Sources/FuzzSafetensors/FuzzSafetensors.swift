import Foundation
import RewarmEngine

/// Reads `bytes` as a safetensors file and, when it parses, reads every tensor (whole, and into
/// a buffer of its size). Errors are the expected outcome; a crash, a trap or a sanitizer report
/// is a bug.
func fuzzSafetensors(_ bytes: Data) {
    guard let file = try? SafetensorsFile(bytes: bytes, path: "fuzz.safetensors") else { return }
    _ = file.metadata
    for name in file.names {
        guard let info = try? file.info(named: name), let (_, values) = try? file.tensor(named: name) else { continue }
        var copy = [Float](repeating: 0, count: values.count)
        copy.withUnsafeMutableBufferPointer { buffer in try? file.copyTensor(named: name, into: buffer) }
        _ = info.shape
    }
}

#if REWARM_LIBFUZZER
import CLibFuzzer

/// libFuzzer's entry point: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzSafetensors(size == 0 || data == nil ? Data() : Data(bytes: data!, count: size))
    return 0
}

/// The program's entry point. SwiftPM links a debug executable with its `main` renamed to
/// `<target>_main` (so that tests can import executables), which hides libFuzzer's own `main`;
/// this one hands the command line to libFuzzer's driver instead.
@_cdecl("FuzzSafetensors_main")
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
                let file = try SafetensorsFile(bytes: bytes, path: path)
                print("FuzzSafetensors: read \(file.names.count) tensors")
            } catch {
                print("FuzzSafetensors: \(error)")
            }
            fuzzSafetensors(bytes)
        }
    }
}
#endif
