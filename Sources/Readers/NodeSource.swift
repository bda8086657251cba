import Exposition
import HTTPClient
import Logging
import Model
import Readers

/// What one read of a node source produced.
public struct SourceRead: Sendable {
    public var readings: [HostReading] = []
    /// Hosts left out of this read, with the reason.
    public var skipped: [(host: String, reason: String)] = []
    /// Targets that failed within an otherwise successful read (direct scraping), counted as source errors.
    public var failures = 0
    /// Per-target outcome, for sources that scrape targets themselves.
    public var targets: [ExporterStatus.Target] = []
}

/// Where node metrics come from: one of the configured source kinds.
public protocol NodeSource: Sendable {
    /// The `source` label value.
    var name: String { get }
    func read(now: Double, logger: Logger) throws(ReaderError) -> SourceRead
}

/// This host, from procfs.
public struct LocalNodeSource: NodeSource {
    public let reader: LocalHostReader
    public var name: String { "local" }

    public init(reader: LocalHostReader) { self.reader = reader }

    public func read(now: Double, logger: Logger) throws(ReaderError) -> SourceRead {
        SourceRead(readings: [try reader.read()])
    }
}

/// Every host a Prometheus server scrapes from node_exporter.
public struct PrometheusNodeSource: NodeSource {
    public let reader: PrometheusReader
    public var name: String { "prometheus" }

    public init(reader: PrometheusReader) { self.reader = reader }

    public func read(now: Double, logger: Logger) throws(ReaderError) -> SourceRead {
        let result = try reader.read(at: now, logger: logger)
        return SourceRead(readings: result.readings, skipped: result.skipped)
    }
}
