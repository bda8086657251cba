import Exposition
import HTTPClient
import Logging
import Model
import Readers

/// What one read of a node source produced.
struct SourceRead: Sendable {
    var readings: [HostReading] = []
    /// Hosts left out of this read, with the reason.
    var skipped: [(host: String, reason: String)] = []
    /// Targets that failed within an otherwise successful read (direct scraping), counted as source errors.
    var failures = 0
    /// Per-target outcome, for sources that scrape targets themselves.
    var targets: [ExporterStatus.Target] = []
}

/// Where node metrics come from: one of the configured source kinds.
protocol NodeSource: Sendable {
    /// The `source` label value.
    var name: String { get }
    func read(now: Double, logger: Logger) throws(ReaderError) -> SourceRead
}

/// This host, from procfs.
struct LocalNodeSource: NodeSource {
    let reader: LocalHostReader
    var name: String { "local" }

    func read(now: Double, logger: Logger) throws(ReaderError) -> SourceRead {
        SourceRead(readings: [try reader.read()])
    }
}

/// Every host a Prometheus server scrapes from node_exporter.
struct PrometheusNodeSource: NodeSource {
    let reader: PrometheusReader
    var name: String { "prometheus" }

    func read(now: Double, logger: Logger) throws(ReaderError) -> SourceRead {
        let result = try reader.read(at: now, logger: logger)
        return SourceRead(readings: result.readings, skipped: result.skipped)
    }
}
