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
            for variable in ["job", "instance", "grid_region", "cloud_project_name", "user", "host", "machine_name"] {
                #expect(variables.contains { $0["name"] as? String == variable }, "\(name) lacks $\(variable)")
            }
            for panel in Self.panels(dashboard) where panel["type"] as? String != "row" {
                let title = panel["title"] as? String ?? "?"
                let datasource = panel["datasource"] as? [String: Any]
                #expect(datasource?["uid"] as? String == "${datasource}", "\(name)/\(title): datasource")
                let unit = ((panel["fieldConfig"] as? [String: Any])?["defaults"] as? [String: Any])?["unit"] as? String
                #expect(!(unit ?? "").isEmpty, "\(name)/\(title): no unit")
                if panel["type"] as? String == "timeseries" {
                    let legend = (panel["options"] as? [String: Any])?["legend"] as? [String: Any]
                    #expect(legend?["displayMode"] as? String == "table", "\(name)/\(title): legend is not a table")
                    let calcs = legend?["calcs"] as? [String] ?? []
                    #expect(calcs.count > 0, "\(name)/\(title): legend without calcs")
                }
            }
            for (title, expr) in Self.expressions(dashboard) {
                // Raw counters are rated over Grafana's rate interval (or the dashboard range for totals).
                if expr.contains("rate(") || expr.contains("increase(") {
                    #expect(expr.contains("$__rate_interval") || expr.contains("$__range"), "\(name)/\(title): \(expr)")
                }
                // A second scrape job or instance must not add to the panels: exporter series are selected by
                // both. Recorded series are already limited to the rules' job.
                if !expr.contains(":footprint_") {
                    #expect(
                        expr.contains(#"job=~"$job", instance=~"$instance""#), "\(name)/\(title): no job selector")
                }
                let identifiers = expr.matches(of: /[a-zA-Z_:][a-zA-Z0-9_:]*/).map { String($0.output) }
                for identifier in identifiers
                where identifier.hasPrefix("footprint_") || identifier.contains(":footprint_") {
                    #expect(known.contains(identifier), "\(name)/\(title): unknown metric \(identifier)")
                }
            }
        }
    }

    /// Project, user and host drill down into each other: the overview and project dashboards link to the
    /// project and user dashboards, and tables link their host cells to the host dashboard.
    @Test func drillDownLinks() throws {
        var targets: [String: Set<String>] = [:]
        for (name, dashboard) in try Self.dashboards() {
            let text = String(decoding: try JSONSerialization.data(withJSONObject: dashboard), as: UTF8.self)
                .replacingOccurrences(of: "\\/", with: "/")
            for view in ["project", "user", "host"] where text.contains("/d/footprint_exporter-\(view)?") {
                targets[name, default: []].insert(view)
            }
            #expect(text.contains("${__url_time_range}") == !(targets[name] ?? []).isEmpty, "\(name)")
        }
        #expect(targets["footprint_exporter-overview"] == ["project", "user"])
        #expect(targets["footprint_exporter-project"] == ["project", "user", "host"])
        #expect(targets["footprint_exporter-user"]?.contains("host") == true)
        #expect(targets["footprint_exporter-host"]?.contains("user") == true)
    }

    @Test func everyQueryReturnsDataFromARealPrometheus() throws {
        let directory = try TestStack.temporaryDirectory()
        let nodePort = FreePort.next()
        let prometheusPort = FreePort.next()
        let exporterPort = FreePort.next()
        let host = "127.0.0.1:\(nodePort)"
        let node = try TestStack.nodeExporter(port: nodePort)
        defer { node.stop() }
        // Measured power, so the GPU and calibration panels have data: a GPU on the node_exporter's host; three
        // metered hosts of the `calib` profile (2, 4 and 8 cores at steady, different loads) whose meters follow
        // 2 W per idle core, 8 W per busy core and 30 W other; one metered host of a profile with too few to fit.
        let dcgm = try FakeDCGMExporter(
            hostname: "node", gpus: [.init(uuid: "GPU-0", watts: 200, utilisationPercent: 50)])
        let metered: [(cores: Int, busy: Double, machine: String)] = [
            (2, 0.2, "calib"), (4, 0.5, "calib"), (8, 0.8, "calib"), (4, 0.5, "lone"),
        ]
        var meteredNodes: [FakeNodeExporter] = []
        var meters: [FakeIPMIExporter] = []
        for (index, host) in metered.enumerated() {
            let address = "127.0.0.\(41 + index)"
            meteredNodes.append(try FakeNodeExporter(address: address, cores: host.cores, busyShare: host.busy))
            let watts = Double(host.cores) * (2 * (1 - host.busy) + 8 * host.busy) + 30
            meters.append(try FakeIPMIExporter(address: address, watts: watts))
        }
        let fakes = [dcgm.upstream] + meteredNodes.map(\.upstream) + meters.map(\.upstream)
        defer { for fake in fakes { fake.stop() } }
        func quoted(_ targets: [FakeUpstream]) -> String {
            targets.map { "\"\($0.address):\($0.port)\"" }.joined(separator: ", ")
        }
        let meteredTargets = metered.enumerated().map { index, host in
            "      - targets: [\"\(meteredNodes[index].target)\"]\n"
                + "        labels: {cloud_project_name: isis, user: jane.doe, machine_name: \(host.machine)}\n"
        }.joined()
        let rules = Self.repository.appendingPathComponent("alerts").path
        let jobs = """
              - job_name: node
                static_configs:
                  - targets: ["\(host)"]
                    labels: {cloud_project_name: isis, user: jane.doe, machine_name: "Artemis (Matlab)"}
            \(meteredTargets)  - job_name: measured
                static_configs:
                  - targets: [\(quoted([dcgm.upstream] + meters.map(\.upstream)))]
              - job_name: footprint_exporter
                static_configs:
                  - targets: ["127.0.0.1:\(exporterPort)"]

            """
            + "rule_files: [\"\(rules)/footprint_exporter.rules.yml\", \"\(rules)/footprint_exporter.alerts.yml\"]\n"
        let prometheus = try TestStack.prometheus(port: prometheusPort, directory: directory, jobs: jobs)
        defer { prometheus.stop() }
        let config = """
            collect_interval: 1s
            source:
              kind: prometheus
              prometheus:
                url: http://127.0.0.1:\(prometheusPort)
                selector: '{job="node"}'
                attribution_labels: [cloud_project_name, user, machine_name]
            carbon_intensity: {providers: [file, static], file: {path: intensity.csv}, static_grams_per_kwh: 180}
            power:
              profiles:
                - {name: calib, match: {machine_name: calib}, cpu_watts_per_core: 12, cpu_idle_watts_per_core: 1, ram_watts: 0, other_watts: 10}
                - {name: lone, match: {machine_name: lone}, cpu_watts_per_core: 12, cpu_idle_watts_per_core: 1, ram_watts: 0, other_watts: 10}
              measured: {selector: '{job=~"node|measured"}'}
              calibration: {window: 10m, min_hosts: 3}
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
            let fitted =
                try TestStack.query(prometheusPort, #"count(footprint_power_profile_watts{origin="fitted"})"#) ?? 0
            // The GPU panels' range total, with both states (busy and idle) increasing.
            let gpu =
                try TestStack.query(
                    prometheusPort,
                    "count(sum by (state) (sum_over_time(increase(footprint_host_gpu_energy_joules_total[8s])[1m:8s])) > 0)"
                ) ?? 0
            return recorded > 0 && rated > 0 && totals > 0 && fitted > 0 && gpu >= 2
        }
        #expect(ready, "no recorded data:\n\(exporter.output.suffix(2_000))")
        Thread.sleep(forTimeInterval: 3)

        let substitutions = [
            ("${datasource}", ""), ("$__rate_interval", "8s"), ("${__rate_interval}", "8s"), ("$__range", "1m"),
            ("${__range}", "1m"), ("$__interval", "1s"), ("${__interval}", "1s"),
            ("$cloud_project_name", "isis"), ("${cloud_project_name}", "isis"), ("$user", "jane.doe"),
            ("${user}", "jane.doe"),
            ("$machine_name", #"Artemis \\(Matlab\\)"#), ("${machine_name}", #"Artemis \\(Matlab\\)"#),
            ("$host", host), ("${host}", host), ("$job", "footprint_exporter"), ("${job}", "footprint_exporter"),
            ("$instance", "127.0.0.1:\(exporterPort)"), ("${instance}", "127.0.0.1:\(exporterPort)"),
            ("$grid_region", ".+"), ("${grid_region}", ".+"),
        ]
        // Measured power and calibration have produced their series: a fitted profile, a rejected one, a GPU.
        for selector in [
            #"footprint_host_gpu_power_watts"#, #"footprint_host_gpu_energy_joules_total"#,
            #"footprint_power_profile_fit_hosts{profile="calib"}"#,
            #"footprint_power_profile_fit_error_ratio{profile="calib"}"#,
            #"footprint_power_profile_watts{profile="calib",origin="fitted"}"#,
            #"footprint_power_profile_fit_rejected{profile="lone",reason="too_few_hosts"} == 1"#,
        ] {
            #expect((try TestStack.query(prometheusPort, "count(\(selector))") ?? 0) > 0, "no \(selector)")
        }
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
                case .success(let count) where count == 0:
                    empty.append("\(name)/\(title): \(promQL)")
                case .success: break
                }
            }
        }
        #expect(failed.isEmpty, "queries that failed:\n\(failed.joined(separator: "\n"))")
        #expect(empty.isEmpty, "queries without data:\n\(empty.joined(separator: "\n"))")

        // The variables' own queries, as Grafana runs them when a dashboard opens, with the viewer jane.doe.
        var noValues: [String] = []
        for (name, dashboard) in try Self.dashboards() {
            for variable in Self.queryVariables(dashboard) {
                var query = variable.query.replacingOccurrences(of: "${__user.login}", with: "jane.doe")
                for (name, value) in substitutions.sorted(by: { $0.0.count > $1.0.count }) {
                    query = query.replacingOccurrences(of: name, with: value)
                }
                let values = try Self.variableValues(prometheusPort, query)
                if values.isEmpty { noValues.append("\(name)/$\(variable.name): \(query)") }
            }
        }
        #expect(noValues.isEmpty, "variables without values:\n\(noValues.joined(separator: "\n"))")

        // The user dashboard opens on the viewer where a user of that login exists, and on some user otherwise.
        let userDashboard = try #require(try Self.dashboards().first { $0.name == "footprint_exporter-user" })
        let userVariable = try #require(Self.queryVariables(userDashboard.json).first { $0.name == "user" })
        #expect(userVariable.query.contains("${__user.login}"))
        for (login, expected) in [("jane.doe", "jane.doe"), ("nobody", "jane.doe")] {
            var query = userVariable.query.replacingOccurrences(of: "${__user.login}", with: login)
            for (name, value) in substitutions.sorted(by: { $0.0.count > $1.0.count }) {
                query = query.replacingOccurrences(of: name, with: value)
            }
            #expect(try Self.variableValues(prometheusPort, query).first == expected, "viewer \(login)")
        }
    }

    /// The query variables of a dashboard: name and query.
    static func queryVariables(_ dashboard: [String: Any]) -> [(name: String, query: String)] {
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        return variables.compactMap { variable in
            guard variable["type"] as? String == "query", let name = variable["name"] as? String,
                let query = variable["query"] as? String
            else { return nil }
            return (name, query)
        }
    }

    /// The values Grafana offers for a variable query, in Grafana's order: `label_values(selector, label)` as
    /// the label's values, `query_result(expr)` as the result's first label value per series, in result order.
    static func variableValues(_ port: UInt16, _ query: String) throws -> [String] {
        let promQL: String
        let label: String
        if let match = query.wholeMatch(of: /label_values\((.*), *([a-zA-Z_][a-zA-Z0-9_]*)\)/) {
            label = String(match.2)
            promQL = "count by (\(label)) (\(match.1))"
        } else if let match = query.wholeMatch(of: /query_result\((.*)\)/),
            let inner = String(match.1).firstMatch(of: /count by \(([a-zA-Z_][a-zA-Z0-9_]*)\)/)
        {
            label = String(inner.1)
            promQL = String(match.1)
        } else {
            return []
        }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let escaped = promQL.addingPercentEncoding(withAllowedCharacters: allowed) ?? promQL
        let response = try TestStack.get("http://127.0.0.1:\(port)/api/v1/query?query=\(escaped)")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        let result = (object?["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
        return result.compactMap { ($0["metric"] as? [String: String])?[label] }
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
