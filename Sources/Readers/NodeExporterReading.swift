import Model
import PromText

/// Turns one node_exporter scrape into a host reading.
///
/// Only the families the model needs are materialised by the parser: CPU seconds (summed over CPUs, idle
/// and all modes; the number of distinct `cpu` labels is the core count), Active and MemTotal memory, and
/// boot time.
public enum NodeExporterReading {
    public static let families: Set<String> = [
        "node_cpu_seconds_total", "node_memory_Active_bytes", "node_memory_MemTotal_bytes", "node_boot_time_seconds",
    ]

    /// - Parameters:
    ///   - timestamp: when the scrape was answered; a direct scrape's samples carry no time of their own.
    public static func reading(
        from body: [UInt8],
        format: ExpositionFormat = .text,
        host: String,
        labels: [String: String],
        timestamp: Double
    ) throws(ReaderError) -> HostReading {
        try reading(from: parse(body, format: format, host: host), host: host, labels: labels, timestamp: timestamp)
    }

    /// The families of one answer, parsed once: the node families and any `extra` ones (measured power).
    /// - Throws: `ReaderError.malformed` naming the host, with the parse error's line (and rule).
    public static func parse(
        _ body: [UInt8], format: ExpositionFormat = .text, host: String, extra: Set<String> = []
    ) throws(ReaderError) -> [MetricFamily] {
        do {
            return try TextParser.parse(body, families: families.union(extra), format: format)
        } catch {
            throw .malformed("\(host): \(error)")
        }
    }

    /// The reading from families already parsed.
    public static func reading(
        from parsed: [MetricFamily], host: String, labels: [String: String], timestamp: Double
    ) throws(ReaderError) -> HostReading {
        var idle = 0.0
        var total = 0.0
        var cpus = Set<String>()
        var active: Double?
        var memTotal: Double?
        var bootTime: Double?
        for family in parsed {
            switch family.name {
            case "node_cpu_seconds_total":
                for sample in family.samples where sample.name == family.name {
                    total += sample.value
                    if sample.labels["mode"] == "idle" { idle += sample.value }
                    if let cpu = sample.labels["cpu"] { cpus.insert(cpu) }
                }
            case "node_memory_Active_bytes": active = family.samples.first?.value
            case "node_memory_MemTotal_bytes": memTotal = family.samples.first?.value
            case "node_boot_time_seconds": bootTime = family.samples.first?.value
            default: continue
            }
        }
        guard !cpus.isEmpty else { throw .noData("\(host): no node_cpu_seconds_total") }
        var ratio: Double?
        if let active, let memTotal, memTotal > 0, active.isFinite { ratio = active / memTotal }
        return HostReading(
            host: host,
            labels: labels,
            timestamp: timestamp,
            cpuIdleSeconds: idle,
            cpuTotalSeconds: total,
            cores: Double(cpus.count),
            memoryActiveRatio: ratio,
            bootTime: bootTime,
            memoryTotalBytes: memTotal
        )
    }
}
