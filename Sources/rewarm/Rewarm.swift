import ArgumentParser

@main
enum Entry {
    static func main() async {
        await BLASCoreSelection.reexecIfNeeded()
        await Rewarm.main()
    }
}

struct Rewarm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewarm",
        abstract: "Continual pre-training studies on the CPU: train, sweep, report.",
        subcommands: [TrainCommand.self, SweepCommand.self, StatusCommand.self, ReportCommand.self, CompareCommand.self, ListCommand.self, ExportCommand.self, MergeCommand.self, GenerateCommand.self, BenchCommand.self, KeysCommand.self, RunTrialCommand.self, BLASProbeCommand.self]
    )
}
