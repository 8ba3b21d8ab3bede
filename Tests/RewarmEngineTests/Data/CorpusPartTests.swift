import Foundation
import Testing
@testable import RewarmEngine

@Suite("Corpus parts")
struct CorpusPartTests {
    @Test("the parts of a corpus are disjoint, cover it, and differ in size by at most one")
    func disjointCover() throws {
        let documents = (0..<103).map { [UInt8]("document \($0)".utf8) }
        let parts = (1...3).map { CorpusPart(index: $0, count: 3).select(documents) }
        #expect(parts.map(\.count).max()! - parts.map(\.count).min()! <= 1)
        let all = parts.flatMap { $0 }
        #expect(all.count == documents.count)
        #expect(Set(all.map { String(decoding: $0, as: UTF8.self) }).count == documents.count)
    }

    @Test("a part is not a periodic pattern of the document order")
    func notPeriodic() {
        let indices = Array(0..<400)
        let half = CorpusPart(index: 1, count: 2).select(indices)
        #expect(half != indices.filter { $0 % 2 == 0 } && half != indices.filter { $0 % 2 == 1 })
        // Stratified: each block of 2 gives exactly one document to the part.
        #expect(zip(half, 0...).allSatisfy { index, block in index / 2 == block })
    }

    @Test("a [k/N] suffix loads that part, split into train and validation like any corpus")
    func loadsPart() throws {
        let whole = try Corpus.load("synthetic:parts:300", valSize: 0.1)
        let one = try Corpus.load("synthetic:parts:300[1/2]", valSize: 0.1)
        let two = try Corpus.load("synthetic:parts:300[2/2]", valSize: 0.1)
        #expect(one.documentCount == 150 && two.documentCount == 150)
        #expect(one.name == "synthetic:parts:300[1/2]")
        #expect(one.textByteCount + two.textByteCount == whole.textByteCount)
        #expect(one.fingerprint != two.fingerprint)
    }

    @Test("a malformed part suffix is refused with the spec and what a suffix looks like",
          arguments: ["fortunes-en[0/2]", "fortunes-en[3/2]", "fortunes-en[1/1]", "fortunes-en[a/2]", "[1/2]"])
    func malformed(spec: String) {
        #expect {
            _ = try CorpusPart.parse(spec)
        } throws: { error in
            guard let e = error as? CorpusError, case .invalidSetting(let key, _, _) = e else { return false }
            return key == spec
        }
    }
}
