/// A corpus as byte streams: the training documents and the validation documents, each
/// concatenated into one stream of byte tokens (`ByteTokenizer`). `TokenizedCorpus` turns it into
/// the id streams of any `TextTokenizer` (for `.bytes`, these very streams).
///
/// Every document is followed by `documentSeparator`, "\n\n" (a blank line): documents are
/// trimmed of trailing whitespace, so the separator is the only whitespace after each one and
/// the model sees a uniform end-of-document signal, and the streams read as `.txt` corpora.
/// Documents keep their source order (file after file) within each stream; which documents go
/// to validation is `DocumentSplit`'s rule, fixed by the corpus and `val_size` alone.
public struct Corpus: Sendable {
    /// The spec it was loaded from (e.g. `fortunes-en`, `data/wiki.jsonl`).
    public let name: String
    /// The files read, in order (empty for `synthetic`).
    public let files: [String]
    /// (N_train) the training documents' bytes, each followed by the separator.
    public let trainTokens: [UInt8]
    /// (N_val) the validation documents' bytes, each followed by the separator.
    public let validationTokens: [UInt8]
    public let trainDocumentCount: Int
    public let validationDocumentCount: Int
    /// Bytes of all documents after cleaning and trimming, without separators.
    public let textByteCount: Int
    /// (trainDocumentCount) where each training document ends in `trainTokens`, its separator
    /// included: document i is `trainTokens[ends[i - 1] ..< ends[i] - 2]` (ends[-1] = 0).
    public let trainDocumentEnds: [Int]
    /// (validationDocumentCount) the same for `validationTokens`.
    public let validationDocumentEnds: [Int]

    /// What follows every document in a token stream: a blank line, "\n\n".
    public static let documentSeparator: [UInt8] = [0x0A, 0x0A]

    public var documentCount: Int { trainDocumentCount + validationDocumentCount }

    /// Loads the corpus named by `spec` (see `CorpusSource`; a `[k/N]` suffix keeps one of N
    /// disjoint parts of it, see `CorpusPart`) and splits it by document, holding
    /// out the fraction `valSize` in (0, 0.5] for validation (`DocumentSplit`).
    ///
    /// `fortunesDirectory` is where the built-in fortune corpora are read, `licensesDirectory`
    /// where `licenses` is (tests point them at fixtures). Throws `CorpusError` for an unknown
    /// name, a missing or unreadable file, invalid UTF-8, a bad JSON line, a corpus with no
    /// documents, or fewer than two.
    public static func load(
        _ spec: String, valSize: Double, fortunesDirectory: String = FortuneCollection.defaultDirectory,
        licensesDirectory: String = LicenseCollection.defaultDirectory
    ) throws(CorpusError) -> Corpus {
        try DocumentSplit.validate(valSize: valSize)
        let (name, part) = try CorpusPart.parse(spec)
        let source = try CorpusSource(spec: name)
        let (documents, files) = try source.read(
            fortunesDirectory: fortunesDirectory, licensesDirectory: licensesDirectory)
        return try Corpus(name: spec, documents: part?.select(documents) ?? documents, valSize: valSize, files: files)
    }

    /// A corpus from documents already in memory (UTF-8 bytes each), split by `DocumentSplit`.
    /// Empty documents are dropped.
    public init(name: String, documents: [[UInt8]], valSize: Double, files: [String] = []) throws(CorpusError) {
        try DocumentSplit.validate(valSize: valSize)
        let kept = documents.filter { !$0.isEmpty }
        if kept.isEmpty {
            throw .emptyCorpus(name: name, reason: "no documents (every entry is empty or the source holds none)")
        }
        if kept.count < 2 { throw .tooFewDocuments(name: name, count: kept.count) }
        let isValidation = DocumentSplit.validationMask(documentCount: kept.count, valSize: valSize)
        let textBytes = kept.reduce(0) { $0 + $1.count }
        let validationCount = isValidation.reduce(0) { $0 + ($1 ? 1 : 0) }
        let separator = Corpus.documentSeparator
        var train: [UInt8] = []
        var validation: [UInt8] = []
        var trainEnds: [Int] = []
        var validationEnds: [Int] = []
        train.reserveCapacity(textBytes + separator.count * kept.count)
        for (i, document) in kept.enumerated() {
            if isValidation[i] {
                validation += document
                validation += separator
                validationEnds.append(validation.count)
            } else {
                train += document
                train += separator
                trainEnds.append(train.count)
            }
        }
        self.name = name
        self.files = files
        self.trainTokens = train
        self.validationTokens = validation
        self.trainDocumentCount = kept.count - validationCount
        self.validationDocumentCount = validationCount
        self.textByteCount = textBytes
        self.trainDocumentEnds = trainEnds
        self.validationDocumentEnds = validationEnds
    }

    /// The documents of the training (or validation) stream in order, as UTF-8 bytes without
    /// their separators.
    public func documents(validation: Bool) -> [ArraySlice<UInt8>] {
        let stream = validation ? validationTokens : trainTokens
        let ends = validation ? validationDocumentEnds : trainDocumentEnds
        var start = 0
        return ends.map { end in
            defer { start = end }
            return stream[start..<(end - Corpus.documentSeparator.count)]
        }
    }

    /// FNV-1a (64-bit) of the training then the validation stream: equal fingerprints mean the
    /// same data and split, so runs on different machines can check they saw the same corpus.
    public var fingerprint: UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for stream in [trainTokens, validationTokens] {
            stream.withUnsafeBufferPointer { b in
                for byte in b { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            }
            h = (h ^ 0xFF) &* 0x0000_0100_0000_01B3  // stream boundary
        }
        return h
    }
}
