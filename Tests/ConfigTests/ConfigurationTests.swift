import Foundation
import Model
import Testing

@testable import Config

@Suite struct ConfigurationTests {
    @Test func emptyFileMeansDefaults() throws {
        let configuration = try ConfigurationLoader.parse(yaml: "", file: "empty.yml")
        #expect(configuration == Configuration())
        #expect(configuration.source.kind == .local)
        #expect(configuration.carbonIntensity.provider == .uk)
        #expect(configuration.collectInterval == 60)
        #expect(configuration.gridRegion == "GB")
    }

    @Test func theDocumentedExampleParses() throws {
        let yaml = """
            collect_interval: 60s
            source:
              kind: prometheus                 # local | prometheus | scrape
              local:
                labels: {cloud_project_name: dev, user: alice}
              prometheus:
                url: http://127.0.0.1:9090
                selector: '{job="node"}'
                host_label: instance
                attribution_labels: [cloud_project_name, user]
                timeout: 10s
            carbon_intensity:
              provider: uk
              uk: {url: https://api.carbonintensity.org.uk, region_id: 13}
              static_grams_per_kwh: 200
              refresh: 5m
              max_age: 2h
              fallback_grams_per_kwh: 250
            power:
              default: {cpu_watts_per_core: 10, cpu_idle_watts_per_core: 0, ram_watts: 5, other_watts: 20, pue: 1.0}
              profiles:
                - name: artemis
                  match: {machine_name: "Artemis (Matlab)"}
                  cpu_watts_per_core: 15
            """
        let configuration = try ConfigurationLoader.parse(yaml: yaml, file: "example.yml")
        #expect(configuration.source.kind == .prometheus)
        #expect(configuration.source.local.labels == ["cloud_project_name": "dev", "user": "alice"])
        #expect(configuration.source.prometheus.selector == #"{job="node"}"#)
        #expect(configuration.carbonIntensity.uk.regionID == 13)
        #expect(configuration.carbonIntensity.refresh == 300)
        #expect(configuration.carbonIntensity.maxAge == 7_200)
        #expect(configuration.gridRegion == "GB-13")
        let artemis = configuration.power.profile(for: ["machine_name": "Artemis (Matlab)"])
        #expect(artemis.name == "artemis")
        #expect(artemis.cpuWattsPerCore == 15)
        #expect(artemis.ramWatts == 5) // inherited from the default
        #expect(configuration.power.profile(for: ["machine_name": "other"]).name == "default")
        // The effective configuration reads back to the same value.
        let again = try ConfigurationLoader.parse(yaml: configuration.yamlDescription, file: "effective.yml")
        #expect(again == configuration)
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var yaml: String
        var expected: String
        var testDescription: String { expected }
    }

    static let badInputs: [Bad] = [
        Bad(yaml: "collect_interval: 0s", expected: "bad.yml:1: collect_interval must be a positive duration"),
        Bad(yaml: "collect_interval: soon", expected: "bad.yml:1: collect_interval must be a positive duration"),
        Bad(yaml: "colect_interval: 5s", expected: #"bad.yml:1: unknown key "colect_interval" in the configuration"#),
        Bad(
            yaml: "source:\n  kind: magic", expected: "bad.yml:2: source.kind must be one of local, prometheus, scrape"),
        Bad(
            yaml: "source:\n  prometheus:\n    url: ftp://x",
            expected: "bad.yml:3: source.prometheus.url must be an http or https URL"),
        Bad(
            yaml: "source:\n  prometheus:\n    selector: job=node",
            expected: "bad.yml:3: source.prometheus.selector must be label matchers in braces"),
        Bad(
            yaml: "source:\n  prometheus:\n    attribution_labels: [user, 9bad]",
            expected: #"bad.yml:3: source.prometheus.attribution_labels: "9bad" is not a valid label name"#),
        Bad(yaml: "source:\n  prometheus:\n    attribution_labels: [instance]", expected: "is reserved"),
        Bad(
            yaml: "source:\n  prometheus:\n    timeout: -1s",
            expected: "bad.yml:3: source.prometheus.timeout must be a positive duration"),
        Bad(
            yaml: "source:\n  prometheus:\n    basic_auth: {password: x}",
            expected: "source.prometheus.basic_auth.username is required"),
        Bad(
            yaml: "carbon_intensity:\n  provider: moon",
            expected: "bad.yml:2: carbon_intensity.provider must be one of uk, electricitymaps, watttime, static, file"),
        Bad(
            yaml: "carbon_intensity:\n  uk: {region_id: 40}",
            expected: "bad.yml:2: carbon_intensity.uk.region_id must be a GB region id from 1 to 17"),
        Bad(
            yaml: "carbon_intensity:\n  uk: {postcode: 'RG10 6AB'}",
            expected: "carbon_intensity.uk.postcode must be an outward postcode"),
        Bad(
            yaml: "carbon_intensity:\n  static_grams_per_kwh: -3",
            expected: "bad.yml:2: carbon_intensity.static_grams_per_kwh must be between 0 and 2000"),
        Bad(
            yaml: "carbon_intensity:\n  fallback_grams_per_kwh: .nan",
            expected: "bad.yml:2: carbon_intensity.fallback_grams_per_kwh must be a number"),
        Bad(
            yaml: "carbon_intensity:\n  refresh: 0s",
            expected: "bad.yml:2: carbon_intensity.refresh must be a positive duration"),
        Bad(
            yaml: "power:\n  default: {cpu_watts_per_core: 0}",
            expected: "power.default.cpu_watts_per_core must be a positive number of watts"),
        Bad(
            yaml: "power:\n  default: {ram_watts: -1}",
            expected: "power.default.ram_watts must be a non-negative number of watts"),
        Bad(
            yaml: "power:\n  default: {cpu_watts_per_core: 5, cpu_idle_watts_per_core: 6}",
            expected: "bad.yml:2: power.default: cpu_idle_watts_per_core (6.0) must not exceed cpu_watts_per_core (5.0)"
        ),
        Bad(yaml: "power:\n  default: {pue: 0.5}", expected: "power.default.pue must be between 1 and 10"),
        Bad(
            yaml: "power:\n  profiles:\n    - name: a\n      cpu_watts_per_core: 3",
            expected: "bad.yml:3: power.profiles[0].match must name at least one label"),
        Bad(yaml: "power:\n  profiles:\n    - match: {a: b}", expected: "power.profiles[0].name is required"),
        Bad(
            yaml: "power:\n  profiles:\n    - {name: a, match: {a: b}}\n    - {name: a, match: {a: c}}",
            expected: #"bad.yml:4: power.profiles[1].name "a" is used by an earlier profile"#),
        Bad(yaml: "power:\n  default: {watts: 5}", expected: #"bad.yml:2: unknown key "watts" in power.default"#),
        Bad(yaml: "source: [1, 2]", expected: "bad.yml:1: source must be a mapping"),
        Bad(yaml: "source:\n  kind: local\n  kind: prometheus", expected: "duplicated key(s): 'kind'"),
        Bad(yaml: "source: {kind: scrape}", expected: "source.kind scrape needs targets"),
        Bad(
            yaml: "source:\n  scrape:\n    static: [{targets: [nohost]}]",
            expected: #"bad.yml:3: source.scrape.static[0].targets: "nohost" is not HOST:PORT"#),
        Bad(
            yaml: "source:\n  scrape:\n    scheme: ftp",
            expected: "bad.yml:3: source.scrape.scheme must be http or https"),
        Bad(yaml: "source:\n  scrape:\n    tls: {cert_file: a.pem}", expected: "cert_file and key_file go together"),
        Bad(
            yaml: "source:\n  scrape:\n    max_concurrency: 0",
            expected: "source.scrape.max_concurrency must be a whole number"),
        Bad(yaml: "a: [unclosed", expected: "bad.yml:1: invalid YAML"), // the end of input, on the last line
        Bad(yaml: "\tkey: tab", expected: "invalid YAML"),
    ]

    @Test(arguments: badInputs)
    func badInputIsReportedWithItsLine(_ bad: Bad) {
        do {
            _ = try ConfigurationLoader.parse(yaml: bad.yaml, file: "bad.yml")
            Issue.record("accepted: \(bad.yaml)")
        } catch {
            #expect(error.description.contains(bad.expected), "\(error.description)")
        }
    }

    @Test func scrapeSectionParsesAndRoundTrips() throws {
        let yaml = """
            source:
              kind: scrape
              scrape:
                file_sd: [targets/*.json, targets/*.yml]
                static: [{targets: ["10.0.0.5:9100"], labels: {cloud_project_name: isis, user: bob}}]
                scheme: https
                metrics_path: /metrics
                timeout: 5s
                attribution_labels: [cloud_project_name, user]
                tls: {ca_file: ca.pem, cert_file: c.pem, key_file: k.pem, insecure_skip_verify: false}
                basic_auth: {username: scraper, password_file: secret}
            """
        let configuration = try ConfigurationLoader.parse(yaml: yaml, file: "conf/footprint.yml")
        let scrape = configuration.source.scrape
        #expect(scrape.fileSD == ["conf/targets/*.json", "conf/targets/*.yml"])
        #expect(
            scrape.staticTargets == [
                .init(targets: ["10.0.0.5:9100"], labels: ["cloud_project_name": "isis", "user": "bob"])
            ])
        #expect(scrape.scheme == "https")
        #expect(scrape.tls?.caFile == "conf/ca.pem")
        #expect(configuration.attributionLabels == ["cloud_project_name", "user"])
        #expect(
            try ConfigurationLoader.parse(yaml: configuration.yamlDescription, file: "footprint.yml") == configuration)
    }

    @Test func everyProblemIsListed() {
        let yaml = "collect_interval: never\nsource:\n  kind: nope\ncarbon_intensity:\n  refresh: x\n"
        do {
            _ = try ConfigurationLoader.parse(yaml: yaml, file: "c.yml")
            Issue.record("accepted")
        } catch {
            #expect(error.problems.map(\.line) == [1, 3, 5])
        }
    }

    @Test func secretsAreRedacted() throws {
        let yaml = "source:\n  kind: prometheus\n  prometheus:\n    basic_auth: {username: u, password: hunter2}\n"
        let configuration = try ConfigurationLoader.parse(yaml: yaml, file: "s.yml")
        #expect(!configuration.yamlDescription.contains("hunter2"))
        #expect(configuration.yamlDescription.contains("password: <secret>"))
    }

    @Test(arguments: [
        (
            "basic_auth: {username: u, password: a, password_env: B}",
            "s.yml:4: source.prometheus.basic_auth: give one of password, password_file and password_env"
        ),
        (
            "basic_auth: {username: u, password_env: 1BAD}",
            "s.yml:4: source.prometheus.basic_auth.password_env must be an environment variable name"
        ),
        (
            "{bearer_token_env: A, bearer_token_file: t}",
            "s.yml:3: source.prometheus: give bearer_token_file or bearer_token_env, not both"
        ),
        (
            "{bearer_token_env: A, basic_auth: {username: u, password: p}}",
            "s.yml:3: source.prometheus: give basic_auth or a bearer token, not both"
        ),
    ])
    func conflictingSecretsAreRejected(prometheus: String, expected: String) {
        let yaml =
            "source:\n  kind: prometheus\n  prometheus:\(prometheus.hasPrefix("{") ? " " + prometheus : "\n    " + prometheus)\n"
        do {
            _ = try ConfigurationLoader.parse(yaml: yaml, file: "s.yml")
            Issue.record("accepted")
        } catch {
            #expect(error.problems.contains { $0.description.hasPrefix(expected) }, "\(error)")
        }
    }

    @Test(arguments: [
        ("30s", 30.0), ("5m", 300), ("2h", 7_200), ("1h30m", 5_400), ("500ms", 0.5), ("1d", 86_400), ("1w", 604_800),
    ])
    func durations(text: String, seconds: Double) {
        #expect(PrometheusDuration.parse(text) == seconds)
        #expect(PrometheusDuration.parse(PrometheusDuration.format(seconds)) == seconds)
    }

    @Test(arguments: [("1s500ms", 1.5), ("1500ms", 1.5), ("2h0m1s1ms", 7_201.001), ("292y", 9_208_512_000)])
    func durationsKeepMilliseconds(text: String, seconds: Double) {
        #expect(PrometheusDuration.parse(text) == seconds)
        #expect(PrometheusDuration.parse(PrometheusDuration.format(seconds)) == seconds)
    }

    /// Longer than Prometheus' own limit (about 292 years) is an error, not an overflow.
    @Test(arguments: ["293y", "99999999999999999999s", "9223372036854775807ms", "106751d23h47m16s855ms", "1y15250w"])
    func durationsBeyondTheLimitAreRejected(text: String) {
        #expect(PrometheusDuration.parse(text) == nil)
    }

    @Test func theLongestDurationIsWrittenBackExactly() throws {
        let text = "106751d23h47m16s854ms"
        let seconds = try #require(PrometheusDuration.parse(text))
        #expect(PrometheusDuration.format(seconds) == text)
        #expect(PrometheusDuration.format(.infinity) == PrometheusDuration.format(PrometheusDuration.maximum))
    }

    @Test(arguments: ["", "5", "m", "5x", "1m1h", "1.5h", "-1s", "5m5m"])
    func invalidDurations(text: String) {
        #expect(PrometheusDuration.parse(text) == nil)
    }

}

@Suite struct EquivalencyConfigurationTests {
    @Test func configurationOverridesTheTable() throws {
        let yaml = """
            equivalencies:
              - {equivalency: car_distance, unit: mile, grams_per_unit: 400, description: miles, source: own, vintage: "2026"}
              - {equivalency: kettle, unit: boil, joules_per_unit: 360000, description: kettle boils, source: own, vintage: "2026"}
            """
        let configuration = try ConfigurationLoader.parse(yaml: yaml, file: "e.yml")
        let table = configuration.equivalencyTable
        #expect(table.first { $0.name == "car_distance" && $0.unit == "mile" }?.perUnit == 400)
        #expect(table.first { $0.name == "kettle" }?.basis == .energy)
        #expect(try ConfigurationLoader.parse(yaml: configuration.yamlDescription, file: "again.yml") == configuration)
    }

    @Test(arguments: [
        ("equivalencies:\n  - {equivalency: x, unit: y}", "needs exactly one of grams_per_unit and joules_per_unit"),
        ("equivalencies:\n  - {equivalency: x, unit: y, grams_per_unit: 0}", "grams_per_unit must be positive"),
        ("equivalencies:\n  - {equivalency: Bad Name, unit: y, grams_per_unit: 1}", "must use lower-case letters"),
        ("equivalencies:\n  - {equivalency: x, unit: y, grams_per_unit: 1, colour: red}", #"unknown key "colour""#),
    ])
    func badEntries(yaml: String, expected: String) {
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.parse(yaml: yaml, file: "e.yml") }
        do {
            _ = try ConfigurationLoader.parse(yaml: yaml, file: "e.yml")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }

}
