import Foundation
import HTTPClient
import TestSupport
import Testing

/// History read from a long-term store: Debian's VictoriaMetrics receiving remote write from a real Prometheus
/// scraping fake hosts. `report`, `workspaces` and `calibrate` over the store give what they give over Prometheus
/// itself, byte for byte once the line naming the endpoint is left out.
@Suite(.serialized) struct LongTermStoreTests {
    @Test func historyFromVictoriaMetricsEqualsHistoryFromPrometheus() throws {
        let directory = try TestStack.temporaryDirectory()
        // Three hosts with whole-node meters, their load changing halfway, so calibration has something to fit. Their
        // CPU seconds are whole ticks, as node_exporter's are: VictoriaMetrics keeps about 15 significant digits.
        let hosts = try (0..<3).map { index in
            try FakeNodeExporter(address: "127.0.0.\(130 + index)", cores: 2 + 2 * index, busyShare: 0.2, ticks: true)
        }
        let meters = try (0..<3).map { index in
            try FakeIPMIExporter(address: "127.0.0.\(130 + index)", watts: 60 + 20 * Double(index))
        }
        defer { for server in hosts.map(\.upstream) + meters.map(\.upstream) { server.stop() } }

        let victoriaPort = FreePort.next()
        let victoria = try TestStack.victoriaMetrics(port: victoriaPort, directory: directory)
        defer { victoria.stop() }
        let jobs = """
              - job_name: node
                static_configs:
                  - targets: [\(hosts.map { "\"\($0.target)\"" }.joined(separator: ", "))]
                    labels: {cloud_project_name: isis, user: jane.doe}
              - job_name: ipmi
                static_configs:
                  - targets: [\(meters.map { "\"\($0.upstream.address):\($0.upstream.port)\"" }.joined(separator: ", "))]
            """
        let prometheusPort = FreePort.next()
        let prometheus = try TestStack.prometheus(
            port: prometheusPort, directory: directory, jobs: jobs,
            remoteWrite: "http://127.0.0.1:\(victoriaPort)/api/v1/write")
        defer { prometheus.stop() }

        let config = """
            collect_interval: 1s
            source:
              kind: prometheus
              prometheus: {url: "http://127.0.0.1:\(prometheusPort)", selector: '{job="node"}'}
            carbon_intensity: {provider: static, static_grams_per_kwh: 180}
            power:
              default: {cpu_watts_per_core: 15, cpu_idle_watts_per_core: 5, ram_watts: 10, other_watts: 20}
              measured: {selector: '{job=~"node|ipmi"}'}
              calibration: {min_hosts: 3}
            """
        let configPath = "\(directory)/footprint.yml"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)

        #expect(
            try TestStack.eventually(timeout: 30) {
                (try TestStack.query(prometheusPort, #"count(up{job=~"node|ipmi"} == 1)"#) ?? 0) == 6
            }, "\(prometheus.logPath)")
        let windowStart = (Date().timeIntervalSince1970 + 1).rounded(.up)
        Thread.sleep(forTimeInterval: 10)
        for (index, host) in hosts.enumerated() { host.set(busyShare: 0.3 + 0.25 * Double(index)) }
        for (index, meter) in meters.enumerated() { meter.set(watts: 90 + 45 * Double(index)) }
        Thread.sleep(forTimeInterval: 10)
        let windowEnd = (Date().timeIntervalSince1970 - 2).rounded(.down)
        // Everything up to the window's end (and one resolution past it) has reached the store.
        #expect(
            try TestStack.eventually(timeout: 30) {
                (try TestStack.query(
                    victoriaPort,
                    #"count(timestamp(node_cpu_seconds_total{job="node",mode="idle"}) > \#(windowEnd + 2))"#
                ) ?? 0) > 0
            }, "\(victoria.logPath)")

        func run(_ arguments: [String], store: UInt16?, _ name: String) throws -> String {
            let path = "\(directory)/\(name)"
            let process = try ExternalProcess(
                TestStack.exporterBinary,
                arguments + [
                    "--config.file=\(configPath)", "--from", "\(Int(windowStart))", "--to", "\(Int(windowEnd))",
                    "--resolution", "1s", "--output", path,
                ] + (store.map { ["--history.url", "http://127.0.0.1:\($0)"] } ?? []))
            #expect(process.waitForExit(timeout: 60) == 0, "\(process.output)")
            return try String(contentsOfFile: path, encoding: .utf8)
        }
        /// The output without the line naming the endpoint: the JSON `url` member or the CSV `source_url` row.
        func withoutEndpoint(_ text: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.contains(#""url": "http://127.0.0.1:"#) && !$0.contains(",source_url,") }
                .joined(separator: "\n")
        }

        let formats: [(arguments: [String], file: String)] = [
            (["report", "--step", "5s", "--format", "json"], "report.json"),
            (["report", "--step", "5s", "--format", "csv"], "report.csv"),
            (["report", "--step", "5s", "--format", "table"], "report.txt"),
            (["report", "--step", "5s", "--format", "openmetrics"], "report.om"),
            (["workspaces", "--format", "json"], "workspaces.json"),
            (["calibrate"], "calibrate.yml"),
        ]
        for format in formats {
            let fromPrometheus = try run(format.arguments, store: nil, "prometheus-\(format.file)")
            let fromStore = try run(format.arguments, store: victoriaPort, "victoria-\(format.file)")
            #expect(withoutEndpoint(fromStore) == withoutEndpoint(fromPrometheus), "\(format.arguments)")
            #expect(!fromStore.isEmpty)
            if format.file == "report.csv" {
                #expect(
                    fromStore.split(separator: "\n").contains {
                        $0.contains(",source_url,") && $0.hasSuffix(",http://127.0.0.1:\(victoriaPort)")
                    })
            }
            if format.file == "report.json" {
                // The reports say where they read, and that is the only difference.
                #expect(fromStore.contains(#""url": "http://127.0.0.1:\#(victoriaPort)","#))
                #expect(fromPrometheus.contains(#""url": "http://127.0.0.1:\#(prometheusPort)","#))
                #expect(fromStore != fromPrometheus)
                let document = try #require(
                    try JSONSerialization.jsonObject(with: Data(fromStore.utf8)) as? [String: Any])
                let summary = try #require(document["summary"] as? [String: Any])
                #expect(summary["hosts"] as? Double == 3)
                let totals = try #require(summary["totals"] as? [String: Any])
                #expect(((totals["kwh"] as? Double) ?? 0) > 0)
            }
        }
    }
}
