import Foundation
import RewarmEngine

/// Reads `bytes` as a tokenizer from a stranger and, when it loads, uses it: a GGUF file (input
/// starting with `GGUF`) goes through `BPETokenizer(gguf:)`; anything else is a `tokenizer.json`,
/// with a `tokenizer_config.json` after the first NUL byte if there is one. A tokenizer that loads
/// encodes and decodes a few texts and the input itself, and is written as `tokenizer.json` +
/// `tokenizer_config.json` and read back, which must give the same fingerprint (the writer's
/// round trip). Errors are the expected outcome; a crash, a trap, a sanitizer report or a round
/// trip that changes the tokenizer is a bug.
func fuzzTokenizer(_ bytes: Data) {
    let tokenizer: BPETokenizer
    if bytes.starts(with: Array("GGUF".utf8)) {
        guard let file = try? GGUFFile(bytes: bytes, path: "fuzz.gguf"),
            let t = try? BPETokenizer(gguf: file)
        else { return }
        tokenizer = t
    } else {
        let parts = bytes.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        let json = Data(parts[0])
        let config = parts.count > 1 ? Data(parts[1]) : nil
        guard let t = try? BPETokenizer.parse(tokenizerJSON: json, config: config) else { return }
        tokenizer = t
    }
    var encoder = tokenizer.makeEncoder()
    let texts = [
        "", "Hello world 123!", "  \n\t x", "床前明月光 Grüße 👋🏽", String(decoding: bytes.prefix(512), as: UTF8.self),
    ]
    for text in texts {
        let ids = encoder.encode(text)
        _ = tokenizer.decode(ids, skipSpecialTokens: true)
        _ = encoder.encodeDocument(Array(text.utf8))
        _ = encoder.preTokenize(text)
    }
    _ = tokenizer.decode([-1, 0, Int32(tokenizer.vocabularySize), Int32.max])
    for id in Int32(0)..<Int32(min(tokenizer.vocabularySize, 64)) { _ = tokenizer.token(id).map(tokenizer.id(of:)) }
    let json = BPETokenizer.jsonData(tokenizer.tokenizerJSONObject())
    let config = BPETokenizer.jsonData(tokenizer.tokenizerConfigObject(modelMaxLength: 128))
    do {
        let back = try BPETokenizer.parse(tokenizerJSON: json, file: "written.json", config: config)
        precondition(back.fingerprint == tokenizer.fingerprint, "the written tokenizer.json reads back differently")
    } catch {
        preconditionFailure("the written tokenizer.json does not load: \(error)")
    }
}

#if REWARM_LIBFUZZER
import CLibFuzzer

/// libFuzzer's entry point: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzTokenizer(size == 0 || data == nil ? Data() : Data(bytes: data!, count: size))
    return 0
}

/// The program's entry point (see `FuzzGGUF.swift`: SwiftPM renames a debug executable's `main`).
@_cdecl("FuzzTokenizer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzerTestOneInput(data, size) }
}
#else
/// Without libFuzzer: runs the loaders on each file named on the command line, saying what they read.
@main struct Replay {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            print("FuzzTokenizer: \(path): \(bytes.count) bytes")
            fuzzTokenizer(bytes)
        }
    }
}
#endif
