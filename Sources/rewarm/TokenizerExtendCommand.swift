import ArgumentParser
import Foundation
import RewarmEngine

/// `rewarm tokenizer extend MODEL --train-on CORPUS --new-tokens N OUT_DIR`: the base tokenizer
/// with N tokens trained on the corpus's training documents (`BPEVocabularyExtension`), written as
/// a Hugging Face tokenizer folder; prints tokens per byte of the corpus's validation text before
/// and after.
struct TokenizerExtendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend", abstract: "Add tokens trained on a corpus to a model's tokenizer (Chinese-LLaMA's step 1).",
        discussion: """
            New tokens are learned by BPE over the base's own tokenization of the corpus's training documents \
            (the base's pre-tokenizer and merges first), get the ids after the base's, and their merges rank after \
            the base's, so text the new merges never apply to keeps its ids. OUT_DIR receives tokenizer.json and \
            tokenizer_config.json (docs/interop.md).
            """)

    @OptionGroup var source: TokenizerSource
    @Option(name: .customLong("train-on"), help: "The corpus to learn tokens from (a dataset name, e.g. fortunes-zh).")
    var trainOn: String
    @Option(name: .customLong("new-tokens"), help: "How many tokens to add (fewer when no pair occurs twice).")
    var newTokens: Int
    @Argument(help: "The folder to write (created if missing).") var outDir: String
    @Option(name: .customLong("model-max-length"), help: "model_max_length of tokenizer_config.json.")
    var modelMaxLength: Int?

    func validate() throws {
        guard newTokens >= 1 else { throw ValidationError("--new-tokens must be >= 1, got \(newTokens)") }
    }

    func run() throws {
        let base = try source.load()
        let corpus: Corpus
        do {
            corpus = try Corpus.load(trainOn, valSize: 0.05)  // val_size's default: the same validation documents a run holds out
        } catch {
            Console.error("--train-on \(trainOn): \(error.description)")
            throw ExitCode(2)
        }
        let start = Date()
        let result: BPEVocabularyExtension.Result
        do {
            result = try BPEVocabularyExtension.train(
                base: base, documents: corpus.documents(validation: false), newTokens: newTokens)
            try result.tokenizer.writeHuggingFace(
                folder: outDir, modelMaxLength: modelMaxLength ?? BPETokenizer.contextLength(gguf: source.model))
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        let seconds = Date().timeIntervalSince(start)
        let validation = corpus.documents(validation: true)
        let bytes = validation.reduce(0) { $0 + $1.count }
        let before = Self.tokenCount(base, validation), after = Self.tokenCount(result.tokenizer, validation)
        print("wrote \(outDir)/tokenizer.json: \(base.vocabularySize) + \(result.merges.count) = "
            + "\(result.tokenizer.vocabularySize) ids, learned from \(result.words) words "
            + "(\(result.distinctWords) distinct) of \(trainOn) in \(String(format: "%.1f", seconds)) s")
        print(String(format: "tokens per byte of %@'s validation text (%d bytes): %.4f -> %.4f (%.2fx fewer tokens)",
                     trainOn, bytes, Double(before) / Double(max(bytes, 1)), Double(after) / Double(max(bytes, 1)),
                     Double(before) / Double(max(after, 1))))
    }

    static func tokenCount(_ tokenizer: BPETokenizer, _ documents: [ArraySlice<UInt8>]) -> Int {
        var encoder = BPEEncoder(tokenizer)
        return documents.reduce(0) { $0 + encoder.encode(utf8: Array($1), addSpecialTokens: false).count }
    }
}
