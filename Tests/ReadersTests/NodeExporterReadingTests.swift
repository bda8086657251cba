import Model
import TestSupport
import Testing

@testable import Readers

/// One node_exporter answer becomes one host reading: CPU seconds by mode summed over CPUs, memory, boot time.
@Suite struct NodeExporterReadingTests {
    @Test func realScrapeBecomesAReading() throws {
        let body = try Fixture.data("node_exporter/node_exporter-1.5.0.prom")
        let reading = try NodeExporterReading.reading(
            from: body, host: "vm:9100", labels: ["user": "jane"], timestamp: 100)
        let text = String(decoding: body, as: UTF8.self)
        var idle = 0.0
        var total = 0.0
        var cpus = Set<Substring>()
        for line in text.split(separator: "\n") where line.hasPrefix("node_cpu_seconds_total{") {
            let value = Double(line.split(separator: " ").last ?? "") ?? .nan
            total += value
            if line.contains(#"mode="idle""#) { idle += value }
            if let cpu = line.split(separator: "\"").dropFirst().first { cpus.insert(cpu) }
        }
        #expect(reading.cores == Double(cpus.count))
        #expect(abs(reading.cpuIdleSeconds - idle) < 1e-6)
        #expect(abs(reading.cpuTotalSeconds - total) < 1e-6)
        #expect(reading.cpuIdleSeconds > 0)
        #expect(reading.bootTime != nil)
        #expect(reading.labels == ["user": "jane"])
    }
}
