import Counters
import Model

/// The usage history as JSON, in the three shapes `/api/v1/usage` serves. kWh, grams and CPU seconds.
public enum UsageJSONRenderer {
    /// The six figures of a slice of usage, by the names every shape uses.
    public static func amounts(_ amounts: UsageAmounts) -> [(String, JSONText)] {
        [
            ("busy_kwh", .number(amounts.busyJoules / 3_600_000)),
            ("idle_kwh", .number(amounts.idleJoules / 3_600_000)),
            ("busy_gco2eq", .number(amounts.busyGrams)),
            ("idle_gco2eq", .number(amounts.idleGrams)),
            ("busy_cpu_seconds", .number(amounts.cpuBusySeconds)),
            ("idle_cpu_seconds", .number(amounts.cpuIdleSeconds)),
        ]
    }

    static let amountKeys = [
        "busy_kwh", "idle_kwh", "busy_gco2eq", "idle_gco2eq", "busy_cpu_seconds", "idle_cpu_seconds",
    ]

    /// Grams per kWh of a slice, or null without energy.
    static func intensity(_ amounts: UsageAmounts) -> JSONText {
        amounts.joules > 0 ? .number(amounts.grams / (amounts.joules / 3_600_000)) : .null
    }

    /// `{"groups": [{"labels", "totals", "series"}], "totals"}` with the span and step.
    public static func groups(_ summary: UsageSummary) -> JSONText {
        var document: [(String, JSONText)] = [
            ("from", .string(UTCDate.format(summary.query.from))),
            ("to", .string(UTCDate.format(summary.query.to))),
            ("step", .string(summary.query.step.rawValue)),
            ("group_by", .array(summary.query.groupBy.map { .string($0) })),
        ]
        if let site = summary.query.site { document.append(("site", .string(site))) }
        document.append(
            (
                "groups",
                .array(
                    summary.groups.map { group in
                        .object([
                            ("labels", .object(group.labels.map { ($0.name, .string($0.value)) })),
                            ("hosts", .number(Double(group.hosts))),
                            ("totals", .object(amounts(group.totals))),
                            ("series", .array(group.buckets.map(bucket))),
                        ])
                    })
            ))
        document.append(("totals", .object(amounts(summary.totals))))
        return .object(document)
    }

    private static func bucket(_ bucket: UsageSummary.Bucket) -> JSONText {
        var members: [(String, JSONText)] = [
            ("start", .string(UTCDate.format(bucket.start))),
            ("end", .string(UTCDate.format(bucket.end))),
            ("status", .string(bucket.status)),
            ("hours_with_data", .number(Double(bucket.hoursWithData))),
        ]
        if let amounts = bucket.amounts {
            members += Self.amounts(amounts)
            members.append(("intensity_gco2eq_per_kwh", intensity(amounts)))
        } else {
            members += amountKeys.map { ($0, .null) }
            members.append(("intensity_gco2eq_per_kwh", .null))
        }
        return .object(members)
    }

    /// One entry per project and UTC day with data: the day's totals and, for each hour with data, `"HH:MM"`
    /// with `all` and one entry per machine type. Hours without data have no entry.
    public static func adaDay(_ rows: [UsageHour], query: UsageQuery, labeller: UsageLabeller, now: Double) -> JSONText
    {
        let projectLabel = query.groupBy.first ?? labeller.attributionLabels.first ?? "host"
        struct Day {
            var totals = UsageAmounts()
            var hours: [Int: (all: UsageAmounts, machines: [String: UsageAmounts])] = [:]
        }
        var days: [String: [Int: Day]] = [:]
        for row in rows where query.hours.contains(row.hour) {
            let attribution = labeller.attribution(of: row)
            if let site = query.site, labeller.site(attribution) != site { continue }
            let project = labeller.value(projectLabel, of: row, attribution: attribution)
            let dayIndex = Int((row.start / 86_400).rounded(.down))
            var day = days[project, default: [:]][dayIndex] ?? Day()
            day.totals.add(row.amounts)
            var hour = day.hours[row.hour] ?? (UsageAmounts(), [:])
            hour.all.add(row.amounts)
            hour.machines[labeller.machine(of: row), default: UsageAmounts()].add(row.amounts)
            day.hours[row.hour] = hour
            days[project, default: [:]][dayIndex] = day
        }
        let currentHour = UsageHour.index(of: now)
        var entries: [JSONText] = []
        for project in days.keys.sorted() {
            for (dayIndex, day) in (days[project] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let dayStart = Double(dayIndex) * 86_400
                let firstHour = max(dayIndex * 24, query.hours.lowerBound)
                let lastHour = min(dayIndex * 24 + 24, query.hours.upperBound, currentHour + 1)
                let expected = max(lastHour - firstHour, 0)
                let timeseries: [(String, JSONText)] = day.hours.sorted { $0.key < $1.key }.map { hour, usage in
                    let machines = usage.machines.sorted { $0.key < $1.key }.map {
                        ($0.key, JSONText.object(amounts($0.value)))
                    }
                    return (
                        UTCDate.formatClock(Double(hour) * UsageHour.seconds),
                        .object([("all", .object(amounts(usage.all)))] + machines)
                    )
                }
                entries.append(
                    .object([
                        ("project", .string(project)),
                        ("date", .string(UTCDate.formatDay(dayStart))),
                        ("status", .string(day.hours.count >= expected ? "complete" : "partial")),
                        ("hours_with_data", .number(Double(day.hours.count))),
                        ("totals", .object(amounts(day.totals))),
                        ("timeseries", .object(timeseries)),
                    ]))
            }
        }
        return .object([
            ("format", .string(Format.adaDay)),
            ("project_label", .string(projectLabel)),
            ("from", .string(UTCDate.format(query.from))),
            ("to", .string(UTCDate.format(query.to))),
            ("days", .array(entries)),
        ])
    }

    /// For each machine type, the mean busy and idle kWh and grams per host-hour of data, with how many
    /// host-hours the means are taken over.
    public static func machineAverages(_ rows: [UsageHour], query: UsageQuery, labeller: UsageLabeller) -> JSONText {
        var machines: [String: (sum: UsageAmounts, hostHours: Int, hosts: Set<String>)] = [:]
        for row in rows where query.hours.contains(row.hour) {
            let attribution = labeller.attribution(of: row)
            if let site = query.site, labeller.site(attribution) != site { continue }
            var entry = machines[labeller.machine(of: row)] ?? (UsageAmounts(), 0, [])
            entry.sum.add(row.amounts)
            entry.hostHours += 1
            entry.hosts.insert(row.host)
            machines[labeller.machine(of: row)] = entry
        }
        let entries: [JSONText] = machines.sorted { $0.key < $1.key }.map { name, entry in
            var mean = UsageAmounts()
            mean.add(entry.sum, scaledBy: 1 / Double(max(entry.hostHours, 1)))
            return .object(
                [
                    ("machine", .string(name)),
                    ("hosts", .number(Double(entry.hosts.count))),
                    ("host_hours", .number(Double(entry.hostHours))),
                ]
                    + amounts(mean).filter { !$0.0.hasSuffix("cpu_seconds") })
        }
        return .object([
            ("format", .string(Format.machineAverages)),
            ("per", .string("host_hour")),
            ("from", .string(UTCDate.format(query.from))),
            ("to", .string(UTCDate.format(query.to))),
            ("machines", .array(entries)),
        ])
    }

    private enum Format {
        static let adaDay = UsageQuery.Format.adaDay.rawValue
        static let machineAverages = UsageQuery.Format.machineAverages.rawValue
    }
}
