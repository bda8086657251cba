import Model
import PromText

/// The exporter's own `process_*` families, named and described as client_golang's process collector does, so
/// the usual node_exporter panels and alerts work on the exporter too.
///
/// They are not in `MetricCatalog`: they describe this process, not the measured hosts, change with every
/// scrape, and are left out of deterministic renders (golden files) and by `--web.disable-exporter-metrics`.
public struct ProcessMetricsRenderer: Sendable {
    public init() {}

    /// The families, each with its `# HELP` and `# TYPE`, without `# EOF`.
    public func render(_ statistics: ProcessStatistics, format: ExpositionFormat) -> [UInt8] {
        var writer = ExpositionWriter(format: format, reservingCapacity: 1024)
        func family(_ name: String, _ help: String, _ type: MetricType, _ value: Double?) {
            guard let value else { return }
            writer.writeHeader(name: name, help: help, type: type)
            writer.writeSample(name: name, labels: LabelSet(), value: value)
        }
        family(
            "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", .counter,
            statistics.cpuSeconds)
        family(
            "process_max_fds", "Maximum number of open file descriptors.", .gauge, statistics.maxFileDescriptors)
        family("process_open_fds", "Number of open file descriptors.", .gauge, statistics.openFileDescriptors)
        family(
            "process_resident_memory_bytes", "Resident memory size in bytes.", .gauge,
            statistics.residentMemoryBytes)
        family(
            "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", .gauge,
            statistics.startTimeSeconds)
        family(
            "process_virtual_memory_bytes", "Virtual memory size in bytes.", .gauge, statistics.virtualMemoryBytes)
        var bytes = writer.finish()
        if format == .openMetrics { bytes.removeLast("# EOF\n".utf8.count) }
        return bytes
    }

    /// `exposition` (a whole render, ending in `# EOF` for OpenMetrics) with the process families added at its
    /// end, where they sort (`process_` after `footprint_`).
    public func appending(
        _ statistics: ProcessStatistics, to exposition: [UInt8], format: ExpositionFormat
    ) -> [UInt8] {
        var bytes = exposition
        let eof = Array("# EOF\n".utf8)
        let hadEOF = format == .openMetrics && bytes.count >= eof.count && Array(bytes.suffix(eof.count)) == eof
        if hadEOF { bytes.removeLast(eof.count) }
        bytes += render(statistics, format: format)
        if hadEOF { bytes += eof }
        return bytes
    }
}
