/// A merge of a BPE vocabulary: the tokens `left` and `right` (byte-level spellings) become the
/// token `left + right`.
public struct BPEMerge: Equatable, Sendable {
    public var left: String
    public var right: String

    public init(_ left: String, _ right: String) {
        self.left = left
        self.right = right
    }
}

/// A byte-level BPE tokenizer, the kind Llama 3, SmolLM2 and GPT-2 ship: text is cut into words
/// by a `PreTokenizer`, each word's UTF-8 bytes are spelled in GPT-2's byte alphabet
/// (`ByteLevelAlphabet`, Radford et al. 2019) and merged pair by pair in merge-rank order
/// (`BPEWordMerger`, Sennrich et al. 2016). Encoding gives the same ids as Hugging Face
/// `tokenizers` 0.22.1 for the supported configurations (`scripts/check-tokenizer` compares them
/// on whole corpora); decoding is lossless: `decode(encode(text)) == text` for any valid UTF-8.
///
/// Built from plain values, so any source can feed it: `load(tokenizerJSON:)` reads a Hugging
/// Face `tokenizer.json`. A GGUF adapter (the GGUF reader lives elsewhere) must pass:
/// - `tokens`: `tokenizer.ggml.tokens` as is (id = index; they are already byte-level spellings
///   when `tokenizer.ggml.model` is `gpt2`; any other model is not byte-level BPE: throw
///   `unknownModelType`).
/// - `merges`: each `tokenizer.ggml.merges` string split at its single space (a byte-level
///   token never holds a space: space is spelled `Ġ`); a string without exactly one space is
///   `malformedMerge`.
/// - `addedTokens`: every token whose `tokenizer.ggml.token_type` is 3 (CONTROL) as
///   `AddedToken(id:content:special: true, normalized: false)`, and 4 (USER_DEFINED) as
///   `special: false, normalized: false`, as `transformers`' GGUF conversion does.
/// - `preTokenizer`: `PreTokenizer.gguf(pre: tokenizer.ggml.pre)` (the table of values is there).
/// - `specialTokens`: `tokenizer.ggml.bos_token_id`, `eos_token_id`, `padding_token_id`.
/// - `template`: `.bosEOS(addBOS: tokenizer.ggml.add_bos_token ?? false, bos:, addEOS:
///   tokenizer.ggml.add_eos_token ?? false, eos:)` (llama.cpp defaults `add_bos` to true for
///   `llama-bpe`; `transformers` follows the file's flag, and so should the adapter).
/// - `options`: `ignoreMerges: true` for the `llama3` family of `pre` values (llama.cpp sets it
///   there; Llama 3's `tokenizer.json` has `ignore_merges: true`), no unknown token.
/// - `origin`: `.gguf(path)`, so errors name `tokenizer.ggml.*` fields.
public struct BPETokenizer: Sendable {
    public let preTokenizer: PreTokenizer
    public let template: SpecialTokenTemplate
    public let specialTokens: SpecialTokenIDs
    public let options: BPEModelOptions
    public let origin: TokenizerOrigin
    /// Number of ids, `0..<vocabularySize`: vocabulary and added tokens.
    public let vocabularySize: Int
    /// The merges in rank order, as given (what a `tokenizer.json` writer lists).
    public let mergeList: [BPEMerge]
    /// The added tokens as given.
    public let addedTokens: [AddedToken]
    /// 16 hex digits of FNV-1a over everything that decides the ids (tokens, merges, added tokens,
    /// pre-tokenizer, template, special ids, options): equal fingerprints encode alike, so caches
    /// of tokenized corpora are keyed by it.
    public let fingerprint: String

    /// (vocabularySize) the text of each id (an added token's content, else the vocabulary entry).
    let texts: [String]
    /// Id of each vocabulary text (excluding tokens that are only added tokens).
    let vocabularyIDs: [String: Int32]
    /// Id of each added token's content.
    let addedIDs: [String: Int32]
    /// (vocabularySize) whether the id is a special added token.
    let isSpecial: [Bool]
    /// The bytes each id decodes to, flat: id i is `decodeBytes[decodeStarts[i]..<decodeStarts[i + 1]]`.
    let decodeBytes: [UInt8]
    let decodeStarts: [Int32]
    /// (256) the vocabulary id of each byte's spelling, or -1.
    let byteIDs: [Int32]
    let merges: BPEMergeTable
    /// For `ignoreMerges`: the id of every vocabulary token by the bytes it spells.
    let wholeWordIDs: [[UInt8]: Int32]
    let rawAddedTokens: AddedTokenMatcher
    let normalizedAddedTokens: AddedTokenMatcher

    /// Builds a tokenizer; throws (naming `origin`'s file and fields) for duplicate tokens or
    /// ids, a merge naming a token not in the vocabulary, an id out of range, or a pre-tokenizer
    /// that does not end in `byteLevel`.
    ///
    /// - tokens: the text of each id `0..<tokens.count` (byte-level spellings for vocabulary
    ///   tokens; an added token's entry is its content).
    /// - merges: in rank order, first merged first.
    /// - addedTokens: ids inside `tokens` (same text) or from `tokens.count` on, without holes.
    public init(
        tokens: [String], merges: [BPEMerge], addedTokens: [AddedToken] = [], preTokenizer: PreTokenizer,
        template: SpecialTokenTemplate = .none, specialTokens: SpecialTokenIDs = SpecialTokenIDs(),
        options: BPEModelOptions = BPEModelOptions(), origin: TokenizerOrigin = .memory
    ) throws(TokenizerError) {
        try self.init(
            tokens: tokens, addedOnly: [], merges: merges, addedTokens: addedTokens, preTokenizer: preTokenizer,
            template: template, specialTokens: specialTokens, options: options, origin: origin)
    }

    /// `addedOnly`: ids of `tokens` that are not in the BPE model's vocabulary (added tokens
    /// `tokenizer.json` lists only in `added_tokens`); merges and `ignoreMerges` never see them.
    init(
        tokens: [String], addedOnly: Set<Int32>, merges: [BPEMerge], addedTokens: [AddedToken],
        preTokenizer: PreTokenizer, template: SpecialTokenTemplate, specialTokens: SpecialTokenIDs,
        options: BPEModelOptions, origin: TokenizerOrigin
    ) throws(TokenizerError) {
        let file = origin.file
        var texts = tokens
        var vocabularyIDs: [String: Int32] = [:]
        vocabularyIDs.reserveCapacity(tokens.count)
        for (id, text) in tokens.enumerated() where !addedOnly.contains(Int32(id)) {
            if let other = vocabularyIDs.updateValue(Int32(id), forKey: text) {
                throw .duplicateToken(file: file, field: origin.tokens, token: text, ids: [Int(other), id])
            }
        }
        // Added tokens: inside the table with the same text, or extending it without holes.
        var addedIDs: [String: Int32] = [:]
        var extra: [Int32: String] = [:]
        for (i, token) in addedTokens.enumerated() {
            let field = "\(origin.addedTokens)[\(i)]"
            guard token.id >= 0 else { throw .badID(file: file, field: field, id: Int(token.id), reason: "negative") }
            if Int(token.id) < tokens.count {
                if tokens[Int(token.id)] != token.content {
                    throw .duplicateID(file: file, field: field, id: Int(token.id),
                                       tokens: [tokens[Int(token.id)], token.content])
                }
            } else if let other = extra.updateValue(token.content, forKey: token.id), other != token.content {
                throw .duplicateID(file: file, field: field, id: Int(token.id), tokens: [other, token.content])
            }
            if let other = addedIDs.updateValue(token.id, forKey: token.content), other != token.id {
                throw .duplicateToken(file: file, field: field, token: token.content, ids: [Int(other), Int(token.id)])
            }
            if let other = vocabularyIDs[token.content], other != token.id {
                throw .duplicateToken(file: file, field: field, token: token.content, ids: [Int(other), Int(token.id)])
            }
        }
        for (offset, id) in extra.keys.sorted().enumerated() where Int(id) != tokens.count + offset {
            throw .badID(
                file: file, field: origin.addedTokens, id: tokens.count + offset,
                reason: "no token has this id, but id \(id) is used")
        }
        for id in extra.keys.sorted() { texts.append(extra[id]!) }
        let size = texts.count
        guard size <= Int(Int32.max) else {
            throw .badID(file: file, field: origin.tokens, id: size, reason: "more tokens than Int32 ids")
        }
        // Roles and template ids must exist.
        let roles: [(String, Int32?)] = [
            ("bos", specialTokens.bos), ("eos", specialTokens.eos), ("pad", specialTokens.pad),
            ("unk_token", options.unknownTokenID),
        ] + (template.prefix + template.suffix).map { ("post_processor", $0) }
        for (field, id) in roles {
            if let id, id < 0 || Int(id) >= size {
                throw .badID(file: file, field: field, id: Int(id), reason: "outside 0..<\(size)")
            }
        }
        var table = BPEMergeTable(expectedCount: merges.count)
        for (rank, merge) in merges.enumerated() {
            let field = "\(origin.merges)[\(rank)]"
            guard let left = vocabularyIDs[merge.left] else {
                throw .mergeTokenNotInVocabulary(file: file, field: field, token: merge.left)
            }
            guard let right = vocabularyIDs[merge.right] else {
                throw .mergeTokenNotInVocabulary(file: file, field: field, token: merge.right)
            }
            guard let merged = vocabularyIDs[merge.left + merge.right] else {
                throw .mergeTokenNotInVocabulary(file: file, field: field, token: merge.left + merge.right)
            }
            table.insert(left: left, right: right, rank: UInt32(rank), merged: merged)
        }
        self.preTokenizer = try preTokenizer.validated(file: file, field: "pre_tokenizer")
        self.template = template
        self.specialTokens = specialTokens
        self.options = options
        self.origin = origin
        self.vocabularySize = size
        self.texts = texts
        self.vocabularyIDs = vocabularyIDs
        self.addedIDs = addedIDs
        self.merges = table
        self.mergeList = merges
        self.addedTokens = addedTokens
        self.fingerprint = BPETokenizer.fingerprint(
            texts: texts, addedOnly: addedOnly, merges: merges, addedTokens: addedTokens,
            preTokenizer: self.preTokenizer, template: template, specialTokens: specialTokens, options: options)
        var isSpecial = [Bool](repeating: false, count: size)
        for token in addedTokens where token.special { isSpecial[Int(token.id)] = true }
        self.isSpecial = isSpecial
        // Decoding: `tokenizers`' ByteLevel decoder maps a token through the byte alphabet when
        // every character of it is in the alphabet, and keeps its UTF-8 text otherwise.
        var decodeBytes: [UInt8] = []
        var decodeStarts: [Int32] = [0]
        decodeStarts.reserveCapacity(size + 1)
        for text in texts {
            decodeBytes += ByteLevelAlphabet.bytes(ofSpelling: text) ?? Array(text.utf8)
            decodeStarts.append(Int32(decodeBytes.count))
        }
        self.decodeBytes = decodeBytes
        self.decodeStarts = decodeStarts
        self.byteIDs = (0..<256).map { b in
            vocabularyIDs[ByteLevelAlphabet.spelling([UInt8(b)])] ?? -1
        }
        var whole: [[UInt8]: Int32] = [:]
        if options.ignoreMerges {
            for (text, id) in vocabularyIDs {
                if let bytes = ByteLevelAlphabet.bytes(ofSpelling: text) { whole[bytes] = id }
            }
        }
        self.wholeWordIDs = whole
        self.rawAddedTokens = AddedTokenMatcher(addedTokens.filter { !$0.normalized })
        self.normalizedAddedTokens = AddedTokenMatcher(addedTokens.filter(\.normalized))
    }

    /// True when `encode(_:addSpecialTokens: true)` starts with the BOS token.
    public var addsBOS: Bool { specialTokens.bos.map { template.prefix.first == $0 } ?? false }
    /// True when `encode(_:addSpecialTokens: true)` ends with the EOS token.
    public var addsEOS: Bool { specialTokens.eos.map { template.suffix.last == $0 } ?? false }

    /// The text of an id (a byte-level spelling, or an added token's content), or nil.
    public func token(_ id: Int32) -> String? {
        id >= 0 && Int(id) < vocabularySize ? texts[Int(id)] : nil
    }

    /// The id of a token text: an added token's content first, then a vocabulary spelling.
    public func id(of token: String) -> Int32? {
        addedIDs[token] ?? vocabularyIDs[token]
    }

    /// The token ids of `text`, with the template's special tokens when `addSpecialTokens`
    /// (what `tokenizer.encode(text)` gives in `tokenizers`). For many texts keep one
    /// `makeEncoder()`: its word cache is what makes corpus encoding fast.
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> [Int32] {
        var encoder = makeEncoder()
        return encoder.encode(text, addSpecialTokens: addSpecialTokens)
    }

    public func makeEncoder() -> BPEEncoder { BPEEncoder(self) }

    /// The UTF-8 bytes of `ids` (ids outside the vocabulary are skipped, as `tokenizers` skips
    /// them); special tokens give their text unless `skipSpecialTokens`.
    public func decodeUTF8<S: Sequence>(_ ids: S, skipSpecialTokens: Bool = false) -> [UInt8] where S.Element == Int32 {
        var out: [UInt8] = []
        for id in ids where id >= 0 && Int(id) < vocabularySize {
            if skipSpecialTokens && isSpecial[Int(id)] { continue }
            out += decodeBytes[Int(decodeStarts[Int(id)])..<Int(decodeStarts[Int(id) + 1])]
        }
        return out
    }

    /// The text of `ids`; a sequence that ends inside a UTF-8 character (a sample cut short)
    /// shows U+FFFD for the incomplete part.
    public func decode<S: Sequence>(_ ids: S, skipSpecialTokens: Bool = false) -> String where S.Element == Int32 {
        String(decoding: decodeUTF8(ids, skipSpecialTokens: skipSpecialTokens), as: UTF8.self)
    }

    /// The ids of one word's bytes after merges, appended to `out` (`symbols` is scratch).
    func mergeWord(_ word: UnsafeBufferPointer<UInt8>, into out: inout [Int32], symbols: inout [Int32]) {
        if options.ignoreMerges, let id = wholeWordIDs[Array(word)] {
            out.append(id)
            return
        }
        symbols.removeAll(keepingCapacity: true)
        var unknownPending = false
        for b in word {
            let id = byteIDs[Int(b)]
            if id >= 0 {
                if unknownPending, let unk = options.unknownTokenID { symbols.append(unk) }
                unknownPending = false
                symbols.append(id)
            } else if let unk = options.unknownTokenID {
                if !options.fuseUnknown {
                    symbols.append(unk)
                } else {
                    unknownPending = true
                }
            }
        }
        if unknownPending, let unk = options.unknownTokenID { symbols.append(unk) }
        BPEWordMerger.merge(&symbols, merges)
        out += symbols
    }
}
