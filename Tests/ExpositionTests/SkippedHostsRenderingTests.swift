import Counters
import Model
import Testing

@testable import Exposition

/// `footprint_source_skipped_hosts_total`: one series per source and reason, none without skips.
@Suite struct SkippedHostsRenderingTests {
    func render(_ skipped: [ExporterStatus.SkippedHosts]) -> String {
        var status = ExporterStatus(sources: [], grids: [], version: "v", revision: "r")
        status.skippedHosts = skipped
        let snapshot = Snapshot(attributionLabels: [], accounts: [], hostsInLastCollection: 0, lastCollection: 1)
        return String(decoding: SnapshotRenderer().render(snapshot, status: status), as: UTF8.self)
    }

    @Test func countsBySourceAndReason() {
        let text = render([
            .init(source: "prometheus", reason: "no_cpu_counters", count: 1),
            .init(source: "prometheus", reason: "invalid_values", count: 3),
        ])
        #expect(text.contains("# TYPE footprint_source_skipped_hosts_total counter\n"))
        #expect(
            text.contains(
                """
                footprint_source_skipped_hosts_total{source="prometheus",reason="invalid_values"} 3
                footprint_source_skipped_hosts_total{source="prometheus",reason="no_cpu_counters"} 1

                """))
    }

    @Test func noSkipsNoFamily() {
        #expect(!render([]).contains("# TYPE footprint_source_skipped_hosts_total"))
    }
}
