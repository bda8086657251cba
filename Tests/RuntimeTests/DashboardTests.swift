import Foundation
import TestSupport
import Testing

/// Every Grafana dashboard: its structure, and every query evaluated against a real Prometheus holding the
/// exporter's data and the recording rules.
@Suite(.serialized) struct DashboardTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func dashboards() throws -> [(name: String, json: [String: Any])] {
        let folder = repository.appendingPathComponent("grafana/dashboards")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
            .sorted()
        return try files.map { file in
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            let json = try #require(
                try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(file) is not a JSON object")
            return (String(file.dropLast(5)), json)
        }
    }

    static func panels(_ dashboard: [String: Any]) -> [[String: Any]] {
        var result: [[String: Any]] = []
        func walk(_ panels: [[String: Any]]) {
            for panel in panels {
                result.append(panel)
                walk(panel["panels"] as? [[String: Any]] ?? [])
            }
        }
        walk(dashboard["panels"] as? [[String: Any]] ?? [])
        return result
    }

    static func expressions(_ dashboard: [String: Any]) -> [(panel: String, expr: String)] {
        panels(dashboard).flatMap { panel in
            (panel["targets"] as? [[String: Any]] ?? []).compactMap { target in
                (target["expr"] as? String).map { (panel["title"] as? String ?? "?", $0) }
            }
        }
    }

    /// Metric names the exporter exposes (from the golden file) or the recording rules define.
    static func knownNames() throws -> Set<String> {
        let golden = try String(
            contentsOf: repository.appendingPathComponent("Tests/ExpositionTests/Fixtures/snapshot.golden.prom"),
            encoding: .utf8)
        var names = Set(
            golden.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) }
        )
        let rules = try String(
            contentsOf: repository.appendingPathComponent("alerts/footprint_exporter.rules.yml"), encoding: .utf8)
        for line in rules.split(separator: "\n") where line.contains("record:") {
            names.insert(line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces))
        }
        return names.union(["up", "ALERTS", "scrape_duration_seconds"])
    }

    @Test func structure() throws {
        let dashboards = try Self.dashboards()
        #expect(
            Set(dashboards.map(\.name)) == [
                "footprint_exporter-overview", "footprint_exporter-project", "footprint_exporter-user",
                "footprint_exporter-host", "footprint_exporter-health",
            ])
        let known = try Self.knownNames()
        for (name, dashboard) in dashboards {
            #expect(dashboard["uid"] as? String == name)
            #expect(dashboard["id"] is NSNull, "\(name): id must be null")
            #expect(!(dashboard["title"] as? String ?? "").isEmpty)
            let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
            #expect(
                variables.contains { $0["name"] as? String == "datasource" && $0["type"] as? String == "datasource" },
                "\(name)")
            for variable in ["cloud_project_name", "user", "host", "machine_name"] {
                #expect(variables.contains { $0["name"] as? String == variable }, "\(name) lacks $\(variable)")
            }
            for panel in Self.panels(dashboard) where panel["type"] as? String != "row" {
                let title = panel["title"] as? String ?? "?"
                let datasource = panel["datasource"] as? [String: Any]
                #expect(datasource?["uid"] as? String == "${datasource}", "\(name)/\(title): datasource")
                let unit = ((panel["fieldConfig"] as? [String: Any])?["defaults"] as? [String: Any])?["unit"] as? String
                #expect(!(unit ?? "").isEmpty, "\(name)/\(title): no unit")
            }
            for (title, expr) in Self.expressions(dashboard) {
                // Raw counters are rated over Grafana's rate interval (or the dashboard range for totals).
                if expr.contains("rate(") || expr.contains("increase(") {
                    #expect(expr.contains("$__rate_interval") || expr.contains("$__range"), "\(name)/\(title): \(expr)")
                }
                let identifiers = expr.matches(of: /[a-zA-Z_:][a-zA-Z0-9_:]*/).map { String($0.output) }
                for identifier in identifiers
                where identifier.hasPrefix("footprint_") || identifier.contains(":footprint_") {
                    #expect(known.contains(identifier), "\(name)/\(title): unknown metric \(identifier)")
                }
            }
        }
    }

    @Test func everyQueryReturnsDataFromARealPrometheus() throws {
        let directory = try TestStack.temporaryDirectory()
        let nodePort = FreePort.next()
        let prometheusPort = FreePort.next()
        let exporterPort = FreePort.next()
        let host = "127.0.0.1:\(nodePort)"
        let node = try TestStack.nodeExporter(port: nodePort)
        defer { node.stop() }
        let rules = Self.repository.appendingPathComponent("alerts").path
        let jobs =
            TestStack.bridgeJobs(node: host, exporterPort: exporterPort, exporterJob: "footprint_exporter")
            + "\nrule_files: [\"\(rules)/footprint_exporter.rules.yml\", \"\(rules)/footprint_exporter.alerts.yml\"]\n"
        let prometheus = try TestStack.prometheus(port: prometheusPort, directory: directory, jobs: jobs)
        defer { prometheus.stop() }
        let config = """
            collect_interval: 1s
            source:
              kind: prometheus
              prometheus:
                url: http://127.0.0.1:\(prometheusPort)
                attribution_labels: [cloud_project_name, user, machine_name]
            carbon_intensity: {providers: [file, static], file: {path: intensity.csv}, static_grams_per_kwh: 180}
            """
        // A site intensity file covering the next day, so the forecast panels have data: a dip at +6 h.
        let start = (Date().timeIntervalSince1970 / 1_800).rounded(.down) * 1_800
        let rows = (0..<60).map { index in
            "\(Int(start) + index * 1_800),\(index == 12 ? 90 : 200 + index % 5)"
        }
        try (["start,grams_per_kwh"] + rows).joined(separator: "\n").write(
            toFile: "\(directory)/intensity.csv", atomically: true, encoding: .utf8)
        let exporter = try TestStack.exporter(port: exporterPort, config: config, directory: directory)
        defer { exporter.stop() }
        // Enough scrapes for rates over a few seconds and for the recording rules to have run. The rate
        // interval stands in for Grafana's: several scrape intervals (1 s here), so a loaded machine that
        // misses a scrape still leaves two samples in every window.
        let ready = try TestStack.eventually(timeout: 60) {
            let recorded =
                try TestStack.query(prometheusPort, "count(cloud_project_name:footprint_host_energy_joules:rate5m)")
                ?? 0
            let rated =
                try TestStack.query(prometheusPort, "count(rate(footprint_host_energy_joules_total[8s]) > 0)") ?? 0
            // The dashboards' range totals: increases over the rate interval summed over the range (both states:
            // with saturated cores the idle share can be zero for a while).
            let totals =
                try TestStack.query(
                    prometheusPort,
                    "sum(sum_over_time(increase(footprint_host_energy_joules_total[8s])[1m:8s]))") ?? 0
            return recorded > 0 && rated > 0 && totals > 0
        }
        #expect(ready, "no recorded data:\n\(exporter.output.suffix(2_000))")
        Thread.sleep(forTimeInterval: 3)

        let substitutions = [
            ("${datasource}", ""), ("$__rate_interval", "8s"), ("${__rate_interval}", "8s"), ("$__range", "1m"),
            ("${__range}", "1m"), ("$__interval", "1s"), ("${__interval}", "1s"),
            ("$cloud_project_name", "isis"), ("${cloud_project_name}", "isis"), ("$user", "jane.doe"),
            ("${user}", "jane.doe"),
            ("$machine_name", #"Artemis \\(Matlab\\)"#), ("${machine_name}", #"Artemis \\(Matlab\\)"#),
            ("$host", host), ("${host}", host),
        ]
        var empty: [String] = []
        var failed: [String] = []
        for (name, dashboard) in try Self.dashboards() {
            for (title, expr) in Self.expressions(dashboard) {
                var promQL = expr
                for (variable, value) in substitutions.sorted(by: { $0.0.count > $1.0.count }) {
                    promQL = promQL.replacingOccurrences(of: variable, with: value)
                }
                let result = try Self.evaluate(prometheusPort, promQL)
                switch result {
                case .failure(let message): failed.append("\(name)/\(title): \(message): \(promQL)")
                case .success(let count) where count == 0: empty.append("\(name)/\(title): \(promQL)")
                case .success: break
                }
            }
        }
        #expect(failed.isEmpty, "queries that failed:\n\(failed.joined(separator: "\n"))")
        #expect(empty.isEmpty, "queries without data:\n\(empty.joined(separator: "\n"))")
    }

    /// The number of series or the scalar a query returns, or the error Prometheus gives.
    static func evaluate(_ port: UInt16, _ promQL: String) throws -> Result<Int, EvaluationError> {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let escaped = promQL.addingPercentEncoding(withAllowedCharacters: allowed) ?? promQL
        let response = try TestStack.get("http://127.0.0.1:\(port)/api/v1/query?query=\(escaped)")
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            return .failure(EvaluationError(message: "not JSON"))
        }
        guard object["status"] as? String == "success", let data = object["data"] as? [String: Any] else {
            return .failure(EvaluationError(message: object["error"] as? String ?? "error"))
        }
        if data["resultType"] as? String == "scalar" { return .success(1) }
        return .success((data["result"] as? [Any])?.count ?? 0)
    }

    struct EvaluationError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
