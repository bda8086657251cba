import Foundation
import TestSupport
import Testing

@testable import Config

/// Limits that keep a careless or hostile configuration from costing disk, memory or minutes, and secrets in
/// URLs kept out of what check-config prints.
@Suite struct ConfigurationLimitsTests {
    @Test(arguments: [
        ("collect_interval: 1ms\n", "footprint.yml:1: collect_interval must be at least 1s; got \"1ms\""),
        ("collect_interval: 999ms\n", "footprint.yml:1: collect_interval must be at least 1s"),
        ("carbon_intensity: {refresh: 10ms}\n", "footprint.yml:1: carbon_intensity.refresh must be at least 1s"),
        (
            "carbon_intensity: {forecast_refresh: 500ms}\n",
            "footprint.yml:1: carbon_intensity.forecast_refresh must be at least 1s"
        ),
    ])
    func intervalsThatDriveWorkHaveAMinimum(yaml: String, expected: String) {
        let found = configurationProblems(yaml)
        #expect(found.contains { $0.contains(expected) }, "\(found)")
    }

    @Test func oneSecondIsAccepted() throws {
        let configuration = try ConfigurationLoader.parse(yaml: "collect_interval: 1s\n", file: "footprint.yml")
        #expect(configuration.collectInterval == 1)
    }

    @Test func filesOverOneMebibyteAreRefusedUnparsed() throws {
        let directory = try TemporaryDirectory.make("limits")
        let path = "\(directory)/huge.yml"
        // Two hundred thousand unknown keys: over 1 MiB.
        let text = (0..<200_000).map { "k\($0): 1\n" }.joined()
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        for load in [
            { _ = try ConfigurationLoader.load(path: path) },
            { _ = try ConfigurationLoader.loadWeb(path: path) },
            { _ = try ConfigurationLoader.targetGroups(contents: ConfigurationLoader.read(path), file: path) },
        ] as [() throws -> Void] {
            let started = Date()
            do {
                try load()
                Issue.record("a file over 1 MiB was read")
            } catch let error as ConfigurationError {
                #expect(error.description.contains("\(path):0: file is larger than 1 MiB"), "\(error)")
            }
            #expect(Date().timeIntervalSince(started) < 2)
        }
        // Exactly at the limit still loads (as YAML comments).
        let limit = "\(directory)/limit.yml"
        try ("#" + String(repeating: "x", count: ConfigurationLoader.maximumFileBytes - 2) + "\n").write(
            toFile: limit, atomically: true, encoding: .utf8)
        #expect(try ConfigurationLoader.load(path: limit) == Configuration())
    }

    @Test(arguments: [
        ("http://user:hunter2@prom:9090/", "http://user:xxxxx@prom:9090/"),
        ("https://u:p%40ss@h", "https://u:xxxxx@h"),
        ("http://user@prom:9090", "http://user@prom:9090"),
        ("http://prom:9090/a@b:c", "http://prom:9090/a@b:c"),
        ("not a url", "not a url"),
    ])
    func passwordsInURLsAreMasked(url: String, expected: String) {
        #expect(URLRedaction.redactingPassword(url) == expected)
    }

    @Test func checkConfigOutputHidesAPasswordInsideAURL() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                source: {kind: prometheus, prometheus: {url: 'http://reader:hunter2@prom:9090'}}
                carbon_intensity:
                  provider: electricitymaps
                  electricitymaps: {url: 'https://k:s3cret@maps.example/v3', zone: DE, token_env: T}
                """, file: "footprint.yml")
        let printed = configuration.yamlDescription
        #expect(!printed.contains("hunter2"))
        #expect(!printed.contains("s3cret"))
        #expect(printed.contains("http://reader:xxxxx@prom:9090"))
    }
}
