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
    /// Measured power read with the hosts (RAPL, whole-node meters, GPUs), each filed under its host's join key.
    public var samples: PowerSamples = []

    public init(
        readings: [HostReading] = [], skipped: [(host: String, reason: String)] = [], failures: Int = 0,
        targets: [TargetOutcome] = [], samples: PowerSamples = []
    ) {
        self.readings = readings
        self.skipped = skipped
        self.failures = failures
        self.targets = targets
        self.samples = samples
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

/// This host, from procfs, with its RAPL counters from the powercap tree where they can be read.
public struct LocalNodeSource: NodeSource {
    public let reader: LocalHostReader
    /// Nil when measured power is off.
    public let powercap: PowercapReader?
    public var name: String { "local" }

    public init(reader: LocalHostReader, powercap: PowercapReader? = nil) {
        self.reader = reader
        self.powercap = powercap
    }

    public func read(now: Double, logger: Logger) throws(ReaderError) -> SourceRead {
        let reading = try reader.read()
        var read = SourceRead(readings: [reading])
        guard let powercap else { return read }
        do {
            // Filed under the reading's join key, so the collector finds it as for any other source.
            var sample = try powercap.read(at: reading.timestamp).sample
            sample.host = HostJoin.nodeKey(of: reading)
            read.samples = [sample]
        } catch {
            // Most hosts (VMs, non-Intel machines, unprivileged users) have no readable RAPL: not an error.
            logger.debug("no powercap reading", metadata: ["err": "\(error)"])
        }
        return read
    }
}

/// Every host a Prometheus server scrapes from node_exporter, with the measured power Prometheus holds for them.
public struct PrometheusNodeSource: NodeSource {
    public let reader: PrometheusReader
    /// Nil when measured power is off.
    public let measured: MeasuredPowerReader?
    public var name: String { "prometheus" }

    public init(reader: PrometheusReader, measured: MeasuredPowerReader? = nil) {
        self.reader = reader
        self.measured = measured
    }

    public func read(now: Double, logger: Logger) throws(ReaderError) -> SourceRead {
        let result = try reader.read(at: now, logger: logger)
        var read = SourceRead(readings: result.readings, skipped: result.skipped)
        guard let measured else { return read }
        do {
            let power = try measured.read(at: now, logger: logger)
            read.samples = power.samples
            if power.unjoinedSeries + power.invalidSeries > 0 {
                logger.debug(
                    "measured series skipped",
                    metadata: ["unjoined": "\(power.unjoinedSeries)", "invalid": "\(power.invalidSeries)"])
            }
        } catch {
            // The hosts are still read: this interval is modelled, and the failure counts as a source error.
            read.failures += 1
            logger.debug("measured power query failed", metadata: ["err": "\(error)"])
        }
        return read
    }
}
