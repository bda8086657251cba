import HTTPClient
import Logging
import Model
import Readers

/// Where node metrics come from: one of the configured source kinds.
protocol NodeSource: Sendable {
    /// The `source` label value.
    var name: String { get }
    func read(now: Double, logger: Logger) throws(ReaderError) -> (readings: [HostReading], skipped: [(host: String, reason: String)])
}

/// This host, from procfs.
struct LocalNodeSource: NodeSource {
    let reader: LocalHostReader
    var name: String { "local" }

    func read(now: Double, logger: Logger) throws(ReaderError) -> (readings: [HostReading], skipped: [(host: String, reason: String)]) {
        ([try reader.read()], [])
    }
}

/// Every host a Prometheus server scrapes from node_exporter.
struct PrometheusNodeSource: NodeSource {
    let reader: PrometheusReader
    var name: String { "prometheus" }

    func read(now: Double, logger: Logger) throws(ReaderError) -> (readings: [HostReading], skipped: [(host: String, reason: String)]) {
        let result = try reader.read(at: now, logger: logger)
        return (result.readings, result.skipped)
    }
}
