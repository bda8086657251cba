import Foundation
import HTTPClient
import MetricsServer
import TestSupport
import Testing

/// The exporter binary in bridge mode against Debian's real Prometheus and node_exporter on loopback.
@Suite(.serialized) struct EndToEndTests {
    @Test func bridgeModeSurvivesOutagesWithoutLosingEnergy() throws {
        let directory = try TestStack.temporaryDirectory()
        let nodePort = FreePort.next()
        let prometheusPort = FreePort.next()
        let exporterPort = FreePort.next()
        let host = "127.0.0.1:\(nodePort)"

        let carbon = try FakeUpstream()
        defer { carbon.stop() }
        carbon.route("/intensity", .fixture("carbon-intensity-uk/intensity_current.json"))

        let node = try TestStack.nodeExporter(port: nodePort)
        defer { node.stop() }
        let jobs = TestStack.bridgeJobs(node: host, exporterPort: exporterPort, exporterJob: "footprint")
        var prometheus = try TestStack.prometheus(port: prometheusPort, directory: directory, jobs: jobs)
        defer { prometheus.stop() }

        // Power that does not depend on load (idle watts = busy watts, no memory term), so total energy divided
        // by the power is exactly the integrated time, which must cover the outage too.
        let config = """
            collect_interval: 1s
            source:
              kind: prometheus
              prometheus:
                url: http://127.0.0.1:\(prometheusPort)
                selector: '{job="node"}'
                timeout: 2s
            carbon_intensity:
              provider: uk
              uk: {url: "\(carbon.baseURL)"}
              refresh: 1s
              max_age: 1h
              fallback_grams_per_kwh: 300
            power:
              default: {cpu_watts_per_core: 10, cpu_idle_watts_per_core: 10, ram_watts: 0, other_watts: 20}
              profiles:
                - name: artemis
                  match: {machine_name: "Artemis (Matlab)"}
                  cpu_watts_per_core: 15
                  cpu_idle_watts_per_core: 15
            """
        let exporter = try TestStack.exporter(port: exporterPort, config: config, directory: directory)
        defer { exporter.stop() }
        let metricsURL = "http://127.0.0.1:\(exporterPort)/metrics"
        let labels = #"host="\#(host)",cloud_project_name="isis",user="jane.doe",grid_region="GB""#
        let busy = #"footprint_host_energy_joules_total{\#(labels),state="busy"}"#
        let idle = #"footprint_host_energy_joules_total{\#(labels),state="idle"}"#

        var lastSeen: [String: Double] = [:]
        var decreases: [String] = []
        func scrape() throws -> [String: Double] {
            let samples = TestStack.samples(String(decoding: try TestStack.get(metricsURL).body, as: UTF8.self))
            for (series, value) in samples where series.contains("_total") {
                if let previous = lastSeen[series], value < previous {
                    decreases.append("\(series): \(previous) -> \(value)")
                }
                lastSeen[series] = value
            }
            return samples
        }
        func energy(_ samples: [String: Double]) -> Double { (samples[busy] ?? 0) + (samples[idle] ?? 0) }

        #expect(
            try TestStack.eventually { energy(try scrape()) > 0 }, "no energy yet:\n\(exporter.output.suffix(3_000))")

        let live = try scrape()
        #expect(live["footprint_hosts"] == 1)
        #expect(live["footprint_host_power_watts{\(labels)}"] == 50) // 2 cores x 15 W + 20 W: the artemis profile
        #expect(live["footprint_host_cpu_cores{\(labels)}"] == 2)
        #expect((live["footprint_host_memory_active_ratio{\(labels)}"] ?? 0) > 0)
        #expect((live["footprint_host_boot_time_seconds{\(labels)}"] ?? 0) > 1_000_000_000)
        #expect(
            live[#"footprint_grid_carbon_intensity_grams_per_kilowatt_hour{provider="uk",grid_region="GB"}"#] == 176)
        #expect(live[#"footprint_source_up{source="prometheus"}"#] == 1)
        #expect(live[#"footprint_source_up{source="carbon_intensity"}"#] == 1)

        // The live output passes promtool's lint.
        let outputPath = "\(directory)/live.prom"
        try TestStack.get(metricsURL).body.withUnsafeBufferPointer {
            try Data(buffer: $0).write(to: URL(fileURLWithPath: outputPath))
        }
        let lint = try Promtool.checkMetrics(outputPath)
        #expect(lint.status == 0, "\(lint.output)")

        // A second, real scrape of the exporter: Prometheus sees it up.
        #expect(try TestStack.eventually { try TestStack.query(prometheusPort, #"up{job="footprint"}"#) == 1 })
        #expect(
            try TestStack.eventually {
                (try TestStack.query(prometheusPort, "sum(footprint_host_energy_joules_total)") ?? 0) > 0
            })

        // Prometheus goes away for a while: the exporter keeps serving its last state and counts the failures.
        prometheus.stop()
        let frozen = energy(try scrape())
        #expect(
            try TestStack.eventually(timeout: 10) { try scrape()[#"footprint_source_up{source="prometheus"}"#] == 0 })
        Thread.sleep(forTimeInterval: 8)
        let during = try scrape()
        #expect(energy(during) >= frozen)
        #expect((during[#"footprint_source_errors_total{source="prometheus"}"#] ?? 0) >= 3)
        #expect(during["footprint_hosts"] == 1)

        // The carbon provider fails too: 500, then garbage. The last good value stays in force.
        carbon.route("/intensity", .status(500, #"{"error":{"code":"500","message":"down"}}"#))
        #expect(
            try TestStack.eventually(timeout: 10) {
                try scrape()[#"footprint_source_up{source="carbon_intensity"}"#] == 0
            })
        carbon.route("/intensity", .ok("<html>garbage</html>"))
        Thread.sleep(forTimeInterval: 2)
        let carbonDown = try scrape()
        #expect(
            carbonDown[#"footprint_grid_carbon_intensity_grams_per_kilowatt_hour{provider="uk",grid_region="GB"}"#]
                == 176)
        #expect(carbonDown[#"footprint_grid_carbon_intensity_fallback{provider="uk",grid_region="GB"}"#] == 0)
        #expect((carbonDown[#"footprint_source_errors_total{source="carbon_intensity"}"#] ?? 0) >= 2)

        // Prometheus comes back on the same port and storage: the gap is integrated from counter deltas.
        prometheus = try TestStack.prometheus(port: prometheusPort, directory: directory, jobs: jobs)
        carbon.route("/intensity", .fixture("carbon-intensity-uk/intensity_current.json"))
        #expect(
            try TestStack.eventually(timeout: 30) { try scrape()[#"footprint_source_up{source="prometheus"}"#] == 1 })
        #expect(try TestStack.eventually(timeout: 20) { energy(try scrape()) > frozen + 50 * 5 })
        let end = try scrape()
        let integratedSeconds = energy(end) / 50
        // Every sample Prometheus took of the host, before and after its own outage. The exporter integrates
        // from its first baseline sample to its latest one: within a couple of scrape intervals of the whole
        // span at each end. Losing the outage would make it 8 s or more short.
        let times = try TestStack.sampleTimes(
            prometheusPort, #"node_cpu_seconds_total{job="node",cpu="0",mode="idle"}"#)
        let span = (times.last ?? 0) - (times.first ?? 0)
        #expect(
            integratedSeconds > span - 4,
            "integrated \(integratedSeconds) s of \(span) s\n\(exporter.output.suffix(4_000))")
        #expect(integratedSeconds <= span + 0.001, "integrated \(integratedSeconds) s of \(span) s")
        #expect((end[#"footprint_host_emissions_grams_total{\#(labels),state="busy"}"#] ?? 0) > 0)
        #expect(decreases.isEmpty, "counters decreased: \(decreases)")
    }

    @Test func localSourceServesThisHost() throws {
        let directory = try TestStack.temporaryDirectory()
        let port = FreePort.next()
        let config = """
            collect_interval: 1s
            source:
              kind: local
              local:
                host: test-host
                labels: {cloud_project_name: dev, user: alice}
            carbon_intensity: {provider: static, static_grams_per_kwh: 100}
            """
        let exporter = try TestStack.exporter(port: port, config: config, directory: directory)
        defer { exporter.stop() }
        let labels = #"host="test-host",cloud_project_name="dev",user="alice",grid_region="default""#
        #expect(
            try TestStack.eventually(timeout: 10) {
                let text = String(decoding: try TestStack.get("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
                return (TestStack.samples(text)["footprint_host_busy_seconds_total{\(labels)}"] ?? 0) > 0
                    || (TestStack.samples(text)[#"footprint_host_energy_joules_total{\#(labels),state="idle"}"#] ?? 0)
                        > 0
            }
        )
        let landing = try TestStack.get("http://127.0.0.1:\(port)/")
        #expect(landing.status == 200)
        #expect(String(decoding: landing.body, as: UTF8.self).contains(#"href="/metrics""#))
        #expect(try TestStack.get("http://127.0.0.1:\(port)/-/healthy").status == 200)
        #expect(try TestStack.get("http://127.0.0.1:\(port)/nothing").status == 404)
        let metrics = try TestStack.get("http://127.0.0.1:\(port)/metrics")
        #expect(metrics.contentType == "text/plain; version=0.0.4; charset=utf-8")
        let openMetrics = try TestStack.get(
            "http://127.0.0.1:\(port)/metrics",
            headers: [
                HTTPHeader(
                    name: "Accept", value: "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
            ]
        )
        #expect(openMetrics.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(String(decoding: openMetrics.body, as: UTF8.self).hasSuffix("# EOF\n"))

        // SIGTERM stops it cleanly.
        exporter.signal(SIGTERM)
        #expect(exporter.waitForExit() == 0)
        #expect(exporter.output.contains("footprint_exporter stopped"))
    }

    @Test func checkConfigAndVersion() throws {
        let directory = try TestStack.temporaryDirectory()
        let good = "\(directory)/good.yml"
        try
            "source: {kind: prometheus, prometheus: {url: 'http://127.0.0.1:9', basic_auth: {username: u, password: s3cret}}}\n"
            .write(toFile: good, atomically: true, encoding: .utf8)
        let ok = try ExternalProcess(TestStack.exporterBinary, ["check-config", good])
        #expect(ok.waitForExit() == 0)
        #expect(ok.output.contains("kind: prometheus"))
        #expect(!ok.output.contains("s3cret"))

        let bad = "\(directory)/bad.yml"
        try "collect_interval: 0s\nsource:\n  kind: nope\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let failed = try ExternalProcess(TestStack.exporterBinary, ["check-config", bad])
        #expect(failed.waitForExit() != 0)
        #expect(failed.output.contains("\(bad):1: collect_interval must be a positive duration"))
        #expect(failed.output.contains("\(bad):3: source.kind must be one of local, prometheus, scrape"))

        let version = try ExternalProcess(TestStack.exporterBinary, ["--version"])
        #expect(version.waitForExit() == 0)
        #expect(version.output.hasPrefix("footprint_exporter 0.1.0"))
    }
}
