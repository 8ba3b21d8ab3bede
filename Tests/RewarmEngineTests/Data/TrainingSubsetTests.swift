import Foundation
import Testing
@testable import RewarmEngine

@Suite("A training subset (train_fraction)")
struct TrainingSubsetTests {
    @Test("a quarter keeps every fourth training document and leaves validation as it was")
    func quarter() throws {
        let whole = try Corpus.load("synthetic:subset:400", valSize: 0.1)
        let quarter = whole.keepingTrainingFraction(0.25)
        let all = whole.documents(validation: false)
        let kept = quarter.documents(validation: false)
        #expect(kept.count == all.count / 4)
        // Evenly spaced: document i is kept when floor((i + 1) / 4) > floor(i / 4), i.e. i = 3, 7, ...
        #expect(kept.map { Array($0) } == stride(from: 3, to: all.count, by: 4).map { Array(all[$0]) })
        #expect(quarter.validationTokens == whole.validationTokens)
        #expect(quarter.validationDocumentCount == whole.validationDocumentCount)
        let keptBytes = kept.reduce(0) { $0 + $1.count }
        let validationBytes = whole.documents(validation: true).reduce(0) { $0 + $1.count }
        #expect(quarter.textByteCount == keptBytes + validationBytes)
        #expect(quarter.trainTokens.count == keptBytes + 2 * kept.count)
    }

    @Test("fraction 1 is the corpus itself and a tiny fraction keeps one document")
    func extremes() throws {
        let whole = try Corpus.load("synthetic:subset:50", valSize: 0.1)
        #expect(whole.keepingTrainingFraction(1).fingerprint == whole.fingerprint)
        #expect(whole.keepingTrainingFraction(1e-6).trainDocumentCount == 1)
    }

    @Test("train_fraction outside (0, 1] is refused naming the key")
    func badValue() {
        for bad in ["0", "1.5", "-0.1"] {
            #expect(throws: ConfigError.self) {
                _ = try RunConfig.load(yaml: "dataset: fortunes-en\ntrain_fraction: \(bad)\n", source: "config.yaml")
            }
        }
    }

    @Test("train_fraction at its default is left out of the resolved config, so run names do not change")
    func omittedAtDefault() throws {
        let plain = try RunConfig.load(yaml: "dataset: fortunes-en\n", source: "config.yaml")
        let explicit = try RunConfig.load(yaml: "dataset: fortunes-en\ntrain_fraction: 1\n", source: "config.yaml")
        #expect(!plain.yaml().contains("train_fraction"))
        #expect(plain.yaml() == explicit.yaml())
        let subset = try RunConfig.load(yaml: "dataset: fortunes-en\ntrain_fraction: 0.25\n", source: "config.yaml")
        #expect(subset.yaml().contains("train_fraction: 0.25"))
    }
}
