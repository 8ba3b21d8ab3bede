@testable import RewarmEngine

/// A config from YAML text (`prefix` first, e.g. "dataset: x\n") and `--set` overrides, as
/// `config.yaml` would give it.
func loadConfig(_ yaml: String, prefix: String = "dataset: x\n", _ overrides: [String] = []) throws(ConfigError)
    -> RunConfig
{
    try RunConfig.load(yaml: prefix + yaml, source: "config.yaml", overrides: overrides)
}

/// The one-line error `loadConfig` gives, nil when the config loads.
func configFailure(_ yaml: String, prefix: String = "dataset: x\n", _ overrides: [String] = []) -> String? {
    do {
        _ = try loadConfig(yaml, prefix: prefix, overrides)
        return nil
    } catch {
        return error.description
    }
}
