import Foundation

/// A model's tokenizer travels with its weights:
/// - a GGUF file: its `tokenizer.ggml.*` metadata (`BPETokenizer.load(gguf:)`), `.bytes` when it
///   has none;
/// - a Hugging Face folder or a Rewarm checkpoint: `tokenizer.json` beside the weights, written
///   by `writeTokenizerFiles` for runs and exports of a BPE model; a byte model's folder has
///   Rewarm's byte-level `tokenizer.json` (V = 256) or none: both read as `.bytes` (so does any
///   folder without `tokenizer.json`; `Trainer` then needs V >= 256).
extension Checkpoint {
    /// The tokenizer the model was trained with (see the extension's notes).
    public func tokenizer() throws(CheckpointError) -> TextTokenizer {
        switch source {
        case .gguf:
            // a GGUF without tokenizer metadata reads as a byte model, as a folder without tokenizer.json
            if let file = ggufModel?.file, file.value("tokenizer.ggml.model") == nil { return .bytes }
            do { return .bpe(try BPETokenizer.load(gguf: location.path)) } catch { throw .tokenizer(error) }
        case .rewarm, .huggingFace:
            let file = location.appendingPathComponent(HuggingFaceFolder.tokenizerFile)
            guard state.model.vocabSize != ByteTokenizer.vocabularySize,
                  FileManager.default.fileExists(atPath: file.path) else { return .bytes }
            do { return .bpe(try BPETokenizer.load(tokenizerJSON: file.path)) } catch { throw .tokenizer(error) }
        }
    }

    /// Writes `tokenizer`'s `tokenizer.json` and `tokenizer_config.json` into `folder` (nothing
    /// for `.bytes`, whose files `HuggingFaceFolder` writes itself).
    public static func writeTokenizerFiles(
        _ tokenizer: TextTokenizer, modelMaxLength: Int, to folder: URL
    ) throws(CheckpointError) {
        guard case .bpe(let bpe) = tokenizer else { return }
        do { try bpe.writeHuggingFace(folder: folder.path, modelMaxLength: modelMaxLength) } catch {
            throw .tokenizer(error)
        }
    }

    /// Copies the run folder's tokenizer files (if any) into checkpoint folder `checkpoint`, so a
    /// checkpoint is self-contained for `init_from`, `generate` and `export`.
    static func copyTokenizerFiles(from runDirectory: URL, to checkpoint: URL) throws(CheckpointError) {
        for name in [HuggingFaceFolder.tokenizerFile, HuggingFaceFolder.tokenizerConfigFile] {
            let source = runDirectory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: source.path) else { continue }
            do {
                try FileManager.default.copyItem(at: source, to: checkpoint.appendingPathComponent(name))
            } catch {
                throw .io(path: checkpoint.path, reason: "cannot copy \(name): \(error.localizedDescription)")
            }
        }
    }
}
