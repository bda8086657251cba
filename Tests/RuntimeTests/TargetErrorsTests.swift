import Foundation
import HTTPClient
import Logging
import TestSupport
import Testing

@testable import Config
@testable import Runtime

/// A directly scraped target whose OpenMetrics answer breaks a rule is down for the cycle and counted, while the
/// other targets keep their counters.
@Suite struct TargetErrorsTests {
    @Test func aBrokenOpenMetricsTargetIsDownAndCountedWhileOthersCount() throws {
        let fetcher = InMemoryFetcher()
        let good = "10.0.0.1:9100"
        let broken = "10.0.0.2:9100"
        func node(idle: Double, total: Double) -> String {
            """
            # HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
            # TYPE node_cpu_seconds_total counter
            node_cpu_seconds_total{cpu="0",mode="idle"} \(idle)
            node_cpu_seconds_total{cpu="0",mode="user"} \(total - idle)
            # HELP node_boot_time_seconds Node boot time, in unixtime.
            # TYPE node_boot_time_seconds gauge
            node_boot_time_seconds 1000

            """
        }
        // A line that is neither metadata nor a sample breaks the format: the answer is refused as a whole.
        let brokenBody = "# TYPE node_boot_time_seconds gauge\nnode_boot_time_seconds 1000\nnot valid\n# EOF\n"
        fetcher.route(
            "http://\(broken)/metrics", body: brokenBody,
            contentType: "application/openmetrics-text; version=1.0.0; charset=utf-8")
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                collect_interval: 10s
                source:
                  kind: scrape
                  scrape:
                    static: [{targets: ["\(good)", "\(broken)"], labels: {cloud_project_name: p, user: u}}]
                carbon_intensity: {provider: static, static_grams_per_kwh: 100}
                """, file: "t.yml")
        let clock = ManualClock()
        let application = try Application(
            configuration: configuration, listenAddress: .loopback(port: 0), logger: Logger(label: "test"),
            clock: clock, fetcher: fetcher)
        defer { application.stop() }
        func metrics() throws -> [String: Double] {
            let url = "http://127.0.0.1:\(application.port)/metrics"
            return TestStack.samples(String(decoding: try TestStack.get(url).body, as: UTF8.self))
        }
        for cycle in 0..<3 {
            fetcher.route(
                "http://\(good)/metrics", body: node(idle: 50 + Double(cycle) * 5, total: 100 + Double(cycle) * 10),
                contentType: "text/plain; version=0.0.4")
            application.collectNow()
            clock.advance(by: 10)
        }
        let samples = try metrics()
        #expect(samples[#"footprint_target_up{host="\#(good)"}"#] == 1)
        #expect(samples[#"footprint_target_up{host="\#(broken)"}"#] == 0)
        #expect(samples[#"footprint_target_scrape_errors_total{host="\#(good)"}"#] == 0)
        #expect(samples[#"footprint_target_scrape_errors_total{host="\#(broken)"}"#] == 3)
        // The source's skip totals reach /metrics: one skipped host per cycle.
        #expect(samples[#"footprint_source_skipped_hosts_total{source="scrape",reason="target_failed"}"#] == 3)
        let energy =
            #"footprint_host_energy_joules_total{host="\#(good)",cloud_project_name="p",user="u",grid_region="default",state="idle"}"#
        #expect((samples[energy] ?? 0) > 0)
        #expect(!samples.keys.contains { $0.contains("host=\"\(broken)\"") && $0.hasPrefix("footprint_host_") })
    }
}
