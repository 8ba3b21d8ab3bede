/// The token ids `encode(_:addSpecialTokens: true)` puts around a text: the single-sequence
/// template of a `TemplateProcessing` post-processor (`"<|begin_of_text|> $A"` for Llama 3,
/// nothing for SmolLM2), or what a GGUF file's `tokenizer.ggml.add_bos_token` /
/// `add_eos_token` ask for.
///
/// Which one applies, as `transformers` 5 decides it (`TokenizersBackend.__init__`): when
/// `tokenizer_config.json` sets `add_bos_token` or `add_eos_token`, the template is rebuilt from
/// them (`[bos] $A [eos]`); otherwise `tokenizer.json`'s post-processor is used as it is.
///
/// Training documents (continual pre-training) do not use this template. Rewarm follows
/// LLaMA-Factory's pre-training preprocessing (`PretrainDatasetProcessor`: `text + eos_token`,
/// tokenized with `add_special_tokens=False`, concatenated and cut into `cutoff_len` blocks):
/// `BPEEncoder.encodeDocument` encodes each document without special tokens and appends EOS, so
/// EOS is the boundary the model learns between packed documents. BOS is the batching step's
/// business, not the tokenizer's: when the tokenizer adds BOS (`addsBOS`, e.g. Llama 3),
/// LLaMA-Factory writes BOS over the first token of every packed block (or puts it before each
/// document without packing). SmolLM2 adds no BOS.
public struct SpecialTokenTemplate: Equatable, Sendable {
    /// Ids before the text.
    public var prefix: [Int32]
    /// Ids after the text.
    public var suffix: [Int32]

    public init(prefix: [Int32] = [], suffix: [Int32] = []) {
        self.prefix = prefix
        self.suffix = suffix
    }

    /// No special tokens around the text.
    public static let none = SpecialTokenTemplate()

    /// `[bos] $A [eos]` as `add_bos_token` / `add_eos_token` ask; a flag without its token id adds
    /// nothing (as `transformers` turns the flag off when the token is missing).
    public static func bosEOS(addBOS: Bool, bos: Int32?, addEOS: Bool, eos: Int32?) -> SpecialTokenTemplate {
        SpecialTokenTemplate(
            prefix: addBOS ? bos.map { [$0] } ?? [] : [],
            suffix: addEOS ? eos.map { [$0] } ?? [] : [])
    }
}

/// The ids of the tokens with a role (from `tokenizer_config.json` or GGUF metadata); any may be
/// absent.
public struct SpecialTokenIDs: Equatable, Sendable {
    /// Beginning of sequence.
    public var bos: Int32?
    /// End of sequence: the separator `BPEEncoder.encodeDocument` puts after each document.
    public var eos: Int32?
    public var pad: Int32?

    public init(bos: Int32? = nil, eos: Int32? = nil, pad: Int32? = nil) {
        self.bos = bos
        self.eos = eos
        self.pad = pad
    }
}

/// Options of the BPE model itself (`tokenizer.json`'s `model`).
public struct BPEModelOptions: Equatable, Sendable {
    /// `unk_token`: the id used for a byte whose spelling is not in the vocabulary (never the
    /// case in a complete byte-level vocabulary). Without it such a byte is dropped, as
    /// `tokenizers` drops it.
    public var unknownTokenID: Int32?
    /// `fuse_unk`: consecutive unknown bytes become one unknown token.
    public var fuseUnknown: Bool
    /// `ignore_merges` (Llama 3): a word that is itself a vocabulary token is that token, whatever
    /// the merges would make of it.
    public var ignoreMerges: Bool

    public init(unknownTokenID: Int32? = nil, fuseUnknown: Bool = false, ignoreMerges: Bool = false) {
        self.unknownTokenID = unknownTokenID
        self.fuseUnknown = fuseUnknown
        self.ignoreMerges = ignoreMerges
    }
}
