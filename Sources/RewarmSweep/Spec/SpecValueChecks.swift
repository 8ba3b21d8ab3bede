import Foundation
import RewarmEngine
import RewarmStore

/// The checks of a spec's values that need more than the config's own rules: `init_from` names a
/// kept base checkpoint or an existing folder, corpora exist, and the config builds (every key's
/// type and range, and the rules between keys, by `RunConfig` itself), each error at the spec
/// path of the offending value.
extension SweepSpec {
    /// `init_from` in canonical form: null for `scratch` (or null, or empty); `base@F` with F the
    /// kept fraction of `base` it names; a path (as written) that must be an existing folder.
    func resolveInitFrom(_ value: ConfigValue, path: String, base: BaseSpec?) throws(SpecError) -> ConfigValue {
        guard case .string(let written) = value else { return value }
        let text = written.trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text == "scratch" { return .null }
        if text.hasPrefix(BaseReference.prefix) {
            guard let base else {
                throw .invalidValue(file: file, path: path,
                                    problem: "the base cannot start from a checkpoint of itself")
            }
            guard let fraction = BaseReference.fraction(inInitFrom: text) else {
                throw .invalidValue(file: file, path: path,
                                    problem: "'\(text)' is not base@F with F a fraction of base.max_steps")
            }
            guard let kept = base.keptFraction(fraction) else {
                throw .unknownCheckpoint(file: file, path: path, value: text, saveAt: base.saveAt)
            }
            return .string(BaseReference.initFrom(fraction: kept))
        }
        // a folder (run, checkpoint, Hugging Face) or a GGUF file (`Checkpoint.isGGUFFile`)
        var isDirectory: ObjCBool = false
        let absolute = BaseSpec.absolutePath(text)
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory),
              isDirectory.boolValue || Checkpoint.isGGUFFile(URL(fileURLWithPath: absolute))
        else {
            throw .invalidValue(file: file, path: path,
                                problem: "no such folder or GGUF file '\(text)' "
                                    + "(give base@F, scratch, a run or checkpoint folder, or a .gguf file)")
        }
        return .string(written)
    }

    /// `dataset` and `upstream` name a built-in corpus or an existing file or folder, with or
    /// without a valid `[k/N]` part suffix.
    func checkCorpora(_ raw: [String: ConfigValue], path: (String) -> String) throws(SpecError) {
        for key in ["dataset", "upstream"] {
            guard case .string(let written)? = raw[key] else { continue }
            let name = written.trimmingCharacters(in: .whitespaces)
            if name.isEmpty || (key == "upstream" && name == "default") { continue }
            let source: CorpusSource
            do {
                source = try CorpusSource(spec: CorpusPart.parse(name).corpus)
            } catch {
                throw .unknownCorpus(file: file, path: path(key), problem: error.description)
            }
            switch source {
            case .textFile(let corpusFile), .jsonLines(let corpusFile):
                if !FileManager.default.fileExists(atPath: corpusFile) {
                    throw .unknownCorpus(file: file, path: path(key),
                                         problem: CorpusError.missingPath(path: corpusFile, hint: nil).description)
                }
            case .fortunesEnglish, .fortunesChinese, .fortunesGerman, .licenses, .synthetic, .folder:
                break
            }
        }
    }

    /// `raw` built into a `RunConfig`: every key's type and range and the rules between keys
    /// (`RunConfig`'s own checks), errors at the spec path of the offending value.
    func validated(_ raw: [String: ConfigValue], path: (String) -> String) throws(SpecError) -> RunConfig {
        do {
            return try RunConfig(values: raw, source: file)
        } catch {
            throw SpecError.from(error, file: file, path: path)
        }
    }
}
