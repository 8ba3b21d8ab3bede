import Foundation
import Testing
@testable import RewarmStore

@Suite("Results store: sweeps, bases and trials")
struct StoreTrialTests {
    @Test("Registering trials again never resets a completed trial")
    func completedTrialIsNotReset() throws {
        // Given two registered trials, one completed
        let store = try StoreFixtures.storeWithSweep(.inMemory())
        #expect(try store.registerTrials([StoreFixtures.trial("a", position: 0), StoreFixtures.trial("b", position: 1)]) == 2)
        try store.setTrialState(id: "a", state: .completed, finishedAt: StoreFixtures.day, wallSeconds: 12)
        let before = try #require(try store.trial(id: "a"))
        // When the same expansion plus a new trial is registered
        let added = try store.registerTrials([StoreFixtures.trial("a", position: 0), StoreFixtures.trial("b", position: 1),
                                              StoreFixtures.trial("c", position: 2)])
        // Then only the new one is inserted and the completed trial is unchanged
        #expect(added == 1)
        #expect(try store.trial(id: "a") == before)
        #expect(before.state == .completed && before.wallSeconds == 12)
        #expect(try store.trials(sweep: StoreFixtures.sweepName).map(\.id) == ["a", "b", "c"])
    }

    @Test("Trials of an unrecorded sweep are refused, and none of the batch is written")
    func unknownSweep() throws {
        // Given a store with the sweep max-lr only
        let store = try StoreFixtures.storeWithSweep(.inMemory())
        var stray = StoreFixtures.trial("s", position: 1)
        stray.sweep = "other"
        // When a batch mixes a valid trial and one of an unknown sweep, Then it is refused whole
        #expect(throws: StoreError.unknownSweep(path: ":memory:", name: "other")) {
            try store.registerTrials([StoreFixtures.trial("a", position: 0), stray])
        }
        #expect(try store.trials(sweep: StoreFixtures.sweepName).isEmpty)
    }

    @Test("Trial states: start facts are kept, outcome facts replaced, unknown ids refused")
    func trialStateTransitions() throws {
        // Given a trial launched on host-a
        let store = try StoreFixtures.storeWithSweep(.inMemory())
        try store.registerTrials([StoreFixtures.trial("a", position: 0)])
        try store.setTrialState(id: "a", state: .running, startedAt: StoreFixtures.day, host: "host-a")
        // When it diverges at step 40
        try store.setTrialState(id: "a", state: .diverged, error: "loss is NaN", divergedStep: 40,
                                finishedAt: StoreFixtures.day.addingTimeInterval(60), wallSeconds: 60)
        var trial = try #require(try store.trial(id: "a"))
        // Then the start facts remain and the outcome is recorded
        #expect(trial.state == .diverged && trial.divergedStep == 40 && trial.error == "loss is NaN")
        #expect(trial.startedAt == StoreFixtures.day && trial.host == "host-a")
        #expect(trial.finishedAt == StoreFixtures.day.addingTimeInterval(60) && trial.wallSeconds == 60)
        // When it is relaunched, Then the old outcome is cleared
        try store.setTrialState(id: "a", state: .running, startedAt: StoreFixtures.day.addingTimeInterval(100))
        trial = try #require(try store.trial(id: "a"))
        #expect(trial.state == .running && trial.error == nil && trial.divergedStep == nil)
        #expect(trial.finishedAt == nil && trial.wallSeconds == nil && trial.host == "host-a")
        #expect(throws: StoreError.unknownTrial(path: ":memory:", id: "zz")) {
            try store.setTrialState(id: "zz", state: .failed)
        }
    }

    @Test("Counts tally a sweep's trials by state, zeros included, and filter by state")
    func countsByState() throws {
        // Given four trials: two completed, one failed, one pending
        let store = try StoreFixtures.storeWithSweep(.inMemory())
        try store.registerTrials((0..<4).map { StoreFixtures.trial("t\($0)", position: $0) })
        try store.setTrialState(id: "t0", state: .completed)
        try store.setTrialState(id: "t2", state: .completed)
        try store.setTrialState(id: "t3", state: .failed, error: "exit 1")
        // Then
        let counts = try store.counts(sweep: StoreFixtures.sweepName)
        #expect(counts == [.pending: 1, .running: 0, .completed: 2, .failed: 1, .diverged: 0])
        #expect(try store.trials(sweep: StoreFixtures.sweepName, state: .completed).map(\.id) == ["t0", "t2"])
        #expect(try store.counts(sweep: "other").values.allSatisfy { $0 == 0 })
    }

    @Test("Upserting a sweep keeps its creation time and refreshes its spec")
    func sweepUpsert() throws {
        // Given a sweep recorded on day 0
        let store = try StoreFixtures.storeWithSweep(.inMemory())
        let later = StoreFixtures.day.addingTimeInterval(86_400)
        // When it is recorded again a day later with a new spec
        try store.upsertSweep(name: StoreFixtures.sweepName, specText: "name: max-lr\nseeds: [1]\n",
                              specHash: "a2", trialSetHash: "t2", at: later)
        // Then one row, created on day 0, updated on day 1, with the new spec
        let sweeps = try store.sweeps()
        #expect(sweeps.count == 1)
        #expect(sweeps[0].createdAt == StoreFixtures.day && sweeps[0].updatedAt == later)
        #expect(sweeps[0].specHash == "a2" && sweeps[0].trialSetHash == "t2")
        #expect(try store.sweep(named: "nope") == nil)
    }

    @Test("Upserting a base never resets a completed one")
    func baseUpsert() throws {
        // Given a base that finished pre-training
        let store = try ResultsStore.inMemory()
        let first = try store.upsertBase(hash: "b0", configJSON: #"{"max_steps":2000}"#, runDir: "bases/b0")
        #expect(first.state == .pending)
        try store.setBaseState(hash: "b0", state: .completed, wallSeconds: 300, finishedAt: StoreFixtures.day)
        // When a second sweep names the same base
        let again = try store.upsertBase(hash: "b0", configJSON: #"{"max_steps":2000}"#, runDir: "bases/b0")
        // Then it gets the completed row back
        #expect(again.state == .completed && again.wallSeconds == 300 && again.finishedAt == StoreFixtures.day)
        #expect(throws: StoreError.unknownBase(path: ":memory:", hash: "b9")) {
            try store.setBaseState(hash: "b9", state: .running)
        }
    }
}
