import Foundation
import HTTPClient
import Logging
import MetricsServer
import Model
import Readers
import TestSupport
import Testing

/// The direct-scrape source against real node_exporters and misbehaving targets on loopback.
@Suite(.serialized) struct ScrapeSourceTests {
    @Test func scrapesRealTargetsAndSurvivesBadOnes() throws {
        let directory = try TestStack.temporaryDirectory()
        let nodes = [FreePort.next(), FreePort.next()]
        let exporters = try nodes.map { try TestStack.nodeExporter(port: $0) }
        defer { for server in exporters { server.stop() } }
        let hanging = try FakeUpstream()
        hanging.route("/metrics", .delay(30, then: .ok("")))
        let failing = try FakeUpstream()
        failing.route("/metrics", .status(500, "boom"))
        let garbage = try FakeUpstream()
        garbage.route("/metrics", .ok("node_cpu_seconds_total{cpu=\"0\",mode=\"idle\" 12\n{{{"))
        // Well-formed lines, but OpenMetrics forbids a counter sample without the family's _total suffix.
        let brokenOpenMetrics = try FakeUpstream()
        brokenOpenMetrics.route(
            "/metrics",
            .ok(
                "# TYPE node_cpu_seconds counter\nnode_cpu_seconds{cpu=\"0\",mode=\"idle\"} 12\n# EOF\n",
                contentType: "application/openmetrics-text; version=1.0.0; charset=utf-8"))
        defer { for server in [hanging, failing, garbage, brokenOpenMetrics] { server.stop() } }
        let absent = "127.0.0.1:\(FreePort.next())"
        let good = nodes.map { "127.0.0.1:\($0)" }
        let broken = "127.0.0.1:\(brokenOpenMetrics.port)"
        let bad = [
            "127.0.0.1:\(hanging.port)", "127.0.0.1:\(failing.port)", "127.0.0.1:\(garbage.port)", absent, broken,
        ]

        let port = FreePort.next()
        let config = """
            collect_interval: 1s
            source:
              kind: scrape
              scrape:
                timeout: 1s
                static:
                  - {targets: ["\(good[0])"], labels: {cloud_project_name: isis, user: jane.doe}}
                  - {targets: ["\(good[1])", "\(bad.joined(separator: "\", \""))"], labels: {cloud_project_name: astro, user: bob}}
            carbon_intensity: {provider: static, static_grams_per_kwh: 200}
            """
        let exporter = try TestStack.exporter(port: port, config: config, directory: directory)
        defer { exporter.stop() }
        let url = "http://127.0.0.1:\(port)/metrics"
        // Busy and idle together: on a machine whose cores are saturated (a loaded CI run), the idle share of an
        // interval can be exactly zero, and the check is that the good target is integrated at all.
        let energy = ["busy", "idle"].map {
            #"footprint_host_energy_joules_total{host="\#(good[0])",cloud_project_name="isis",user="jane.doe",grid_region="default",state="\#($0)"}"#
        }
        #expect(
            try TestStack.eventually(timeout: 15) {
                let samples = TestStack.samples(String(decoding: try TestStack.get(url).body, as: UTF8.self))
                return energy.map { samples[$0] ?? 0 }.reduce(0, +) > 0
            }, "\(exporter.output.suffix(3_000))")
        let samples = TestStack.samples(String(decoding: try TestStack.get(url).body, as: UTF8.self))
        for host in good {
            #expect(samples[#"footprint_target_up{host="\#(host)"}"#] == 1, "\(host)")
        }
        for host in bad {
            #expect(samples[#"footprint_target_up{host="\#(host)"}"#] == 0, "\(host)")
        }
        #expect(samples["footprint_hosts"] == 2)
        #expect(samples[#"footprint_source_up{source="scrape"}"#] == 1)
        #expect((samples[#"footprint_source_errors_total{source="scrape"}"#] ?? 0) >= 5)
        // The OpenMetrics target that breaks a rule is down, counted per target, and logged with its line and rule.
        #expect((samples[#"footprint_target_scrape_errors_total{host="\#(broken)"}"#] ?? 0) >= 1)
        #expect(samples[#"footprint_target_scrape_errors_total{host="\#(good[0])"}"#] == 0)
        #expect(
            exporter.output.contains("line 2") && exporter.output.contains("(rule "), "\(exporter.output.suffix(3_000))"
        )
        // The hanging target costs its timeout, not the cycle: the whole read stays near one second.
        #expect((samples[#"footprint_source_duration_seconds{source="scrape"}"#] ?? 99) < 1.8)
        #expect(
            samples[
                #"footprint_host_cpu_cores{host="\#(good[1])",cloud_project_name="astro",user="bob",grid_region="default"}"#
            ] ?? 0 >= 1)
    }

    @Test func fileSDChangesArePickedUpAndBrokenFilesKeepTheirTargets() throws {
        let directory = try TestStack.temporaryDirectory()
        let file = "\(directory)/targets.json"
        try #"[{"targets": ["10.0.0.1:9100"], "labels": {"user": "a"}}]"#.write(
            toFile: file, atomically: true, encoding: .utf8)
        let discovery = TargetDiscovery(
            staticGroups: [], patterns: ["\(directory)/*.json", "\(directory)/*.yml"], logger: Logger(label: "test"))
        #expect(discovery.targets() == [.init(address: "10.0.0.1:9100", labels: ["user": "a"])])

        Thread.sleep(forTimeInterval: 0.02)
        try "- targets: ['10.0.0.2:9100', '10.0.0.3:9100']\n  labels: {user: b}\n".write(
            toFile: "\(directory)/more.yml", atomically: true, encoding: .utf8)
        try #"[{"targets": ["10.0.0.1:9100", "10.0.0.4:9100"], "labels": {"user": "a"}}]"#.write(
            toFile: file, atomically: true, encoding: .utf8)
        #expect(
            Set(discovery.targets().map(\.address)) == [
                "10.0.0.1:9100", "10.0.0.2:9100", "10.0.0.3:9100", "10.0.0.4:9100",
            ])

        try #"[{"targets": ["10.0.0.9:9100"#.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(
            Set(discovery.targets().map(\.address)) == [
                "10.0.0.1:9100", "10.0.0.2:9100", "10.0.0.3:9100", "10.0.0.4:9100",
            ])
        #expect(discovery.brokenFiles[file] != nil)

        try FileManager.default.removeItem(atPath: "\(directory)/more.yml")
        try #"[{"targets": ["not a target"]}]"#.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(Set(discovery.targets().map(\.address)) == ["10.0.0.1:9100", "10.0.0.4:9100"])
        #expect(discovery.brokenFiles[file]?.contains("is not HOST:PORT") == true)
    }

    /// The same node_exporter answer read directly and through a real Prometheus gives the same reading, so
    /// both sources feed identical numbers into the one model.
    @Test func directScrapeEqualsBridge() throws {
        let directory = try TestStack.temporaryDirectory()
        let node = try FakeUpstream()
        defer { node.stop() }
        node.route(
            "/metrics",
            .fixture("node_exporter/node_exporter-1.5.0.prom", contentType: "text/plain; version=0.0.4; charset=utf-8"))
        let host = "127.0.0.1:\(node.port)"
        let prometheusPort = FreePort.next()
        let prometheus = try TestStack.prometheus(
            port: prometheusPort, directory: directory,
            jobs: """
                  - job_name: node
                    static_configs: [{targets: ["\(host)"], labels: {user: alice}}]
                """)
        defer { prometheus.stop() }
        let bridge = PrometheusReader(
            settings: .init(baseURL: "http://127.0.0.1:\(prometheusPort)", selector: #"{job="node"}"#),
            fetcher: TestStack.fetcher
        )
        var bridged: HostReading?
        #expect(
            try TestStack.eventually(timeout: 15) {
                bridged = try? bridge.read(at: Date().timeIntervalSince1970, logger: Logger(label: "test")).readings
                    .first
                return bridged != nil
            })
        let direct = try NodeExporterReading.reading(
            from: try Fixture.data("node_exporter/node_exporter-1.5.0.prom"), host: host, labels: [:], timestamp: 0
        )
        let viaPrometheus = try #require(bridged)
        #expect(viaPrometheus.host == direct.host)
        #expect(abs(viaPrometheus.cpuIdleSeconds - direct.cpuIdleSeconds) < 1e-6)
        #expect(abs(viaPrometheus.cpuTotalSeconds - direct.cpuTotalSeconds) < 1e-6)
        #expect(viaPrometheus.cores == direct.cores)
        #expect(viaPrometheus.memoryActiveRatio == direct.memoryActiveRatio)
        #expect(viaPrometheus.bootTime == direct.bootTime)
        let profile = PowerProfile()
        #expect(
            profile.power(
                cores: direct.cores, idleRatio: direct.cpuIdleSeconds / direct.cpuTotalSeconds,
                memoryActiveRatio: direct.memoryActiveRatio ?? 0)
                == profile.power(
                    cores: viaPrometheus.cores, idleRatio: viaPrometheus.cpuIdleSeconds / viaPrometheus.cpuTotalSeconds,
                    memoryActiveRatio: viaPrometheus.memoryActiveRatio ?? 0)
        )
    }
}
