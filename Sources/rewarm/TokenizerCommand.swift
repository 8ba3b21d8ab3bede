import ArgumentParser
import Foundation
import RewarmEngine

/// `rewarm tokenizer export|encode|extend`: a model's byte-level BPE tokenizer (from a GGUF file's
/// metadata, a `tokenizer.json` or a Hugging Face folder) written as a Hugging Face tokenizer
/// folder, used on a text, or extended with tokens trained on a corpus.
struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer", abstract: "Export, try or extend a model's tokenizer (GGUF, tokenizer.json).",
        subcommands: [TokenizerExportCommand.self, TokenizerEncodeCommand.self, TokenizerExtendCommand.self])
}

/// The model argument shared by the tokenizer subcommands, loaded.
struct TokenizerSource: ParsableArguments {
    @Argument(help: "A GGUF file, a tokenizer.json, or a Hugging Face folder holding one.") var model: String

    func load() throws -> BPETokenizer {
        do {
            guard case .bpe(let tokenizer) = try TextTokenizer.load(model: model) else { throw ExitCode(2) }
            return tokenizer
        } catch let error as TokenizerError {
            Console.error(error.description)
            throw ExitCode(2)
        }
    }
}

struct TokenizerExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write tokenizer.json and tokenizer_config.json for Hugging Face.",
        discussion: """
            OUT_DIR receives tokenizer.json and tokenizer_config.json, which tokenizers' Tokenizer.from_file \
            and transformers' AutoTokenizer.from_pretrained(OUT_DIR) load with the ids Rewarm gives \
            (docs/interop.md). model_max_length is the GGUF's <arch>.context_length unless given.
            """)

    @OptionGroup var source: TokenizerSource
    @Argument(help: "The folder to write (created if missing).") var outDir: String
    @Option(name: .customLong("model-max-length"), help: "model_max_length of tokenizer_config.json.")
    var modelMaxLength: Int?

    func run() throws {
        let tokenizer = try source.load()
        let maxLength = modelMaxLength ?? BPETokenizer.contextLength(gguf: source.model)
        do {
            try tokenizer.writeHuggingFace(folder: outDir, modelMaxLength: maxLength)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        print("wrote \(outDir)/tokenizer.json and tokenizer_config.json: \(tokenizer.vocabularySize) ids, "
            + "\(tokenizer.mergeList.count) merges, \(tokenizer.addedTokens.count) added tokens, "
            + "fingerprint \(tokenizer.fingerprint)")
    }
}

struct TokenizerEncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode", abstract: "Print the token ids of a text, and each id's token.")

    @OptionGroup var source: TokenizerSource
    @Option(help: "The text to encode.") var text: String
    @Flag(name: .customLong("no-special-tokens"), help: "Leave out the template's BOS/EOS.")
    var noSpecialTokens = false

    func run() throws {
        let tokenizer = try source.load()
        let ids = tokenizer.encode(text, addSpecialTokens: !noSpecialTokens)
        print(ids.map(String.init).joined(separator: " "))
        print(ids.map { JSONLiteral.string(tokenizer.token($0) ?? "?") }.joined(separator: " "))
    }
}
