import Foundation
import Testing
@testable import RewarmStore
@testable import RewarmSweep

@Suite("Slurm executor parts (no cluster needed)")
struct SlurmPartsTests {
    @Test("squeue lines become array tasks and plain jobs keyed JOB_INDEX or JOB, with active and ended states told apart")
    func queueParsing() {
        let queue = SlurmQueue.parse("""
            12|0|RUNNING|node-a|None
            12|1|PENDING||JobArrayTaskLimit
            12|2|TIMEOUT|node-b|TimeLimit
            11|N/A|COMPLETED|node-a|None
            garbage line
            """)
        #expect(queue.tasks.count == 4)
        #expect(queue.task(job: "12", index: 0)?.node == "node-a")
        #expect(queue.isActive(job: "12", index: 0) && queue.isActive(job: "12", index: 1))
        #expect(!queue.isActive(job: "12", index: 2) && !queue.isActive(job: "11", index: nil))
        #expect(queue.task(job: "11", index: nil)?.state == "COMPLETED")
        #expect(queue.task(job: "12", index: 3) == nil)
        #expect(SlurmQueue.resumableStates.contains("TIMEOUT") && !SlurmQueue.resumableStates.contains("FAILED"))
    }

    @Test("sbatch's own error lines are passed on without their prefix, in one line")
    func sbatchMessages() {
        let partition = SlurmCommands.Output(exitCode: 1, stdout: "", stderr: """
            sbatch: error: invalid partition specified: nope
            sbatch: error: Batch job submission failed: Invalid partition name specified

            """)
        #expect(partition.message("sbatch") == "invalid partition specified: nope; Batch job submission failed: Invalid partition name specified")
        let option = SlurmCommands.Output(exitCode: 1, stdout: "", stderr: "sbatch: unrecognized option '--bogus'\nTry \"sbatch --help\" for more information\n")
        #expect(option.message("sbatch") == "unrecognized option '--bogus'; Try \"sbatch --help\" for more information")
        #expect(SlurmCommands.Output(exitCode: 3, stdout: "", stderr: "").message("sbatch") == "exit code 3")
    }

    @Test("The array script throttles with %K, maps task i to line i+1 of its task file and becomes run-trial")
    func arrayScript() {
        var options = SlurmOptions()
        options.partition = "cpu"
        options.time = "1:00:00"
        options.mem = "2G"
        options.maxParallel = 4
        options.cpusPerTask = 2
        options.sbatchArgs = ["--qos=normal"]
        let script = BatchScript.array(sweep: "max-lr", count: 27, tasksFile: URL(fileURLWithPath: "/r/max-lr/slurm/array-001.tasks"),
                                       logs: URL(fileURLWithPath: "/r/max-lr/slurm/logs"), options: options,
                                       executable: URL(fileURLWithPath: "/opt/rewarm/bin/rewarm"))
        let lines = script.split(separator: "\n").map(String.init)
        #expect(lines.first == "#!/bin/bash")
        for expected in ["#SBATCH --array=0-26%4", "#SBATCH --partition=cpu", "#SBATCH --time=1:00:00", "#SBATCH --mem=2G",
                         "#SBATCH --cpus-per-task=2", "#SBATCH --qos=normal", "#SBATCH --output=/r/max-lr/slurm/logs/%A_%a.out",
                         "TASKS='/r/max-lr/slurm/array-001.tasks'"] {
            #expect(lines.contains(expected), "\(expected) missing from:\n\(script)")
        }
        #expect(script.contains("$((SLURM_ARRAY_TASK_ID + 1))p"))
        #expect(lines.last == "exec '/opt/rewarm/bin/rewarm' run-trial \"$RUN\" >/dev/null")
        // Every #SBATCH line comes before the first command, or sbatch ignores it.
        let lastOption = lines.lastIndex { $0.hasPrefix("#SBATCH") }!
        let firstCommand = lines.firstIndex { !$0.hasPrefix("#") && !$0.isEmpty }!
        #expect(lastOption < firstCommand)
        let unthrottled = BatchScript.array(sweep: "s", count: 3, tasksFile: URL(fileURLWithPath: "/t"), logs: URL(fileURLWithPath: "/l"),
                                            options: SlurmOptions(), executable: URL(fileURLWithPath: "/x"))
        #expect(unthrottled.split(separator: "\n").contains("#SBATCH --array=0-2"), "\(unthrottled)")
    }

    @Test("A quote in a path stays one bash word")
    func quoting() {
        #expect(BatchScript.quoted("/a b/it's") == "'/a b/it'\\''s'")
    }

    @Test("The ledger finds the newest array task of a trial and survives a round trip through jobs.json")
    func ledger() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rewarm-ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var ledger = SlurmLedger()
        ledger.arrays = [.init(job: "10", script: "a1", submittedAt: Date(timeIntervalSince1970: 1_000_000), trials: ["t1", "t2", "t3"]),
                         .init(job: "14", script: "a2", submittedAt: Date(timeIntervalSince1970: 2_000_000), trials: ["t2"])]
        ledger.ended["t2"] = .init(job: "10", index: 1, state: "TIMEOUT", log: "x")
        #expect(ledger.latestTask(of: "t2")! == ("14", 0))
        #expect(ledger.latestTask(of: "t3")! == ("10", 2))
        #expect(ledger.latestTask(of: "t9") == nil)
        try ledger.save(to: folder)
        #expect(SlurmLedger.load(from: folder) == ledger)
        #expect(SlurmLedger.load(from: folder.appendingPathComponent("missing")) == SlurmLedger())
        #expect(SlurmLedger.logFile(in: folder, job: "14", index: 0).lastPathComponent == "14_0.out")
        #expect(SlurmLedger.logFile(in: folder, job: "9", index: nil).lastPathComponent == "9.out")
    }

    @Test("A local filesystem is refused only when jobs run on other nodes")
    func sharing() {
        #expect(SlurmPreflight.sharingProblem(path: "/r", filesystem: "ext4", nodes: ["vm"], thisHost: "vm") == nil)
        #expect(SlurmPreflight.sharingProblem(path: "/r", filesystem: nil, nodes: ["a", "b"], thisHost: "vm") == nil)
        let problem = SlurmPreflight.sharingProblem(path: "/r", filesystem: "tmpfs", nodes: ["vm", "node1", "node2"], thisHost: "vm")
        #expect(problem == .notShared(path: "/r", filesystem: "tmpfs", nodes: ["node1", "node2"]))
        #expect(problem?.description.contains("/r is on a local tmpfs filesystem, but the jobs run on node1, node2") == true)
        #expect(SlurmPreflight.localFilesystem(of: "/proc/self") == nil)
        #expect(SlurmPreflight.localFilesystem(of: "/dev/shm/does/not/exist") == "tmpfs")
    }

    @Test("Command-line Slurm options win over the spec's; extra sbatch options add up")
    func overriding() {
        var spec = SlurmOptions()
        spec.partition = "cpu"
        spec.time = "10"
        spec.cpusPerTask = 4
        spec.sbatchArgs = ["--qos=low"]
        var cli = SlurmOptions()
        cli.time = "20"
        cli.sbatchArgs = ["--account=lab"]
        let merged = spec.overridden(by: cli, cpusPerTaskGiven: false)
        #expect(merged.partition == "cpu" && merged.time == "20" && merged.cpusPerTask == 4)
        #expect(merged.sbatchArgs == ["--qos=low", "--account=lab"])
        #expect(spec.overridden(by: cli, cpusPerTaskGiven: true).cpusPerTask == 1)
    }

    @Test("Only complete metrics lines are read from a run folder that is being written")
    func tornMetrics() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rewarm-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(RunFolderMetrics.lines(in: folder).isEmpty && RunFolderMetrics.lastStep(in: folder) == nil)
        try Data("{\"step\":0}\n{\"step\":10}\n{\"ste".utf8).write(to: folder.appendingPathComponent("metrics.jsonl"))
        #expect(RunFolderMetrics.lines(in: folder).count == 2)
        #expect(RunFolderMetrics.lastStep(in: folder) == 10)
    }
}
