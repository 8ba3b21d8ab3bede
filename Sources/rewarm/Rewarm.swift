import ArgumentParser

@main
struct Rewarm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewarm",
        abstract: "Continual pre-training studies on the CPU."
    )
}
