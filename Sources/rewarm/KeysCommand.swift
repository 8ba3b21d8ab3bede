import ArgumentParser
import RewarmEngine

/// `rewarm keys`: every config key with its type, default and meaning; `--markdown` prints
/// `docs/config-keys.md` (`RunConfig.keysMarkdown()`).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "List every config key of a run with its default and meaning.")

    @Flag(help: "Print docs/config-keys.md: a Markdown header and table.") var markdown = false

    func run() {
        if markdown {
            print(RunConfig.keysMarkdown(), terminator: "")
            return
        }
        for key in RunConfig.keys {
            print("\(key.name.padding(toLength: 28, withPad: " ", startingAt: 0)) "
                + "\(key.defaultText.padding(toLength: 14, withPad: " ", startingAt: 0)) \(key.doc)")
        }
    }
}
