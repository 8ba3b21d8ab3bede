import Foundation
import RewarmEngine
import Testing
@testable import RewarmStore

@Suite("Results store: metrics ingestion and views")
struct StoreMetricsTests {
    private func storeWithTrial() throws -> ResultsStore {
        let store = try StoreFixtures.storeWithSweep(.inMemory())
        try store.registerTrials([StoreFixtures.trial("t0", position: 0)])
        return store
    }

    @Test("Ingesting the same metrics file twice leaves one row per step")
    func ingestTwice() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Given a trial and its metrics file with steps 0, 10, 20
        let store = try storeWithTrial()
        let file = folder.file("metrics.jsonl")
        try StoreFixtures.writeMetrics(file, steps: [0, 10, 20])
        // When it is ingested twice
        let first = try store.ingestMetrics(trialID: "t0", from: file)
        let second = try store.ingestMetrics(trialID: "t0", from: file)
        // Then each run wrote 3 rows and the table holds exactly one row per step, as in the file
        #expect(first == 3 && second == 3)
        let rows = try store.metrics(trialID: "t0")
        #expect(rows.map(\.step) == [0, 10, 20])
        #expect(rows == [0, 10, 20].map { StoreFixtures.record(step: $0) })
    }

    @Test("A re-evaluated step replaces its row instead of adding one")
    func resumedRunReplacesRows() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Given steps 0 and 10 ingested
        let store = try storeWithTrial()
        let file = folder.file("metrics.jsonl")
        try StoreFixtures.writeMetrics(file, steps: [0, 10])
        try store.ingestMetrics(trialID: "t0", from: file)
        // When the resumed run rewrote step 10 with other numbers and added step 20
        var redone = StoreFixtures.record(step: 10)
        redone.downstreamLoss = 1.25
        let text = try StoreFixtures.line(StoreFixtures.record(step: 0)) + StoreFixtures.line(redone)
            + StoreFixtures.line(StoreFixtures.record(step: 20))
        try Data(text.utf8).write(to: file)
        try store.ingestMetrics(trialID: "t0", from: file)
        // Then step 10 holds the new value, once
        let rows = try store.metrics(trialID: "t0")
        #expect(rows.map(\.step) == [0, 10, 20])
        #expect(rows[1].downstreamLoss == 1.25)
    }

    @Test("A torn last line is skipped, and ingested once the run writes it whole")
    func tornLastLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Given a file whose last line was cut mid-write (no newline, not valid JSON)
        let store = try storeWithTrial()
        let file = folder.file("metrics.jsonl")
        let whole = try StoreFixtures.line(StoreFixtures.record(step: 20))
        try StoreFixtures.writeMetrics(file, steps: [0, 10], tail: String(whole.prefix(30)))
        // When it is ingested, Then the two whole lines are written and the torn one skipped
        #expect(try store.ingestMetrics(trialID: "t0", from: file) == 2)
        #expect(try store.metrics(trialID: "t0").map(\.step) == [0, 10])
        // When the line is later complete, Then it is ingested
        try StoreFixtures.writeMetrics(file, steps: [0, 10, 20])
        #expect(try store.ingestMetrics(trialID: "t0", from: file) == 3)
        #expect(try store.metrics(trialID: "t0").map(\.step) == [0, 10, 20])
    }

    @Test("A bad complete line is an error naming the file and line, and writes nothing")
    func badCompleteLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Given a file whose second line lacks downstream_loss, and one with a torn line in the middle
        let store = try storeWithTrial()
        let file = folder.file("metrics.jsonl")
        try StoreFixtures.writeMetrics(file, steps: [0], tail: #"{"step": 10, "tokens": 5}"# + "\n")
        // When it is ingested, Then the error names file:2 and the missing key, and no row is written
        let error = #expect(throws: StoreError.self) { try store.ingestMetrics(trialID: "t0", from: file) }
        #expect(error == .invalidMetrics(path: file.path, line: 2, reason: "missing key 'learning_rate'"))
        #expect(error?.description.hasSuffix("metrics.jsonl:2: invalid metrics line: missing key 'learning_rate'") == true)
        #expect(try store.metrics(trialID: "t0").isEmpty)
        // And a cut line followed by more lines is not "torn": it is an error too
        try StoreFixtures.writeMetrics(file, steps: [0], tail: "{\"step\": 1\n" + StoreFixtures.line(StoreFixtures.record(step: 20)))
        #expect(throws: StoreError.invalidMetrics(path: file.path, line: 2, reason: "not a JSON object")) {
            try store.ingestMetrics(trialID: "t0", from: file)
        }
    }

    @Test("A missing metrics file writes nothing, an unregistered trial is refused")
    func missingFileAndUnknownTrial() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try storeWithTrial()
        let file = folder.file("metrics.jsonl")
        // Given no file, Then nothing is written
        #expect(try store.ingestMetrics(trialID: "t0", from: file) == 0)
        // Given a file but an unknown trial id, Then the store refuses it by name
        try StoreFixtures.writeMetrics(file, steps: [0])
        #expect(throws: StoreError.unknownTrial(path: ":memory:", id: "nope")) {
            try store.ingestMetrics(trialID: "nope", from: file)
        }
    }

    @Test("Base metrics are ingested once per step, and only for a recorded base")
    func baseMetrics() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Given a recorded base and its metrics file
        let store = try ResultsStore.inMemory()
        try store.upsertBase(hash: "b0", configJSON: "{}", runDir: "bases/b0")
        let file = folder.file("metrics.jsonl")
        try StoreFixtures.writeMetrics(file, steps: [0, 100, 200])
        // When ingested twice, Then one row per step
        try store.ingestBaseMetrics(baseHash: "b0", from: file)
        try store.ingestBaseMetrics(baseHash: "b0", from: file)
        #expect(try store.baseMetrics(baseHash: "b0").map(\.step) == [0, 100, 200])
        #expect(throws: StoreError.unknownBase(path: ":memory:", hash: "b1")) {
            try store.ingestBaseMetrics(baseHash: "b1", from: file)
        }
    }

    @Test("The views return each trial's last step, and no step before the first evaluation")
    func viewsReturnLastStep() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Given three trials: one evaluated to step 20, one to step 10 (out of order in its file), one never
        let store = try StoreFixtures.storeWithSweep(.inMemory())
        try store.registerTrials([StoreFixtures.trial("a", position: 0), StoreFixtures.trial("b", position: 1),
                                  StoreFixtures.trial("c", position: 2, name: "scratch")])
        let fileA = folder.file("a.jsonl"), fileB = folder.file("b.jsonl")
        try StoreFixtures.writeMetrics(fileA, steps: [0, 10, 20])
        try StoreFixtures.writeMetrics(fileB, steps: [10, 0])
        try store.ingestMetrics(trialID: "a", from: fileA)
        try store.ingestMetrics(trialID: "b", from: fileB)
        try store.setTrialState(id: "a", state: .completed, wallSeconds: 9.5)
        // Then final_metric holds the last rows
        #expect(try store.finalMetric(trialID: "a") == StoreFixtures.record(step: 20))
        #expect(try store.finalMetric(trialID: "b") == StoreFixtures.record(step: 10))
        #expect(try store.finalMetric(trialID: "c") == nil)
        // And trial_summary joins them with the trials, in expansion order
        let summaries = try store.summaries(sweep: StoreFixtures.sweepName)
        #expect(summaries.map(\.id) == ["a", "b", "c"])
        #expect(summaries.map(\.step) == [20, 10, nil])
        #expect(summaries[0].downstreamLoss == StoreFixtures.record(step: 20).downstreamLoss)
        #expect(summaries[0].wallSeconds == 9.5) // the process's seconds once finished
        #expect(summaries[1].wallSeconds == StoreFixtures.record(step: 10).wallSeconds)
        #expect(summaries[2].name == "scratch" && summaries[2].state == .pending)
    }
}
