import ArgumentParser
import Foundation
import RewarmEngine
import RewarmReport
import RewarmStore
import RewarmSweep

/// `rewarm export SWEEP --format csv`: per-step metrics for pandas or R.
/// `rewarm export RUN --format hf --out DIR`: a run's model as a Hugging Face Llama folder
/// (and its LoRA adapter as a PEFT folder in DIR/adapter).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a sweep's per-step metrics as CSV, or a run's model as a Hugging Face folder.",
        discussion: """
            --format csv: SOURCE is a sweep's name; writes its per-step metrics (to --out or standard output).
            --format hf: SOURCE is a run folder (its newest checkpoint), a checkpoint-N folder, a Hugging \
            Face folder or a Llama GGUF file (dequantized to float32); writes config.json (LlamaConfig), \
            model.safetensors, generation_config.json and a byte-level tokenizer to --out, and for a LoRA run \
            the PEFT adapter to --out/adapter.
            """)

    @Argument(help: "csv: the sweep's name; hf: a run, checkpoint or Hugging Face folder, or a .gguf file.")
    var source: String
    @OptionGroup var results: ResultsOptions
    @Option(help: "Output format: csv or hf.") var format: String = "csv"
    @Option(help: "Output file (csv; default: standard output) or folder (hf, required).") var out: String?

    func validate() throws {
        guard format == "csv" || format == "hf" else {
            throw ValidationError("--format must be csv or hf, got '\(format)'")
        }
        if format == "hf" && out == nil { throw ValidationError("--format hf needs --out DIR") }
    }

    func run() throws {
        if format == "hf" { return try exportHF(to: out!) }
        let text: String
        do {
            let store = try ResultsStore.open(at: results.database, writer: false)
            text = try MetricsCSV.make(store: store, sweep: source)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        if let out {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                Console.error("\(out): cannot write: \(error.localizedDescription)")
                throw ExitCode(1)
            }
        } else {
            print(text, terminator: "")
        }
    }

    private func exportHF(to out: String) throws {
        do {
            let checkpoint = try ModelFolder.checkpoint(source)
            let model = try checkpoint.loadModel()
            let dir = URL(fileURLWithPath: out)
            try HuggingFaceFolder.write(model, tokenizer: checkpoint.tokenizer(), to: dir)
            var line = "exported \(checkpoint.location.path) to \(dir.standardizedFileURL.path)"
            if model.adapters != nil { line += " (adapter in \(HuggingFaceFolder.adapterFolder)/)" }
            print(line)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
    }
}
