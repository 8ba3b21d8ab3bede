import ArgumentParser
import Foundation
import RewarmEngine

/// `rewarm generate RUN --prompt TEXT`: what a run's model writes after a prompt.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Continue a prompt with a run's model (UTF-8 safe output).",
        discussion: """
            RUN is a run folder (its newest checkpoint), a checkpoint-N folder or a Hugging Face folder \
            (with its adapter/ applied if present). The continuation is printed as it is sampled, one \
            complete character at a time. --dump-logits FILE writes the logits of the prompt's positions \
            as a safetensors file (tensor "logits", shape (T, 256)), for comparisons with other libraries.
            """)

    @Argument(help: "A run, checkpoint or Hugging Face folder.") var source: String
    @Option(help: "The text to continue (empty: start a document).") var prompt: String = ""
    @Option(name: .customLong("max-new-tokens"), help: "Bytes to sample.") var maxNewTokens = 200
    @Option(help: "Softmax temperature; 0 is greedy.") var temperature = 0.8
    @Option(name: .customLong("top-p"), help: "Nucleus sampling mass (1: all tokens).") var topP = 0.95
    @Option(help: "Sampling seed.") var seed = 0
    @Option(name: .customLong("dump-logits"), help: "Write the prompt's logits (T, 256) to this safetensors file.")
    var dumpLogits: String?

    func validate() throws {
        guard maxNewTokens >= 0 else { throw ValidationError("--max-new-tokens must be >= 0, got \(maxNewTokens)") }
        guard temperature >= 0 else { throw ValidationError("--temperature must be >= 0, got \(temperature)") }
        guard topP > 0 && topP <= 1 else { throw ValidationError("--top-p must be in (0, 1], got \(topP)") }
        if dumpLogits != nil && prompt.isEmpty { throw ValidationError("--dump-logits needs a --prompt") }
    }

    func run() throws {
        let model: LlamaModel
        do {
            model = try ModelFolder.checkpoint(source).loadModel()
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        let generator = TextGenerator(model: model)
        let tokens = ByteTokenizer.encode(prompt)
        if tokens.count > model.config.maxPositionEmbeddings {
            Console.error("--prompt: \(tokens.count) bytes exceed the model's context "
                + "\(model.config.maxPositionEmbeddings)")
            throw ExitCode(2)
        }
        if let dumpLogits {
            let logits = generator.logits(tokens)
            let tensor = SafetensorsTensor(name: "logits", shape: [tokens.count, model.config.vocabSize],
                                           values: logits)
            do {
                try SafetensorsWriter.write([tensor], metadata: ["prompt": prompt],
                                            to: URL(fileURLWithPath: dumpLogits))
            } catch {
                Console.error(error.description)
                throw ExitCode(1)
            }
        }
        guard maxNewTokens > 0 else { return }
        print(prompt, terminator: "")
        let sampling = SamplingSettings(temperature: temperature, topP: topP, seed: UInt64(bitPattern: Int64(seed)))
        generator.generate(prompt: tokens, maxNewTokens: maxNewTokens, sampling: sampling) { text in
            print(text, terminator: "")
            Console.flush()
        }
        print()
    }
}
