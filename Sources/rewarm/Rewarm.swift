import ArgumentParser
import Foundation
import RewarmEngine

@main
enum Entry {
    static func main() async {
        let missing = TargetCPU.missingFeatures()
        if !missing.isEmpty {
            FileHandle.standardError.write(Data((
                "error: this rewarm was built for CPUs with \(TargetCPU.requiredFeatures.joined(separator: " and ")) "
                + "and this CPU lacks \(missing.joined(separator: ", ")); rebuild it here, or build with "
                + "REWARM_PORTABLE=1 swift build -c release for any x86-64 CPU\n").utf8))
            exit(1)
        }
        await BLASCoreSelection.reexecIfNeeded()
        await Rewarm.main()
    }
}

struct Rewarm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewarm",
        abstract: "Continual pre-training studies on the CPU: train, sweep, report.",
        subcommands: [
            TrainCommand.self, SweepCommand.self, StatusCommand.self, ReportCommand.self, CompareCommand.self,
            ListCommand.self, ExportCommand.self, MergeCommand.self, GenerateCommand.self, BenchCommand.self,
            BenchIngestCommand.self, BenchTokenizeCommand.self, KeysCommand.self, TokenizerCommand.self,
            RunTrialCommand.self,
            BLASProbeCommand.self,
        ]
    )
}
