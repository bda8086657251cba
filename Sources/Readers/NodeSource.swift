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
    public var targets: [TargetOutcome] = []

    public init(
        readings: [HostReading] = [], skipped: [(host: String, reason: String)] = [], failures: Int = 0,
        targets: [TargetOutcome] = []
    ) {
        self.readings = readings
        self.skipped = skipped
        self.failures = failures
        self.targets = targets
    }
}

/// How one directly scraped target fared in a cycle.
public struct TargetOutcome: Sendable, Equatable {
    /// The target's address, which is its host label.
    public var host: String
    /// Answered with HTTP 200 and an exposition that parsed.
    public var up: Bool
    public var durationSeconds: Double
    /// Why the target is down this cycle (transport failure, status, or the parse error with its line).
    public var error: String?

    public init(host: String, up: Bool, durationSeconds: Double, error: String? = nil) {
        self.host = host
        self.up = up
        self.durationSeconds = durationSeconds
        self.error = error
    }
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
