import ArgumentParser
import Foundation
import RewarmEngine

/// `rewarm generate RUN --prompt TEXT`: what a run's model writes after a prompt.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Continue a prompt with a run's model (UTF-8 safe output).",
        discussion: """
            RUN is a run folder (its newest checkpoint), a checkpoint-N folder, a Hugging Face folder \
            (with its adapter/ applied if present) or a Llama GGUF file (*.gguf, dequantized to float32). The \
            prompt is encoded with the model's own tokenizer (bytes, tokenizer.json or the GGUF metadata) and \
            the continuation printed as it is sampled, one complete character at a time, up to the EOS token. \
            --prompt-ids takes token ids instead and prints the sampled ids. --dump-logits FILE writes the logits \
            of the prompt's positions as a safetensors file (tensor "logits", shape (T, V)), for comparisons \
            with other libraries.
            """)

    @Argument(help: "A run, checkpoint or Hugging Face folder, or a .gguf file.") var source: String
    @Option(help: "The text to continue (empty: start a document).") var prompt: String = ""
    @Option(name: .customLong("prompt-ids"),
            help: "Token ids to continue instead of --prompt, comma-separated (any vocabulary); prints ids.")
    var promptIds: String?
    @Option(name: .customLong("max-new-tokens"), help: "Tokens (bytes) to sample.") var maxNewTokens = 200
    @Option(help: "Softmax temperature; 0 is greedy.") var temperature = 0.8
    @Option(name: .customLong("top-p"), help: "Nucleus sampling mass (1: all tokens).") var topP = 0.95
    @Option(help: "Sampling seed.") var seed = 0
    @Option(name: .customLong("dump-logits"), help: "Write the prompt's logits (T, V) to this safetensors file.")
    var dumpLogits: String?

    func validate() throws {
        guard maxNewTokens >= 0 else { throw ValidationError("--max-new-tokens must be >= 0, got \(maxNewTokens)") }
        guard temperature >= 0 else { throw ValidationError("--temperature must be >= 0, got \(temperature)") }
        guard topP > 0 && topP <= 1 else { throw ValidationError("--top-p must be in (0, 1], got \(topP)") }
        if promptIds != nil && !prompt.isEmpty { throw ValidationError("give --prompt or --prompt-ids, not both") }
        if dumpLogits != nil && prompt.isEmpty && promptIds == nil {
            throw ValidationError("--dump-logits needs a --prompt or --prompt-ids")
        }
        if let promptIds, Self.ids(promptIds) == nil {
            throw ValidationError("--prompt-ids must be comma-separated token ids, got '\(promptIds)'")
        }
    }

    /// "1, 2,3" -> [1, 2, 3]; nil unless at least one id and all of them non-negative integers.
    static func ids(_ text: String) -> [Int32]? {
        let ids = text.split(separator: ",").map { Int32($0.trimmingCharacters(in: .whitespaces)) }
        guard !ids.isEmpty, ids.allSatisfy({ ($0 ?? -1) >= 0 }) else { return nil }
        return ids.map { $0! }
    }

    func run() throws {
        let model: LlamaModel
        let tokenizer: TextTokenizer
        do {
            let checkpoint = try ModelFolder.checkpoint(source)
            model = try checkpoint.loadModel()
            tokenizer = try checkpoint.tokenizer()
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        let generator = TextGenerator(model: model)
        let V = model.config.vocabSize, isBytes = V == ByteTokenizer.vocabularySize
        let tokens: [Int32]
        if let promptIds {
            tokens = Self.ids(promptIds)!
            if let bad = tokens.first(where: { $0 >= V }) {
                Console.error("--prompt-ids: \(bad) is outside the model's vocabulary 0 ..< \(V)")
                throw ExitCode(2)
            }
        } else if case .bpe(let bpe) = tokenizer {
            tokens = prompt.isEmpty ? [] : bpe.encode(prompt, addSpecialTokens: true)
            if let bad = tokens.first(where: { $0 >= V }) {
                Console.error("\(source): the tokenizer's id \(bad) is outside the model's vocabulary 0 ..< \(V)")
                throw ExitCode(2)
            }
        } else if !isBytes {
            Console.error("\(source): the vocabulary has \(V) tokens, not bytes, and no tokenizer.json: give the "
                + "prompt as --prompt-ids")
            throw ExitCode(2)
        } else {
            tokens = ByteTokenizer.encode(prompt)
        }
        if tokens.count > model.config.maxPositionEmbeddings {
            Console.error("the prompt's \(tokens.count) tokens exceed the model's context "
                + "\(model.config.maxPositionEmbeddings)")
            throw ExitCode(2)
        }
        if let dumpLogits {
            let logits = generator.logits(tokens)
            let tensor = SafetensorsTensor(name: "logits", shape: [tokens.count, V], values: logits)
            do {
                try SafetensorsWriter.write([tensor], metadata: ["prompt": promptIds ?? prompt],
                                            to: URL(fileURLWithPath: dumpLogits))
            } catch {
                Console.error(error.description)
                throw ExitCode(1)
            }
        }
        guard maxNewTokens > 0 else { return }
        let sampling = SamplingSettings(temperature: temperature, topP: topP, seed: UInt64(bitPattern: Int64(seed)))
        if promptIds != nil {
            generator.generateTokens(prompt: tokens, maxNewTokens: maxNewTokens, sampling: sampling) { id in
                print(id, terminator: " ")
                Console.flush()
            }
            print()
            return
        }
        print(prompt, terminator: "")
        if case .bpe(let bpe) = tokenizer {
            if tokens.isEmpty && bpe.specialTokens.bos == nil && bpe.specialTokens.eos == nil {
                Console.error("\(source): the tokenizer has no BOS or EOS token to start from: give a --prompt")
                throw ExitCode(2)
            }
            generator.generate(prompt: tokens, tokenizer: bpe, maxNewTokens: maxNewTokens, sampling: sampling) { text in
                print(text, terminator: "")
                Console.flush()
            }
            print()
            return
        }
        generator.generate(prompt: tokens, maxNewTokens: maxNewTokens, sampling: sampling) { text in
            print(text, terminator: "")
            Console.flush()
        }
        print()
    }
}
