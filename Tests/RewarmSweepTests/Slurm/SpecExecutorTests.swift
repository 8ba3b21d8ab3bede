import Testing
@testable import RewarmStore
@testable import RewarmSweep

@Suite("The executor key of a sweep spec")
struct SpecExecutorTests {
    private func spec(_ executor: String) throws(SpecError) -> SweepSpec {
        try SweepSpec.parse(yaml: """
            name: s
            base: {model: tiny, dataset: synthetic:a}
            defaults: {dataset: synthetic:b}
            \(executor)
            """, source: "s.yaml")
    }

    private func error(_ executor: String) -> String? {
        do { _ = try spec(executor) } catch { return error.description }
        return nil
    }

    @Test("No executor key leaves the choice to the command line; local and slurm name the executors")
    func names() throws {
        #expect(try spec("").executor == nil)
        #expect(try spec("executor: local").executor == .local)
        #expect(try spec("executor: slurm").executor == .slurm(SlurmOptions()))
        #expect(try spec("executor: {type: local}").executor == .local)
    }

    @Test("A slurm map sets every Slurm option")
    func slurmMap() throws {
        let parsed = try spec("""
            executor:
              type: slurm
              partition: cpu
              time: "2:00:00"
              cpus_per_task: 2
              mem: 4G
              max_parallel: 16
              sbatch_args: ["--qos=normal", "--account=lab"]
            """)
        var expected = SlurmOptions()
        expected.partition = "cpu"
        expected.time = "2:00:00"
        expected.cpusPerTask = 2
        expected.mem = "4G"
        expected.maxParallel = 16
        expected.sbatchArgs = ["--qos=normal", "--account=lab"]
        #expect(parsed.executor == .slurm(expected))
    }

    @Test("A bad executor is one line naming the key and what is wrong")
    func errors() {
        #expect(error("executor: kubernetes") == "s.yaml: executor: unknown executor 'kubernetes' (valid: local, slurm)")
        #expect(error("executor: {partition: cpu}") == "s.yaml: executor.type: required key missing")
        #expect(error("executor: {type: slurm, partiton: cpu}") == "s.yaml: executor.partiton: unknown key (did you mean 'partition'?)")
        #expect(error("executor: {type: slurm, max_parallel: 0}") == "s.yaml: executor.max_parallel: must be at least 1, got 0")
        #expect(error("executor: {type: slurm, cpus_per_task: two}") == "s.yaml: executor.cpus_per_task: expects an integer, got \"two\"")
        #expect(error("executor: {type: local, partition: cpu}") == "s.yaml: executor.partition: applies only to type: slurm")
        #expect(error("executor: {type: slurm, sbatch_args: --qos=x}")?.hasPrefix("s.yaml: executor.sbatch_args: expects a list of sbatch options") == true)
    }
}
