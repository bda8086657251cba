import Model
import Testing

@testable import Config

/// `shard: {count, index}` and `source.prometheus.shard_label`: defaults, values, and every bad value reported with
/// its line.
@Suite struct ShardConfigurationTests {
    @Test func unshardedByDefault() throws {
        let configuration = try ConfigurationLoader.parse(yaml: "collect_interval: 30s\n", file: "f.yml")
        #expect(configuration.shard == nil)
        #expect(configuration.source.prometheus.shardLabel == nil)
        #expect(!configuration.yamlDescription.contains("shard"))
    }

    @Test func shardAndLabelAreRead() throws {
        let yaml = """
            source:
              kind: prometheus
              prometheus: {url: http://127.0.0.1:9090, shard_label: footprint_shard}
            shard: {count: 3, index: 2}
            """
        let configuration = try ConfigurationLoader.parse(yaml: yaml, file: "f.yml")
        #expect(configuration.shard == (try Shard(count: 3, index: 2)))
        #expect(configuration.source.prometheus.shardLabel == "footprint_shard")
        // check-config prints both, and what it prints loads back as the same configuration.
        let printed = configuration.yamlDescription
        #expect(printed.contains("shard: {count: 3, index: 2}\n"))
        #expect(printed.contains("    shard_label: footprint_shard\n"))
        #expect(try ConfigurationLoader.parse(yaml: printed, file: "printed.yml") == configuration)
    }

    @Test(arguments: [
        ("shard: {count: 3, index: 3}\n", "footprint.yml:1: shard index must be between 0 and count - 1 (2); got 3"),
        ("shard: {count: 0, index: 0}\n", "footprint.yml:1: shard count must be at least 1; got 0"),
        ("shard: {count: -2, index: 0}\n", "footprint.yml:1: shard count must be at least 1; got -2"),
        ("shard: {count: 3, index: -1}\n", "footprint.yml:1: shard index must be between 0 and count - 1 (2); got -1"),
        ("shard: {count: 3}\n", "footprint.yml:1: shard needs both count and index"),
        ("shard: {index: 1}\n", "footprint.yml:1: shard needs both count and index"),
        ("shard: {count: 2.5, index: 0}\n", "footprint.yml:1: shard.count must be a whole number; got 2.5"),
        ("shard: {count: three, index: 0}\n", "footprint.yml:1: shard.count must be a number; got \"three\""),
        ("shard: {count: 3, index: 1, modulus: 3}\n", "footprint.yml:1: unknown key \"modulus\" in shard"),
        ("shard: 3\n", "footprint.yml:1: shard must be a mapping of keys to values"),
        (
            "source:\n  prometheus:\n    shard_label: instance\n",
            "footprint.yml:3: source.prometheus.shard_label must be a label of its own, not \"instance\""
        ),
        (
            "source:\n  prometheus:\n    shard_label: node\n    host_label: node\n",
            "footprint.yml:3: source.prometheus.shard_label must differ from host_label (node)"
        ),
        (
            "source:\n  prometheus:\n    shard_label: 'bad-name'\n",
            "footprint.yml:3: source.prometheus.shard_label: \"bad-name\" is not a valid label name"
        ),
    ])
    func badShardsAreProblems(yaml: String, expected: String) {
        let found = configurationProblems(yaml)
        #expect(found == [expected], "\(found)")
    }
}
