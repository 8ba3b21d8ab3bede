import Foundation

/// Runs a sweep on a Slurm cluster: the base as one job (unless cached), the trials as one job
/// array whose task i runs `rewarm run-trial` on the i-th run folder of a task file written next
/// to the batch script. Trials still queued or running from an earlier submission are followed,
/// not submitted again. Unless `detach`, the sweep then follows the jobs (`SlurmFollower`),
/// ingesting each run folder as it changes.
struct SlurmExecutor: TrialExecutor {
    let options: SlurmOptions
    let commands = SlurmCommands()

    /// `RESULTS/SWEEP/slurm`: batch scripts, task files, `jobs.json`, `logs/`.
    static func folder(sweepDirectory: URL) -> URL { sweepDirectory.appendingPathComponent("slurm") }

    func execute(
        _ plan: SweepPlan, runner: any SweepWorkspace,
        onEvent: @escaping @Sendable (SweepEvent) -> Void, shouldStop: @escaping @Sendable () -> Bool
    ) async throws(SweepError) -> ExecutionOutcome {
        let folder = Self.folder(sweepDirectory: runner.sweepDirectory)
        do {
            try await SlurmPreflight.check(
                options, slurmFolder: folder, executable: runner.executable, commands: commands)
        } catch {
            throw .slurm(error)
        }
        var ledger = SlurmLedger.load(from: folder)
        let queue: SlurmQueue
        do { queue = try await SlurmQueue.query(commands) } catch { throw .slurm(error) }

        // Jobs of an earlier run still in Slurm's hands are followed, never submitted twice.
        var baseJob = ledger.base.flatMap { queue.isActive(job: $0.job, index: nil) ? $0.job : nil }
        var following: [String: (job: String, index: Int)] = [:]
        for trial in plan.todo {
            if let ref = ledger.latestTask(of: trial.id), queue.isActive(job: ref.job, index: ref.index) {
                following[trial.id] = ref
            }
        }
        let toSubmit = plan.todo.filter { following[$0.id] == nil }
        let baseWanted = !plan.baseCached && toSubmit.contains { $0.usesBase }
        onEvent(.planned(trials: plan.trialCount, done: plan.trialCount - plan.todo.count, toRun: plan.todo.count,
                         baseCached: !baseWanted && baseJob == nil))

        var outcome = ExecutionOutcome()
        var validated = false
        if baseWanted && baseJob == nil {
            _ = try runner.beginBase()
            let script = BatchScript.base(hash: runner.baseHash, directory: runner.baseDirectory,
                                          logs: folder.appendingPathComponent("logs"), options: options,
                                          executable: runner.executable)
            let file = folder.appendingPathComponent("base-\(runner.baseHash.prefix(8)).sbatch")
            let job = try await submit(script, to: file, dependency: nil, validate: true)
            validated = true
            baseJob = job
            ledger.base = .init(job: job, script: file.path, submittedAt: Date(), trials: [])
            try save(ledger, in: folder)
            onEvent(.slurmSubmitted(jobID: job, tasks: 0, script: file.path))
            outcome.baseTrained = true
        } else if let baseJob {
            onEvent(.slurmFollowing(jobID: baseJob, tasks: 0))
        }

        var prepared: [Trial] = []
        for trial in toSubmit {
            do {
                _ = try runner.prepareTrial(trial)
                prepared.append(trial)
                ledger.ended[trial.id] = nil
            } catch {
                runner.markFailed(trial, error: "\(error)")
                onEvent(.trialFinished(id: trial.id, label: trial.label,
                                       status: TrialStatus(state: .failed, error: "\(error)", step: 0)))
            }
        }
        if !prepared.isEmpty {
            let number = String(format: "%03d", ledger.arrays.count + 1)
            let tasks = folder.appendingPathComponent("array-\(number).tasks")
            let file = folder.appendingPathComponent("array-\(number).sbatch")
            do {
                try Data((prepared.map { runner.trialDirectory($0).path }.joined(separator: "\n") + "\n").utf8)
                    .write(to: tasks, options: .atomic)
            } catch {
                throw .io(path: tasks.path, reason: error.localizedDescription)
            }
            let script = BatchScript.array(sweep: runner.sweepName, count: prepared.count, tasksFile: tasks,
                                           logs: folder.appendingPathComponent("logs"), options: options,
                                           executable: runner.executable)
            let waitFor = prepared.contains { $0.usesBase } ? baseJob : nil
            let job = try await submit(script, to: file, dependency: waitFor, validate: !validated)
            ledger.arrays.append(.init(job: job, script: file.path, submittedAt: Date(), trials: prepared.map(\.id)))
            try save(ledger, in: folder)
            onEvent(.slurmSubmitted(jobID: job, tasks: prepared.count, script: file.path))
            for (i, trial) in prepared.enumerated() { following[trial.id] = (job, i) }
        }
        for (job, ids) in Dictionary(grouping: plan.todo.filter { following[$0.id] != nil && !prepared.contains($0) },
                                     by: { following[$0.id]!.job }) {
            onEvent(.slurmFollowing(jobID: job, tasks: ids.count))
        }
        if options.detach {
            outcome.detached = true
            return outcome
        }
        let follower = SlurmFollower(
            runner: runner, commands: commands, folder: folder, pollSeconds: options.pollSeconds)
        let trials = plan.todo.compactMap { t in following[t.id].map { (t, $0) } }
        let detached = try await follower.follow(
            base: baseJob, trials: trials, onEvent: onEvent, shouldStop: shouldStop)
        outcome.detached = detached
        return outcome
    }

    /// Writes `script` to `file` and submits it (`sbatch --parsable`, after `sbatch --test-only`
    /// when `validate`), returning the job id; sbatch's own refusal becomes `rejected`.
    private func submit(
        _ script: String, to file: URL, dependency: String?, validate: Bool
    ) async throws(SweepError) -> String {
        do {
            try Data((script + "\n").utf8).write(to: file, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        } catch {
            throw .io(path: file.path, reason: error.localizedDescription)
        }
        do {
            if validate {
                let test = try await commands.run("sbatch", ["--test-only", file.path])
                guard test.succeeded else { throw SlurmError.rejected(message: test.message("sbatch")) }
            }
            var arguments = ["--parsable"]
            if let dependency { arguments += ["--dependency=afterok:\(dependency)", "--kill-on-invalid-dep=yes"] }
            let out = try await commands.run("sbatch", arguments + [file.path])
            guard out.succeeded else { throw SlurmError.rejected(message: out.message("sbatch")) }
            // --parsable prints `JOBID` or `JOBID;CLUSTER`.
            guard let job = out.stdout.split(whereSeparator: \.isNewline).last?
                      .split(separator: ";").first.map(String.init),
                  !job.isEmpty, job.allSatisfy(\.isNumber)
            else { throw SlurmError.failed(tool: "sbatch", message: "unexpected output '\(out.stdout)'") }
            return job
        } catch let e as SlurmError {
            throw .slurm(e)
        } catch {
            throw .slurm(.failed(tool: "sbatch", message: "\(error)"))
        }
    }

    private func save(_ ledger: SlurmLedger, in folder: URL) throws(SweepError) {
        do { try ledger.save(to: folder) } catch {
            throw .io(path: folder.appendingPathComponent(SlurmLedger.fileName).path,
                      reason: error.localizedDescription)
        }
    }
}
