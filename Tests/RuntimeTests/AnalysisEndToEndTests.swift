import Foundation
import HTTPClient
import Logging
import StateStore
import TestSupport
import Testing
import WebSecurity

@testable import Config
@testable import Runtime

/// The analysis pages and the usage API of the exporter binary, in bridge mode over a fake fleet behind a real
/// Prometheus.
@Suite(.serialized) struct AnalysisEndToEndTests {
    @Test func sitePagesShowTheirHostsWithFiguresFromTheCounters() throws {
        let fleet = try AnalysisFleet()
        defer { fleet.stop() }
        try fleet.waitForEnergy()

        let index = try fleet.text("/analysis/")
        #expect(index.contains("href=\"/analysis/clf/\""))
        #expect(index.contains("href=\"/analysis/isis/\""))

        let clf = fleet.clfHosts
        let before = try fleet.counters(include: clf.contains)
        let response = try fleet.get("/analysis/clf/")
        let after = try fleet.counters(include: clf.contains)
        #expect(response.status == 200)
        let csp = try #require(response.header("content-security-policy"))
        #expect(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"))
        let page = String(decoding: response.body, as: UTF8.self)
        let figures = PageFigures.values(page)
        func between(_ name: String, _ low: Double, _ high: Double) {
            let value = figures[name] ?? -1
            // The page rounds nothing in data-value; a relative hair covers the double sums' order.
            #expect(
                value >= low * (1 - 1e-9) && value <= high * (1 + 1e-9), "\(name) \(value) not in [\(low), \(high)]")
        }
        between("energy_kwh", before.joules / 3_600_000, after.joules / 3_600_000)
        between("idle_energy_kwh", before.idleJoules / 3_600_000, after.idleJoules / 3_600_000)
        between("emissions_kg", before.grams / 1_000, after.grams / 1_000)
        #expect(figures["hosts"] == 3)
        #expect((figures["power_watts"] ?? 0) > 0)
        #expect((figures["idle_power_watts"] ?? 0) > 0)
        #expect((figures["idle_power_watts"] ?? 0) < (figures["power_watts"] ?? 0))
        // Only the site's hosts, and hostile labels escaped.
        #expect(!page.contains(fleet.nodes[3].target))
        #expect(page.contains(fleet.nodes[0].target))
        #expect(!page.contains(AnalysisFleet.hostileUser))
        #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(page.contains("<svg"))
        #expect(page.contains("data-live=\"/analysis/clf/live.json\""))

        let isis = PageFigures.values(try fleet.text("/analysis/isis/"))
        #expect(isis["hosts"] == 1)

        let user = try fleet.get("/analysis/clf/user/ann/")
        #expect(user.status == 200)
        let userPage = String(decoding: user.body, as: UTF8.self)
        #expect(PageFigures.values(userPage)["hosts"] == 1)
        #expect(userPage.contains(fleet.nodes[0].target) && !userPage.contains(fleet.nodes[1].target))

        let live = try JSONSerialization.jsonObject(with: Data(try fleet.get("/analysis/clf/live.json").body))
        let liveFigures = try #require(live as? [String: Double])
        // Foundation's JSON reader may lose the last digit.
        #expect((liveFigures["idle_energy_kwh"] ?? 0) >= (figures["idle_energy_kwh"] ?? .infinity) * (1 - 1e-12))

        for path in ["/analysis/nowhere/", "/analysis/isis/user/ann/", "/analysis/clf/extra/", "/analysis/%3Cb%3E/"] {
            let missing = try fleet.get(path)
            #expect(missing.status == 404, "\(path)")
            #expect(String(decoding: missing.body, as: UTF8.self).contains("<h1>Not found</h1>"))
        }
        #expect(!String(decoding: try fleet.get("/analysis/%3Cb%3E/").body, as: UTF8.self).contains("<b>"))
    }

    @Test func usageAgreesWithTheCountersAcrossARestart() throws {
        let fleet = try AnalysisFleet()
        defer { fleet.stop() }
        try fleet.waitForEnergy()
        Thread.sleep(forTimeInterval: 3)

        func usage(_ query: String) throws -> [String: Any] {
            let response = try fleet.get("/api/v1/usage?" + query)
            try #require(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
            return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        }
        func check(_ label: String) throws {
            let before = try fleet.counters()
            let document = try usage(
                "from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&step=1d&group_by=cloud_project_name")
            let after = try fleet.counters()
            let totals = try #require(document["totals"] as? [String: Double])
            let kwh = (totals["busy_kwh"] ?? 0) + (totals["idle_kwh"] ?? 0)
            let grams = (totals["busy_gco2eq"] ?? 0) + (totals["idle_gco2eq"] ?? 0)
            // The counters move between the two reads (a collection a second): the usage must lie within 2 % of
            // the span they bracket.
            let low = before.joules / 3_600_000 * 0.98
            let high = after.joules / 3_600_000 * 1.02
            #expect(kwh >= low && kwh <= high, "\(label): usage \(kwh) kWh, counters \(low / 0.98)–\(high / 1.02) kWh")
            #expect(
                grams >= before.grams * 0.98 && grams <= after.grams * 1.02,
                "\(label): \(grams) g against \(before.grams)–\(after.grams) g")
            #expect((totals["busy_cpu_seconds"] ?? 0) > 0 && (totals["idle_cpu_seconds"] ?? 0) > 0)
            let groups = try #require(document["groups"] as? [[String: Any]])
            let projects = groups.compactMap { ($0["labels"] as? [String: String])?["cloud_project_name"] }
            #expect(projects == ["clf", "clf-extra", "isis"], "\(label)")
        }
        try check("first run")
        try fleet.restartExporter()
        try fleet.waitForEnergy()
        Thread.sleep(forTimeInterval: 3)
        try check("after the restart")

        let site = try usage("group_by=host&site=isis")
        #expect((site["groups"] as? [[String: Any]])?.count == 1)
        // The current hour is there, up to now.
        let hourly = try usage("step=1h&group_by=")
        let series = try #require((hourly["groups"] as? [[String: Any]])?.first?["series"] as? [[String: Any]])
        #expect(series.last?["status"] as? String != "missing")
        #expect(series.contains { $0["status"] as? String == "missing" && $0["busy_kwh"] is NSNull })

        for (format, schema) in [("ada-day", "usage-ada-day"), ("machine-averages", "usage-machine-averages")] {
            let body = try fleet.get("/api/v1/usage?format=\(format)&group_by=cloud_project_name").body
            try Schema.expectValid(String(decoding: body, as: UTF8.self), schema: schema, directory: fleet.directory)
        }
        try Schema.expectValid(
            String(decoding: try fleet.get("/api/v1/usage?step=1d").body, as: UTF8.self), schema: "usage",
            directory: fleet.directory)
        let machines = try usage("format=machine-averages")
        let names = (machines["machines"] as? [[String: Any]])?.compactMap { $0["machine"] as? String }
        #expect(names == ["Artemis (Matlab)", "Big", "Muon"])

        for query in ["step=5m", "from=yesterday", "group_by=colour", "format=xml", "site=nowhere", "limit=1"] {
            let response = try fleet.get("/api/v1/usage?" + query)
            #expect(response.status == 400, "\(query)")
            #expect(response.header("content-type")?.hasPrefix("application/json") == true)
            let error = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String]
            #expect(error?["status"] == "error" && error?["error"]?.isEmpty == false, "\(query)")
        }
    }

    @Test func pagesAndTheUsageAPIAskForCredentials() throws {
        let directory = try TestStack.temporaryDirectory()
        let hash = try #require(BcryptHash.hash("s3cret", cost: 6))
        let file = "\(directory)/web.yml"
        try "basic_auth_users: {alice: '\(hash)'}\n".write(toFile: file, atomically: true, encoding: .utf8)
        var configuration = try ConfigurationLoader.parse(
            yaml: "sites: [{name: dev, match: {cloud_project_name: dev}}]\ncarbon_intensity: {provider: static}\n",
            file: "local.yml")
        configuration.source.local.labels = ["cloud_project_name": "dev", "user": "me"]
        let application = try Application(
            configuration: configuration, listenAddress: .loopback(port: 0), logger: Logger(label: "test"),
            fetcher: TestStack.fetcher, web: try ConfigurationLoader.loadWeb(path: file), webConfigurationFile: file,
            store: try StateStore(path: "\(directory)/state.sqlite"))
        defer { application.stop() }
        let credentials = HTTPHeader(
            name: "Authorization", value: "Basic " + Data("alice:s3cret".utf8).base64EncodedString())
        for path in [
            "/analysis/", "/analysis/dev/", "/analysis/dev/live.json", "/analysis/dev/user/me/", "/api/v1/usage",
            "/analysis/assets/ticker.js",
        ] {
            let url = "http://127.0.0.1:\(application.port)\(path)"
            let refused = try TestStack.get(url)
            #expect(refused.status == 401, "\(path)")
            #expect(refused.header("www-authenticate") == "Basic")
            #expect(try TestStack.get(url, headers: [credentials]).status != 401, "\(path)")
        }
    }
}

/// Validates JSON against a schema in docs/ with python3-jsonschema (installed by `make test`), a validator
/// independent of the code that wrote the JSON.
enum Schema {
    static func expectValid(
        _ json: String, schema: String, directory: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let schemaPath = Fixture.sharedDirectory + "/../../docs/\(schema).schema.json"
        let instance = "\(directory)/instance-\(UUID().uuidString.prefix(8)).json"
        try json.write(toFile: instance, atomically: true, encoding: .utf8)
        let script =
            "import json,sys,jsonschema; jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[2]))); "
            + "jsonschema.Draft202012Validator(json.load(open(sys.argv[2]))).validate(json.load(open(sys.argv[1])))"
        let process = try ExternalProcess("python3", ["-c", script, instance, schemaPath])
        #expect(
            process.waitForExit(timeout: 30) == 0, "\(schema) validation failed:\n\(process.output)",
            sourceLocation: sourceLocation)
    }
}
