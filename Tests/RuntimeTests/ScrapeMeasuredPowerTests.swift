import Foundation
import Logging
import TestSupport
import Testing

@testable import Config
@testable import Runtime

/// Scrape mode with measured exporters on the hosts (power.measured.targets): a host with a whole-node meter
/// gets `node_watts × pue`, a host with a GPU gets its profile plus the GPU, one without either its profile.
@Suite struct ScrapeMeasuredPowerTests {
    private func node(step: Int) -> String {
        """
        # TYPE node_cpu_seconds_total counter
        node_cpu_seconds_total{cpu="0",mode="idle"} \(1_000 + step * 5)
        node_cpu_seconds_total{cpu="0",mode="user"} \(100 + step * 5)
        # TYPE node_boot_time_seconds gauge
        node_boot_time_seconds 1000

        """
    }

    @Test func extraTargetsOnEachHostAreJoinedToIt() throws {
        let fetcher = InMemoryFetcher()
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                collect_interval: 10s
                source:
                  kind: scrape
                  scrape:
                    static: [{targets: ["10.0.0.1:9100", "10.0.0.2:9100", "10.0.0.3:9100"], labels: {cloud_project_name: p, user: u}}]
                carbon_intensity: {provider: static, static_grams_per_kwh: 100}
                power:
                  default: {cpu_watts_per_core: 10, cpu_idle_watts_per_core: 2, ram_watts: 0, other_watts: 20, pue: 1.5}
                  measured:
                    targets: [{port: 9290}, {port: 9400, path: /metrics}]
                """, file: "s.yml")
        let clock = ManualClock()
        let application = try Application(
            configuration: configuration, listenAddress: .loopback(port: 0), logger: Logger(label: "test"),
            clock: clock, fetcher: fetcher)
        defer { application.stop() }
        fetcher.route(
            "http://10.0.0.1:9290/metrics",
            body: "# TYPE ipmi_dcmi_power_consumption_watts gauge\nipmi_dcmi_power_consumption_watts 240\n")
        fetcher.route(
            "http://10.0.0.2:9400/metrics",
            body: "# TYPE DCGM_FI_DEV_POWER_USAGE gauge\nDCGM_FI_DEV_POWER_USAGE{gpu=\"0\",UUID=\"GPU-1\"} 100\n")
        for step in 0...2 {
            for host in 1...3 { fetcher.route("http://10.0.0.\(host):9100/metrics", body: node(step: step)) }
            application.collectNow()
            clock.advance(by: 10)
        }
        let url = "http://127.0.0.1:\(application.port)/metrics"
        let samples = TestStack.samples(String(decoding: try TestStack.get(url).body, as: UTF8.self))
        func labels(_ host: Int) -> String {
            #"host="10.0.0.\#(host):9100",cloud_project_name="p",user="u",grid_region="default""#
        }
        // Half busy, one core: the profile gives (2 + 8 × 0.5 + 20) × 1.5 = 39 W.
        #expect(samples["footprint_host_power_watts{\(labels(1))}"] == 360)
        #expect(samples[#"footprint_host_power_method{\#(labels(1)),method="node"}"#] == 1)
        #expect(abs((samples["footprint_host_power_watts{\(labels(2))}"] ?? 0) - (39 + 150)) < 0.01)
        #expect(samples["footprint_host_gpu_power_watts{\(labels(2))}"] == 150)
        #expect(samples[#"footprint_host_power_method{\#(labels(2)),method="model"}"#] == 1)
        #expect(abs((samples["footprint_host_power_watts{\(labels(3))}"] ?? 0) - 39) < 0.01)
        #expect(samples[#"footprint_target_up{host="10.0.0.3:9100"}"#] == 1)
    }
}
