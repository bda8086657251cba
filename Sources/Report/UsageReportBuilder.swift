import Counters
import Model

/// Collects integrated intervals and gaps over a span into a `UsageReport`.
///
/// Each interval's usage is spread evenly over the buckets it overlaps at every resolution (the requested
/// step, UTC hours, days and months), so roll-ups need no divisibility between step and calendar. Sums run
/// in the order intervals arrive (time, then host), never over a dictionary's order, so equal inputs give
/// bit-identical sums.
public struct UsageReportBuilder: Sendable {
    public let from: Double
    public let to: Double
    public let resolution: Double
    public let groupBy: [String]
    public let keepHostSeries: Bool
    private let grids: [TimeGrid]
    /// Per grid: group values → usage per bucket.
    private var cells: [[[String]: [UsageTotals]]]
    private var groupTotals: [[String]: UsageTotals] = [:]
    private var groupHosts: [[String]: Set<String>] = [:]
    private var groupWorkspaces: [[String]: Set<String>] = [:]
    private var hostCells: [HostLedger.AccountKey: [UsageTotals]] = [:]
    private var hosts = Set<String>()
    private var workspaces = Set<String>()
    private var hostSeconds = 0.0
    private var total = UsageTotals()
    private var gaps: [ReportGap] = []
    private var missingSince: Double?
    private var skipped: [String: Int] = [:]
    /// Why a stretch in which no host was listed has no data, for its gap.
    public var missingCause = "Prometheus listed no node_exporter host (up == 1)"

    public init(from: Double, to: Double, step: Double, resolution: Double, groupBy: [String], keepHostSeries: Bool) {
        self.from = from
        self.to = to
        self.resolution = resolution
        self.groupBy = groupBy
        self.keepHostSeries = keepHostSeries
        grids = [
            TimeGrid(name: "step", kind: .fixed(seconds: step, origin: from), from: from, to: to),
            TimeGrid(name: "hourly", kind: .fixed(seconds: 3_600, origin: 0), from: from, to: to),
            TimeGrid(name: "daily", kind: .fixed(seconds: 86_400, origin: 0), from: from, to: to),
            TimeGrid(name: "monthly", kind: .month, from: from, to: to),
        ]
        cells = Array(repeating: [:], count: grids.count)
    }

    /// The group an interval belongs to: its values of the group-by labels (`host` is the host name).
    public func groupValues(_ interval: IntervalUsage) -> [String] {
        groupBy.map { $0 == "host" ? interval.account.host : interval.labels[$0] ?? "" }
    }

    /// Records one evaluation step: its intervals, and whether the source listed any host at all.
    public mutating func add(
        stepAt time: Double, intervals: [IntervalUsage], listedHosts: Int, skipped reasons: [String]
    ) {
        for reason in reasons { skipped[reason, default: 0] += 1 }
        if listedHosts == 0 {
            if missingSince == nil { missingSince = time }
        } else if let since = missingSince {
            addGap(ReportGap(start: since, end: time, kind: .missing, cause: missingCause))
            missingSince = nil
        }
        for interval in intervals { add(interval) }
    }

    /// Records that reading `[start, end)` failed.
    public mutating func addFailure(start: Double, end: Double, cause: String) {
        if let since = missingSince {
            addGap(
                ReportGap(
                    start: since, end: start, kind: .missing, cause: missingCause
                ))
            missingSince = nil
        }
        addGap(ReportGap(start: start, end: end, kind: .failed, cause: cause))
    }

    /// Records a stretch where the fallback carbon intensity was used.
    public mutating func addIntensityFallback(start: Double, end: Double, cause: String) {
        addGap(ReportGap(start: start, end: end, kind: .intensityFallback, cause: cause))
    }

    private mutating func addGap(_ gap: ReportGap) {
        var clipped = gap
        clipped.start = max(gap.start, from)
        clipped.end = min(gap.end, to)
        // Upstream error bodies may span lines; a cause is one line in every format.
        clipped.cause = gap.cause.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingSpaces }.filter {
            !$0.isEmpty
        }
        .joined(separator: " ")
        if clipped.end > clipped.start { gaps.append(clipped) }
    }

    private mutating func add(_ interval: IntervalUsage) {
        let group = groupValues(interval)
        let workspace = "\(interval.account.host)@\(interval.bootTime.map { String(Int64($0.rounded())) } ?? "?")"
        var inside = UsageTotals()
        var insideSeconds = 0.0
        var shares: [(bucket: Int, share: Double)] = []
        for (gridIndex, grid) in grids.enumerated() {
            shares.removeAll(keepingCapacity: true)
            grid.distribute(start: interval.start, end: interval.end) { shares.append((bucket: $0, share: $1)) }
            guard !shares.isEmpty else { continue }
            let zeros = Array(repeating: UsageTotals(), count: grid.count)
            // Mutated in place through the dictionary: a copied row would copy every bucket per interval.
            for (bucket, share) in shares {
                cells[gridIndex][group, default: zeros][bucket].add(interval.usage, scaledBy: share)
            }
            guard gridIndex == 0 else { continue }
            for (bucket, share) in shares {
                if keepHostSeries {
                    hostCells[interval.account, default: zeros][bucket].add(interval.usage, scaledBy: share)
                }
                inside.add(interval.usage, scaledBy: share)
                insideSeconds += share * (interval.end - interval.start)
            }
        }
        guard insideSeconds > 0 else { return }
        total.add(inside)
        hostSeconds += insideSeconds
        groupTotals[group, default: UsageTotals()].add(inside)
        groupHosts[group, default: []].insert(interval.account.host)
        groupWorkspaces[group, default: []].insert(workspace)
        hosts.insert(interval.account.host)
        workspaces.insert(workspace)
    }

    /// The finished report.
    public mutating func finish(
        provenance: ReportProvenance, attributionLabels: [String], equivalencies: [Equivalency],
        topEquivalencies: Int = 3
    ) -> UsageReport {
        if let since = missingSince {
            addGap(
                ReportGap(
                    start: since, end: to, kind: .missing, cause: missingCause))
            missingSince = nil
        }
        let sortedGaps = gaps.sorted {
            ($0.start, $0.end, $0.kind.rawValue, $0.cause) < ($1.start, $1.end, $1.kind.rawValue, $1.cause)
        }
        let groupKeys = cells[0].keys.sorted { $0.lexicographicallyPrecedes($1) }
        var series: [UsageReport.Series] = []
        var stepStatuses: [UsageReport.Status] = []
        for (gridIndex, grid) in grids.enumerated() {
            var buckets: [UsageReport.Bucket] = []
            for bucket in 0..<grid.count {
                let (status, overlapping) = Self.status(
                    start: grid.starts[bucket], end: grid.ends[bucket], gaps: sortedGaps)
                let hasValues = status == .ok || status == .partial
                let usage = hasValues ? groupKeys.map { cells[gridIndex][$0]?[bucket] ?? UsageTotals() } : nil
                buckets.append(
                    UsageReport.Bucket(
                        start: grid.starts[bucket], end: grid.ends[bucket], status: status, gaps: overlapping,
                        usage: usage))
                if gridIndex == 0 { stepStatuses.append(status) }
            }
            series.append(UsageReport.Series(name: grid.name, buckets: buckets))
        }
        let groups = groupKeys.map { key in
            UsageReport.Group(
                values: key, totals: groupTotals[key] ?? UsageTotals(), hosts: groupHosts[key]?.count ?? 0,
                workspaces: groupWorkspaces[key]?.count ?? 0)
        }
        let hostSeries = hostCells.keys.sorted().map { key in
            UsageReport.HostSeries(
                account: key,
                usage: (hostCells[key] ?? []).enumerated().map { index, usage in
                    stepStatuses[index] == .ok || stepStatuses[index] == .partial ? usage : nil
                })
        }
        let statusCounts = [UsageReport.Status.ok, .partial, .failed, .missing].map { status in
            (status: status, count: stepStatuses.filter { $0 == status }.count)
        }
        let equivalents = EquivalencyTable.mostRelatable(
            equivalencies, grams: Grams(total.grams), energy: Joules(total.joules))
        let summary = UsageReport.Summary(
            hosts: hosts.count, workspaces: workspaces.count, groups: groups.count, totals: total,
            hostSeconds: hostSeconds,
            bucketsByStatus: statusCounts,
            equivalencies: Array(equivalents.prefix(topEquivalencies)).map { (equivalency: $0.0, count: $0.1) })
        return UsageReport(
            provenance: provenance, groupBy: groupBy, groups: groups, summary: summary, series: series,
            gaps: sortedGaps,
            hostSeries: hostSeries, attributionLabels: attributionLabels,
            skipped: skipped.keys.sorted().map { (reason: $0, count: skipped[$0] ?? 0) })
    }

    /// A bucket's status from the data gaps overlapping it, and the indexes of every gap that does.
    static func status(start: Double, end: Double, gaps: [ReportGap]) -> (UsageReport.Status, [Int]) {
        var covered = 0.0
        var failed = false
        var overlapping: [Int] = []
        for (index, gap) in gaps.enumerated() where gap.start < end && gap.end > start {
            overlapping.append(index)
            guard gap.lacksData else { continue }
            covered += min(gap.end, end) - max(gap.start, start)
            if gap.kind == .failed { failed = true }
        }
        // Gaps of one kind never overlap each other, and failed and missing stretches come from different steps.
        if covered >= (end - start) * (1 - 1e-9) { return (failed ? .failed : .missing, overlapping) }
        return (covered > 0 ? .partial : .ok, overlapping)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
