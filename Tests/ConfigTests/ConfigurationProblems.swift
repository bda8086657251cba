@testable import Config

/// What loading `yaml` reports, one `file:line: message` per problem; empty when it loads.
func configurationProblems(_ yaml: String) -> [String] {
    do {
        _ = try ConfigurationLoader.parse(yaml: yaml, file: "footprint.yml")
        return []
    } catch {
        return error.problems.map(\.description)
    }
}
