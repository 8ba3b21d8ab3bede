import Foundation

/// Runs a sweep on this machine: the base in one child process, then the trials `jobs` at a
/// time, each a child process `rewarm run-trial DIR` (one BLAS thread), ingesting a trial's
/// metrics at every evaluation and its final state when it ends.
struct LocalExecutor: TrialExecutor {
    func execute(
        _ plan: SweepPlan, runner: any SweepWorkspace,
        onEvent: @escaping @Sendable (SweepEvent) -> Void, shouldStop: @escaping @Sendable () -> Bool
    ) async throws(SweepError) -> ExecutionOutcome {
        onEvent(.planned(trials: plan.trialCount, done: plan.trialCount - plan.todo.count, toRun: plan.todo.count,
                         baseCached: plan.baseCached || !plan.baseNeeded))
        var outcome = ExecutionOutcome()
        if plan.baseNeeded && !plan.baseCached {
            try await trainBase(runner: runner, onEvent: onEvent, shouldStop: shouldStop)
            outcome.baseTrained = true
        }
        if !shouldStop() {
            await runTrials(plan.todo, runner: runner, onEvent: onEvent, shouldStop: shouldStop)
        }
        return outcome
    }

    func trainBase(runner: any SweepWorkspace, onEvent: @escaping @Sendable (SweepEvent) -> Void,
                   shouldStop: @escaping @Sendable () -> Bool) async throws(SweepError) {
        let config = try runner.beginBase()
        let directory = runner.baseDirectory
        let executable = runner.executable
        onEvent(.baseStarted(directory: directory.path, maxSteps: config.maxSteps))
        let outcome: ChildRun.Outcome
        do {
            outcome = try await ChildRun.run(executable: executable, directory: directory,
                                             onProgress: { onEvent(.baseProgress($0)) }, shouldStop: shouldStop)
        } catch {
            throw .base("cannot start \(executable.path): \(error)")
        }
        let status = TrialStatus.read(in: directory)
            ?? TrialStatus(state: .failed, error: ChildRun.describe(outcome, log: directory), step: 0)
        onEvent(.baseFinished(status))
        try runner.finishBase(status, stopping: shouldStop())
    }

    func runTrials(_ trials: [Trial], runner: any SweepWorkspace, onEvent: @escaping @Sendable (SweepEvent) -> Void,
                   shouldStop: @escaping @Sendable () -> Bool) async {
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func launch() {
                guard next < trials.count, !shouldStop() else { return }
                let trial = trials[next]
                next += 1
                group.addTask { await self.runTrial(trial, runner: runner, onEvent: onEvent, shouldStop: shouldStop) }
            }
            for _ in 0..<max(1, runner.jobs) { launch() }
            while await group.next() != nil { launch() }
        }
    }

    func runTrial(_ trial: Trial, runner: any SweepWorkspace, onEvent: @escaping @Sendable (SweepEvent) -> Void,
                  shouldStop: @escaping @Sendable () -> Bool) async {
        let dir = runner.trialDirectory(trial)
        let label = trial.label
        do {
            _ = try runner.prepareTrial(trial)
            try runner.markRunning(trial, host: ProcessInfo.processInfo.hostName)
        } catch {
            runner.markFailed(trial, error: "\(error)")
            onEvent(.trialFinished(id: trial.id, label: label,
                                   status: TrialStatus(state: .failed, error: "\(error)", step: 0)))
            return
        }
        onEvent(.trialStarted(id: trial.id, label: label))
        let executable = runner.executable
        let outcome = try? await ChildRun.run(
            executable: executable, directory: dir,
            onProgress: { p in
                if p.kind == "eval" { runner.ingestProgress(trial) }
                onEvent(.trialProgress(id: trial.id, p))
            },
            shouldStop: shouldStop)
        var status = TrialStatus.read(in: dir)
            ?? TrialStatus(
                state: .failed,
                error: outcome.map { ChildRun.describe($0, log: dir) } ?? "could not start \(executable.path)",
                step: 0)
        if status.state == .failed, status.error == nil {
            status.error = ChildRun.tail(dir.appendingPathComponent("trial.log"))
        }
        // The trial's own status.json is the record; a crash leaves none, so write what we saw.
        if TrialStatus.read(in: dir) == nil { try? status.write(in: dir) }
        runner.finishTrial(trial.id, directory: dir)
        onEvent(.trialFinished(id: trial.id, label: label, status: status))
    }
}
