/// A smaller training set from the same corpus, for "more epochs over less text at equal
/// tokens" (the stability gap, Guo et al. 2024, arXiv 2406.14833, sec. 4; findings F14).
extension Corpus {
    /// The corpus with only `fraction` in (0, 1] of its training documents, evenly spaced in
    /// source order (document i is kept when floor((i + 1) f) > floor(i f), so every source file
    /// keeps its share), at least one; the validation documents are unchanged, so the
    /// downstream loss is measured on the same text as with the whole corpus. `fraction` 1
    /// returns the corpus itself.
    public func keepingTrainingFraction(_ fraction: Double) -> Corpus {
        guard fraction < 1 else { return self }
        let documents = documents(validation: false)
        var kept = documents.indices.filter { i in
            (Double(i + 1) * fraction).rounded(.down) > (Double(i) * fraction).rounded(.down)
        }
        if kept.isEmpty { kept = [0] }
        var train: [UInt8] = []
        var ends: [Int] = []
        for i in kept {
            train += documents[i]
            train += Corpus.documentSeparator
            ends.append(train.count)
        }
        let allTrainingBytes = documents.reduce(0) { $0 + $1.count }
        let keptBytes = kept.reduce(0) { $0 + documents[$1].count }
        return Corpus(name: name, files: files, trainTokens: train, validationTokens: validationTokens,
                      trainDocumentEnds: ends, validationDocumentEnds: validationDocumentEnds,
                      textByteCount: textByteCount - allTrainingBytes + keptBytes)
    }

    /// A corpus from its streams and document ends as they are.
    private init(name: String, files: [String], trainTokens: [UInt8], validationTokens: [UInt8],
                 trainDocumentEnds: [Int], validationDocumentEnds: [Int], textByteCount: Int) {
        self.name = name
        self.files = files
        self.trainTokens = trainTokens
        self.validationTokens = validationTokens
        self.trainDocumentCount = trainDocumentEnds.count
        self.validationDocumentCount = validationDocumentEnds.count
        self.textByteCount = textByteCount
        self.trainDocumentEnds = trainDocumentEnds
        self.validationDocumentEnds = validationDocumentEnds
    }
}
