import Exposition
import Logging
import Readers
import Synchronization

/// Skipped-host counts and warning state that outlive one configuration: a reload builds a new source, and
/// `footprint_source_skipped_hosts_total` must not start again from zero.
public final class SkippedHostTally: Sendable {
    fileprivate struct State {
        var counts: [HostSkipReason: Double] = [:]
        /// Hosts left out by the last read, with their reason.
        var skipped: [String: HostSkipReason] = [:]
        /// When each host was last warned about.
        var warned: [String: Double] = [:]
    }

    fileprivate let state = Mutex(State())

    public init() {}
}

/// A node source that counts the hosts each read leaves out, by reason, and logs them at warning, rate-limited:
/// a host is logged when it starts being left out (or its reason changes), at most once a minute, and once when
/// it is read again. Target failures of direct scraping are counted but not logged here: the collector logs a
/// target going down already.
public final class SkipCountingSource: NodeSource {
    /// The shortest time between two warnings about one host.
    public static let warningInterval = 60.0
    /// Warnings written for one read at most; the rest are summed up in one line.
    public static let warningsPerRead = 20

    public let wrapped: any NodeSource
    private let tally: SkippedHostTally

    public init(wrapping source: any NodeSource, tally: SkippedHostTally = SkippedHostTally()) {
        wrapped = source
        self.tally = tally
    }

    public var name: String { wrapped.name }

    public func read(now: Double, logger: Logger) throws(ReaderError) -> SourceRead {
        let read = try wrapped.read(now: now, logger: logger)
        record(read.skipped, now: now, logger: logger)
        return read
    }

    /// The totals, for `footprint_source_skipped_hosts_total`.
    public var skippedHosts: [ExporterStatus.SkippedHosts] {
        let counts = tally.state.withLock { $0.counts }
        return counts.keys.sorted().map { .init(source: name, reason: $0.rawValue, count: counts[$0] ?? 0) }
    }

    func record(_ skipped: [(host: String, reason: String)], now: Double, logger: Logger) {
        let source = name
        let (warnings, suppressed, recovered) = tally.state.withLock { state in
            var current: [String: HostSkipReason] = [:]
            var warnings: [(host: String, reason: String)] = []
            var suppressed = 0
            for entry in skipped {
                let kind = HostSkipReason(reason: entry.reason)
                state.counts[kind, default: 0] += 1
                current[entry.host] = kind
                guard kind != .targetFailed, state.skipped[entry.host] != kind else { continue }
                if let last = state.warned[entry.host], now - last < Self.warningInterval, now >= last { continue }
                if warnings.count < Self.warningsPerRead {
                    warnings.append(entry)
                    state.warned[entry.host] = now
                } else {
                    suppressed += 1
                }
            }
            let recovered = state.skipped.keys.filter { current[$0] == nil && state.skipped[$0] != .targetFailed }
            state.skipped = current
            state.warned = state.warned.filter { current[$0.key] != nil || now - $0.value < Self.warningInterval }
            return (warnings, suppressed, recovered.sorted())
        }
        for warning in warnings {
            logger.warning(
                "host left out of the collection",
                metadata: [
                    "source": "\(source)", "host": "\(warning.host)", "reason": "\(warning.reason)",
                ])
        }
        if suppressed > 0 {
            logger.warning(
                "more hosts left out of the collection; see footprint_source_skipped_hosts_total",
                metadata: ["source": "\(source)", "hosts": "\(suppressed)"])
        }
        for host in recovered {
            logger.info("host no longer left out", metadata: ["source": "\(source)", "host": "\(host)"])
        }
    }
}
