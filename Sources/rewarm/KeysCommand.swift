import ArgumentParser
import RewarmEngine

/// `rewarm keys`: every config key with its type, default and meaning (the README's table).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "List every config key of a run with its default and meaning.")

    @Flag(help: "Print a Markdown table.") var markdown = false

    func run() {
        if markdown {
            print("| key | type | default | meaning |")
            print("|---|---|---|---|")
        }
        for key in RunConfig.keys {
            let def = key.isRequired ? "(required)" : key.defaultValue.description
            if markdown {
                let doc = key.doc.replacingOccurrences(of: "|", with: "\\|")
                print("| `\(key.name)` | \(key.type.expectation) | `\(def)` | \(doc) |")
            } else {
                print("\(key.name.padding(toLength: 28, withPad: " ", startingAt: 0)) "
                    + "\(def.padding(toLength: 14, withPad: " ", startingAt: 0)) \(key.doc)")
            }
        }
    }
}
