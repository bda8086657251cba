import Counters
import Model

/// Follows host sessions through the evaluation steps of a history and adds up each one's usage.
///
/// A session is a host under one boot time. A changed boot time (beyond `Integration.bootTimeTolerance`)
/// ends the session and starts the next; a host the last evaluation step no longer lists has left the
/// source. A host that disappears and comes back with the same boot time is the same session.
public struct WorkspaceTracker: Sendable {
    private struct Session {
        var host: String
        var bootTime: Double?
        var labels: [String: String]
        var firstSeen: Double
        var lastSeen: Double
        var cores: Double
        var memoryBytes: Double?
        var readings = 0
        var intervals = 0
        var fallbackIntervals = 0
        var usage = UsageTotals()
        var end: Double?
        var endReason: String?
    }

    public let from: Double
    public let to: Double
    private var open: [String: Session] = [:]
    private var closed: [Session] = []
    private var listedAtLastStep = Set<String>()

    public init(from: Double, to: Double) {
        self.from = from
        self.to = to
    }

    /// Records one evaluation step's readings and the intervals they closed.
    public mutating func add(time: Double, readings: [HostReading], intervals: [IntervalUsage]) {
        for reading in readings.sorted(by: { $0.host < $1.host }) {
            if var session = open[reading.host] {
                if Self.sameBoot(session.bootTime, reading.bootTime) {
                    session.lastSeen = max(session.lastSeen, reading.timestamp)
                    session.labels = reading.labels
                    session.cores = reading.cores
                    session.memoryBytes = [session.memoryBytes, reading.memoryTotalBytes].compactMap { $0 }.max()
                    session.readings += 1
                    open[reading.host] = session
                    continue
                }
                session.end = session.lastSeen
                session.endReason = "rebooted"
                closed.append(session)
            }
            open[reading.host] = Session(
                host: reading.host, bootTime: reading.bootTime, labels: reading.labels, firstSeen: reading.timestamp,
                lastSeen: reading.timestamp, cores: reading.cores, memoryBytes: reading.memoryTotalBytes, readings: 1)
        }
        for interval in intervals {
            guard var session = open[interval.account.host] else { continue }
            let length = interval.end - interval.start
            let overlap = min(interval.end, to) - max(interval.start, from)
            guard length > 0, overlap > 0 else { continue }
            session.usage.add(interval.usage, scaledBy: overlap / length)
            session.intervals += 1
            if interval.intensityFallback { session.fallbackIntervals += 1 }
            open[interval.account.host] = session
        }
        listedAtLastStep = Set(readings.map(\.host))
    }

    /// The workspaces overlapping the span, ordered by start, then host.
    ///
    /// - Parameter gaps: the report's gaps; a workspace overlapping a data gap is not final.
    public func finish(gaps: [ReportGap]) -> [Workspace] {
        var sessions = closed
        for host in open.keys.sorted() {
            guard var session = open[host] else { continue }
            if !listedAtLastStep.contains(host) {
                session.end = session.lastSeen
                session.endReason = "left_source"
            }
            sessions.append(session)
        }
        var workspaces: [Workspace] = []
        for session in sessions {
            let start = session.bootTime ?? session.firstSeen
            // Sessions that ended before the span or began after it are outside the report.
            guard start < to, (session.end ?? .infinity) >= from else { continue }
            let until = min(session.end ?? to, to)
            let overlapping = gaps.enumerated().filter { $0.element.start < until && $0.element.end > max(start, from) }
            let incomplete = session.fallbackIntervals > 0 || overlapping.contains { $0.element.lacksData }
            let status: Workspace.Status =
                session.intervals == 0
                ? .initialized : incomplete ? .downloaded : session.end == nil ? .processed : .complete
            workspaces.append(
                Workspace(
                    id: "\(session.host)@\(session.bootTime.map { String(Int64($0.rounded())) } ?? "unknown")",
                    host: session.host,
                    labels: session.labels, start: start, end: session.end, endReason: session.endReason,
                    firstSeen: session.firstSeen, lastSeen: min(session.lastSeen, to), cores: session.cores,
                    memoryBytes: session.memoryBytes,
                    usage: session.usage,
                    intervals: session.intervals, fallbackIntervals: session.fallbackIntervals,
                    gaps: overlapping.map(\.offset),
                    status: status))
        }
        return workspaces.sorted { ($0.start, $0.host) < ($1.start, $1.host) }
    }

    static func sameBoot(_ lhs: Double?, _ rhs: Double?) -> Bool {
        guard let lhs, let rhs else { return lhs == nil && rhs == nil }
        return abs(lhs - rhs) <= Integration.bootTimeTolerance
    }
}
