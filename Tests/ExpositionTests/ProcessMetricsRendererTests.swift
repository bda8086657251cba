import Model
import PromText
import Testing

@testable import Exposition

/// The `process_*` families: client_golang's names, and spliced in before OpenMetrics' `# EOF`.
@Suite struct ProcessMetricsRendererTests {
    static let statistics = ProcessStatistics(
        cpuSeconds: 1.5, residentMemoryBytes: 2_048, virtualMemoryBytes: 4_096, openFileDescriptors: 7,
        maxFileDescriptors: nil, startTimeSeconds: 1_795_340_000)

    @Test func textFormat() {
        let text = String(
            decoding: ProcessMetricsRenderer().render(Self.statistics, format: .text), as: UTF8.self)
        #expect(text.contains("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1.5\n"))
        #expect(text.contains("process_resident_memory_bytes 2048\n"))
        #expect(text.contains("process_virtual_memory_bytes 4096\n"))
        #expect(text.contains("process_open_fds 7\n"))
        #expect(text.contains("process_start_time_seconds 1795340000\n"))
        // An unknown limit is left out rather than exposed as a made-up number.
        #expect(!text.contains("process_max_fds"))
    }

    @Test func openMetricsKeepsEOFLast() {
        let body = Array("# TYPE footprint_hosts gauge\nfootprint_hosts 1\n# EOF\n".utf8)
        let text = String(
            decoding: ProcessMetricsRenderer().appending(Self.statistics, to: body, format: .openMetrics),
            as: UTF8.self)
        #expect(text.hasPrefix("# TYPE footprint_hosts gauge\nfootprint_hosts 1\n# TYPE process_cpu_seconds counter\n"))
        #expect(text.hasSuffix("process_virtual_memory_bytes 4096\n# EOF\n"))
        #expect(text.components(separatedBy: "# EOF").count == 2)
    }
}
