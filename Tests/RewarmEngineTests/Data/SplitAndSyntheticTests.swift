import Foundation
import Testing
@testable import RewarmEngine

@Suite("Document split and synthetic corpora")
struct SplitAndSyntheticTests {
    @Test("The split holds out round(v N) documents, one per stratum, the same every time")
    func splitIsExactAndSpread() {
        let mask = DocumentSplit.validationMask(documentCount: 1_000, valSize: 0.05)
        #expect(mask == DocumentSplit.validationMask(documentCount: 1_000, valSize: 0.05))
        #expect(mask.filter { $0 }.count == 50)
        for k in 0..<50 { #expect(mask[(k * 20)..<((k + 1) * 20)].filter { $0 }.count == 1) }
        // Not a fixed stride: the held-out positions within strata vary.
        let positions = Set((0..<50).map { k in mask[(k * 20)..<((k + 1) * 20)].firstIndex(of: true)! - k * 20 })
        #expect(positions.count > 5)
        #expect(DocumentSplit.validationMask(documentCount: 2, valSize: 0.05).filter { $0 }.count == 1)
        #expect(DocumentSplit.validationMask(documentCount: 7, valSize: 0.5).filter { $0 }.count == 4)
    }

    @Test("Train and validation documents are disjoint, cover the corpus and keep its order")
    func splitIsDisjointAndComplete() throws {
        let corpus = try Corpus.load("synthetic:split:400", valSize: 0.1)
        let all = SyntheticCorpus.documents(name: "split", count: 400).map { String(decoding: $0, as: UTF8.self) }
        let mask = DocumentSplit.validationMask(documentCount: 400, valSize: 0.1)
        let train = documentTexts(of: corpus.trainTokens)
        let validation = documentTexts(of: corpus.validationTokens)
        #expect(train == all.indices.filter { !mask[$0] }.map { all[$0] })
        #expect(validation == all.indices.filter { mask[$0] }.map { all[$0] })
        #expect(train.count + validation.count == 400 && validation.count == 40)
        let again = try Corpus.load("synthetic:split:400", valSize: 0.1)
        #expect(again.trainTokens == corpus.trainTokens && again.validationTokens == corpus.validationTokens)
        #expect(again.fingerprint == corpus.fingerprint)
    }

    @Test("A synthetic corpus is about 200 KB in 2,000 documents, the same for the same name")
    func syntheticIsDeterministic() throws {
        let a = try Corpus.load("synthetic:alpha", valSize: 0.05)
        let b = try Corpus.load("synthetic:alpha", valSize: 0.05)
        #expect(a.documentCount == 2_000)
        #expect((150_000...260_000).contains(a.textByteCount))
        #expect(a.trainTokens == b.trainTokens && a.validationTokens == b.validationTokens)
        #expect(try Corpus.load("synthetic", valSize: 0.05).fingerprint
            == Corpus.load("synthetic:default", valSize: 0.05).fingerprint)
        #expect(try Corpus.load("synthetic:alpha:50", valSize: 0.1).documentCount == 50)
    }

    @Test("Two synthetic names give clearly different byte distributions")
    func syntheticNamesDiffer() throws {
        func histogram(_ name: String) -> [Double] {
            let bytes = SyntheticCorpus.documents(name: name, count: 500).joined()
            var h = [Double](repeating: 0, count: 256)
            for b in bytes { h[Int(b)] += 1 }
            return h.map { $0 / Double(bytes.count) }
        }
        let (p, q) = (histogram("upstream"), histogram("downstream"))
        let totalVariation = zip(p, q).reduce(0) { $0 + abs($1.0 - $1.1) } / 2
        #expect(totalVariation > 0.3)
        let (p2, p3) = (histogram("upstream"), histogram("upstream"))
        #expect(p2 == p3)
    }

    @Test("A synthetic corpus has learnable structure: few distinct words, each with few successors")
    func syntheticIsMarkov() {
        let text = SyntheticCorpus.documents(name: "markov", count: 300)
            .map { String(decoding: $0, as: UTF8.self).lowercased() }.joined(separator: " ")
        let words = text.split(separator: " ").map { $0.trimmingCharacters(in: .punctuationCharacters) }
        #expect(Set(words).count <= 48)
        var successors: [String: Set<String>] = [:]
        for (w, next) in zip(words, words.dropFirst()) { successors[w, default: []].insert(next) }
        // Within sentences at most 3 successors; sentence and document starts add at most 6 more.
        #expect(successors.values.allSatisfy { $0.count <= 9 })
    }
}
