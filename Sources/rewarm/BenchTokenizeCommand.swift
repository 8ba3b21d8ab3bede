import ArgumentParser
import Foundation
import RewarmEngine

/// `rewarm bench-tokenize`: tokenization throughput of a corpus, cold and warm
/// (`TokenizationBenchmark`), as one JSON line or a short text.
struct BenchTokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-tokenize",
        abstract: "Measure how fast a corpus is tokenized (cold) and read back from the token cache (warm).")

    @Option(help: "Corpus spec, as the dataset key takes it (fortunes-en, licenses, a path, name[k/N]).")
    var corpus: String
    @Option(help: "A Hugging Face tokenizer.json (BPE); without it, the byte tokenizer.") var tokenizer: String?
    @Option(help: "Validation fraction, as val_size.") var valSize = 0.05
    @Option(help: "Token cache folder (default: a temporary one, removed at the end, so the first load is cold).")
    var cacheDir: String?
    @Flag(help: "Print one JSON line.") var json = false

    func run() throws {
        let text: TextTokenizer
        if let tokenizer {
            do { text = .bpe(try BPETokenizer.load(tokenizerJSON: tokenizer)) } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }
        } else {
            text = .bytes
        }
        let folder = cacheDir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory
                .appendingPathComponent("rewarm-bench-tokenize-\(UUID().uuidString)")
        defer { if cacheDir == nil { try? FileManager.default.removeItem(at: folder) } }
        let result: TokenizationBenchmark
        do {
            result = try TokenizationBenchmark.run(corpus: corpus, valSize: valSize, tokenizer: text,
                                                   cache: TokenCache(directory: folder))
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(String(format: "%@ with %@: %.2f MB of text, %d tokens (%.3f per byte)", result.corpus,
                         result.tokenizer, Double(result.textBytes) / 1e6, result.tokens, result.tokensPerByte))
            print(String(format: "read %.2f s | cold %.2f s (%.2f MB/s) | warm %.2f s (%.2f MB/s, cache hit: %@)",
                         result.readSeconds, result.coldSeconds, result.coldMBPerSecond, result.warmSeconds,
                         result.warmMBPerSecond, result.warmHit ? "yes" : "no"))
        }
    }
}
