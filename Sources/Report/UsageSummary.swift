import Counters
import Model

/// The usage history over a query's span, grouped and bucketed: what `/api/v1/usage` and the pages show.
public struct UsageSummary: Sendable {
    public struct Bucket: Sendable {
        public var start: Double
        public var end: Double
        /// What the group used in the bucket; nil when no hour of it has data (never a made-up zero).
        public var amounts: UsageAmounts?
        /// Hours of the bucket (up to the current one) with at least one row for the group.
        public var hoursWithData: Int
        /// Hours of the bucket up to and including the current one.
        public var hours: Int

        public var status: String {
            hoursWithData == 0 ? "missing" : hoursWithData == hours ? "ok" : "partial"
        }
    }

    public struct Group: Sendable {
        /// `(label, value)` in `groupBy` order.
        public var labels: [(name: String, value: String)]
        public var totals: UsageAmounts
        public var buckets: [Bucket]
        /// Hosts with data in the span.
        public var hosts: Int
    }

    public var query: UsageQuery
    public var groups: [Group]
    public var totals: UsageAmounts
    /// The time the summary was made: buckets after it are left out, the current hour counts up to it.
    public var now: Double
}

/// How one row of the history is labelled for grouping: its attribution, and what is derived from it.
public struct UsageLabeller: Sendable {
    public let attributionLabels: [String]
    /// The attribution label naming a machine type; a row without it is typed by its power profile.
    public let machineLabel: String
    /// The site of a host's attribution labels, if any.
    public let site: @Sendable ([String: String]) -> String?

    public init(
        attributionLabels: [String], machineLabel: String, site: @escaping @Sendable ([String: String]) -> String?
    ) {
        self.attributionLabels = attributionLabels
        self.machineLabel = machineLabel
        self.site = site
    }

    public func attribution(of row: UsageHour) -> [String: String] {
        Dictionary(zip(attributionLabels, row.attribution)) { first, _ in first }
    }

    public func machine(of row: UsageHour) -> String {
        if let index = attributionLabels.firstIndex(of: machineLabel), index < row.attribution.count,
            !row.attribution[index].isEmpty
        {
            return row.attribution[index]
        }
        return row.profile
    }

    /// The value of one group-by label for a row.
    public func value(_ label: String, of row: UsageHour, attribution: [String: String]) -> String {
        switch label {
        case "host": return row.host
        case "grid_region": return row.gridRegion
        case "profile": return row.profile
        case "machine": return machine(of: row)
        case "site": return site(attribution) ?? ""
        default: return attribution[label] ?? ""
        }
    }
}

extension UsageSummary {
    /// Groups and buckets the rows of the query's span (rows outside it, or of another site, are ignored).
    public static func make(
        _ rows: [UsageHour], query: UsageQuery, labeller: UsageLabeller, now: Double
    ) -> UsageSummary {
        let currentEnd = (now / UsageHour.seconds).rounded(.down) * UsageHour.seconds + UsageHour.seconds
        let grid = TimeGrid(name: query.step.rawValue, kind: query.step.gridKind, from: query.from, to: query.to)
        let bucketCount = (0..<grid.count).filter { grid.starts[$0] < currentEnd }.count
        struct SeriesKey: Hashable {
            var host: String
            var attribution: [String]
            var region: String
            var profile: String
        }
        struct Building {
            var values: [String]
            var totals = UsageAmounts()
            var amounts: [UsageAmounts?]
            var hoursWithData: [Int]
            var lastHour: [Int]
            var hosts: Set<String> = []
        }
        var groupOfSeries: [SeriesKey: Int?] = [:]
        var groupIndex: [[String]: Int] = [:]
        var groups: [Building] = []
        var totals = UsageAmounts()
        for row in rows where query.hours.contains(row.hour) {
            let key = SeriesKey(
                host: row.host, attribution: row.attribution, region: row.gridRegion, profile: row.profile)
            let group: Int?
            if let known = groupOfSeries[key] {
                group = known
            } else {
                let attribution = labeller.attribution(of: row)
                if let site = query.site, labeller.site(attribution) != site {
                    group = nil
                } else {
                    let values = query.groupBy.map { labeller.value($0, of: row, attribution: attribution) }
                    if let existing = groupIndex[values] {
                        group = existing
                    } else {
                        groupIndex[values] = groups.count
                        group = groups.count
                        groups.append(
                            Building(
                                values: values, amounts: Array(repeating: nil, count: bucketCount),
                                hoursWithData: Array(repeating: 0, count: bucketCount),
                                lastHour: Array(repeating: Int.min, count: bucketCount)))
                    }
                }
                groupOfSeries[key] = group
            }
            guard let group, let bucket = grid.index(of: row.start), bucket < bucketCount else { continue }
            groups[group].totals.add(row.amounts)
            groups[group].hosts.insert(row.host)
            var amounts = groups[group].amounts[bucket] ?? UsageAmounts()
            amounts.add(row.amounts)
            groups[group].amounts[bucket] = amounts
            if groups[group].lastHour[bucket] != row.hour {
                groups[group].lastHour[bucket] = row.hour
                groups[group].hoursWithData[bucket] += 1
            }
            totals.add(row.amounts)
        }
        let finished = groups.sorted { $0.values.lexicographicallyPrecedes($1.values) }.map { building in
            Group(
                labels: Array(zip(query.groupBy, building.values)).map { (name: $0.0, value: $0.1) },
                totals: building.totals,
                buckets: (0..<bucketCount).map { index in
                    let end = min(grid.ends[index], currentEnd)
                    return Bucket(
                        start: grid.starts[index], end: grid.ends[index], amounts: building.amounts[index],
                        hoursWithData: building.hoursWithData[index],
                        hours: Int(((end - grid.starts[index]) / UsageHour.seconds).rounded(.up)))
                },
                hosts: building.hosts.count)
        }
        return UsageSummary(query: query, groups: finished, totals: totals, now: now)
    }
}
