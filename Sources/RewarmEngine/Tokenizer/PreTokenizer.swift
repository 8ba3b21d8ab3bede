/// How text is cut into words before BPE merges run inside each word: the `pre_tokenizer` of a
/// Hugging Face `tokenizer.json`, limited to the configurations byte-level BPE models use.
///
/// Steps run in order, each cutting every piece the previous step left (as `tokenizers`'
/// `Sequence` does); the last step is always `byteLevel`, which turns each piece's UTF-8 bytes
/// into the byte-level alphabet (`ByteLevelAlphabet`). The regexes are not run by a regex
/// engine: `PreTokenizerScanner` scans Unicode scalars by hand and gives exactly the splits
/// Oniguruma gives in `tokenizers` 0.22.1 (checked on English, Chinese and German corpora by
/// `scripts/check-tokenizer`).
///
/// Configurations of known models:
/// - GPT-2 and `transformers`' GGUF conversion of SmolLM2: `ByteLevel(use_regex: true)` (`gpt2`).
/// - SmolLM / SmolLM2 / StarCoder `tokenizer.json`: `Sequence[Digits(individual_digits: true),
///   ByteLevel(use_regex: true)]` (`smolLM`): every digit is a word of its own.
/// - Llama 3: `Sequence[Split(Regex(llama3), Isolated), ByteLevel(use_regex: false)]` (`llama3`).
public struct PreTokenizer: Equatable, Sendable {
    public enum Step: Equatable, Sendable {
        /// `Digits`: every scalar of `\p{N}` a piece of its own (`individualDigits`), or each run
        /// of them one piece.
        case digits(individualDigits: Bool)
        /// `Split` with a known regex, `behavior: Isolated`, `invert: false`: each match a piece.
        case split(SplitRegex)
        /// `ByteLevel`: optionally a space prepended to every piece that does not start with one
        /// (`add_prefix_space`), optionally the GPT-2 regex split (`use_regex`), then the bytes
        /// spelled in the byte-level alphabet.
        case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    }

    /// The split regexes Rewarm implements, by the exact pattern string `tokenizers` stores.
    public enum SplitRegex: String, CaseIterable, Equatable, Sendable {
        /// GPT-2's regex (Radford et al. 2019), the one `ByteLevel(use_regex: true)` runs.
        case gpt2
        /// Llama 3's regex: case-insensitive contractions, one non-letter before a letter run,
        /// numbers in groups of at most three, punctuation with its trailing line breaks.
        case llama3
        /// Qwen2's regex: Llama 3's with every number scalar on its own.
        case qwen2

        public var pattern: String {
            switch self {
            case .gpt2: #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
            case .llama3:
                #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"#
                    + #"|\s*[\r\n]+|\s+(?!\S)|\s+"#
            case .qwen2:
                #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"#
                    + #"|\s*[\r\n]+|\s+(?!\S)|\s+"#
            }
        }

        /// The regex whose pattern is exactly `pattern`, or nil.
        public init?(pattern: String) {
            guard let known = SplitRegex.allCases.first(where: { $0.pattern == pattern }) else { return nil }
            self = known
        }
    }

    public let steps: [Step]

    /// Steps as given; `validated` checks they end with the one `byteLevel` step.
    public init(steps: [Step]) {
        self.steps = steps
    }

    public static let gpt2 = PreTokenizer(steps: [.byteLevel(addPrefixSpace: false, useRegex: true)])
    public static let smolLM = PreTokenizer(steps: [
        .digits(individualDigits: true), .byteLevel(addPrefixSpace: false, useRegex: true),
    ])
    public static let llama3 = PreTokenizer(
        steps: [.split(.llama3), .byteLevel(addPrefixSpace: false, useRegex: false)])
    public static let qwen2 = PreTokenizer(steps: [.split(.qwen2), .byteLevel(addPrefixSpace: false, useRegex: false)])

    /// Throws unless there is exactly one `byteLevel` step and it is the last: a byte-level BPE
    /// vocabulary needs its input spelled in the byte alphabet, and a split after that would cut
    /// the spelling, not the text.
    func validated(file: String, field: String) throws(TokenizerError) -> PreTokenizer {
        let byteLevelCount = steps.filter { if case .byteLevel = $0 { true } else { false } }.count
        guard byteLevelCount == 1, case .byteLevel = steps.last else {
            throw .unsupported(
                file: file, field: field, value: "\(steps.count) steps with \(byteLevelCount) ByteLevel",
                supported: "a Sequence whose last and only ByteLevel step is the last")
        }
        return self
    }

    /// The pre-tokenizer of a GGUF file's `tokenizer.ggml.pre`, as llama.cpp's
    /// `llama_vocab::impl::load` names it (`src/llama-vocab.cpp`), mapped to the `tokenizer.json`
    /// configuration of the model it was converted from:
    ///
    /// | `tokenizer.ggml.pre`                                   | pre-tokenizer |
    /// |--------------------------------------------------------|---------------|
    /// | `gpt-2`, `phi-2`                                       | `gpt2`        |
    /// | `smollm`, `starcoder` (llama.cpp: `\p{N}` then GPT-2)  | `smolLM`      |
    /// | `llama3`, `llama-v3`, `llama-bpe`                      | `llama3`      |
    /// | `qwen2`, `deepseek-r1-qwen`                            | `qwen2` (see below)  |
    ///
    /// Qwen2's `tokenizer.json` also has an NFC normalizer, which Rewarm does not run: `qwen2` is
    /// exact only for NFC text.
    ///
    /// `transformers` 5.23 converts `smollm` without the Digits step (its GGUF table lacks it), so
    /// its tokenizer differs from SmolLM2's `tokenizer.json` where two or more whitespace
    /// characters come before a digit (`scripts/check-tokenizer`: 286 of 39,649 fortunes); Rewarm
    /// follows `tokenizer.json` and llama.cpp. Any other value (or none) throws.
    public static func gguf(pre: String?, file: String) throws(TokenizerError) -> PreTokenizer {
        switch pre {
        case "gpt-2", "phi-2": return .gpt2
        case "smollm", "starcoder": return .smolLM
        case "llama3", "llama-v3", "llama-bpe": return .llama3
        case "qwen2", "deepseek-r1-qwen": return .qwen2
        case nil: throw .missingField(file: file, field: "tokenizer.ggml.pre")
        case let other?:
            throw .unsupported(
                file: file, field: "tokenizer.ggml.pre", value: other,
                supported: "gpt-2, phi-2, smollm, starcoder, llama3, llama-v3, llama-bpe, qwen2, deepseek-r1-qwen")
        }
    }
}
