import ArgumentParser
import Foundation
import RewarmEngine

/// `rewarm merge RUN --out DIR`: the adapter folded into its base, written as a full Hugging Face model.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge a LoRA run's adapter into its base and write a Hugging Face model folder.")

    @Argument(
        help: "A run folder (its newest checkpoint), a checkpoint-N folder or a Hugging Face folder with adapter/.")
    var source: String
    @Option(help: "Output folder.") var out: String

    func run() throws {
        do {
            let checkpoint = try ModelFolder.checkpoint(source)
            guard checkpoint.hasAdapter else {
                Console.error("\(checkpoint.location.path): has no adapter to merge (not a LoRA run)")
                throw ExitCode(2)
            }
            let model = try checkpoint.loadModel()
            model.mergeAdapters()
            let dir = URL(fileURLWithPath: out)
            try HuggingFaceFolder.write(model, tokenizer: checkpoint.tokenizer(), includeAdapter: false, to: dir)
            print("merged \(checkpoint.location.path) into \(dir.standardizedFileURL.path)")
        } catch let error as CheckpointError {
            Console.error(error.description)
            throw ExitCode(2)
        }
    }
}
