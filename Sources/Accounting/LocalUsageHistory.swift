import Config
import Counters
import Model
import Readers
import Report
import StateStore

/// A usage report from the exporter's own usage history (the state store's hourly rows) instead of Prometheus:
/// `report --source local`.
///
/// Each stored hour of an account becomes one interval covering that hour, so the report's buckets, groups and
/// renderers are the ones of a Prometheus report; the hourly rows are its resolution. Hours in which no account
/// has a row are `missing` gaps.
public enum LocalUsageHistory {
    public static func report(
        configuration: Configuration, configBytes: [UInt8], store: StateStore, from start: Double, to end: Double,
        step: Double, groupBy: [String], keepHostSeries: Bool, now: Double
    ) throws -> UsageHistory.Result {
        var builder = UsageReportBuilder(
            from: start, to: end, step: step, resolution: UsageHour.seconds, groupBy: groupBy,
            keepHostSeries: keepHostSeries)
        builder.missingCause = "the usage history has no row for these hours"
        let first = UsageHour.index(of: start)
        let last = UsageHour.index(of: min(end - 1e-6, now))
        let rows = try store.usageHours(fromHour: first, toHour: last + 1)
        var next = rows.startIndex
        for hour in first...max(first, last) {
            var intervals: [IntervalUsage] = []
            while next < rows.endIndex, rows[next].hour == hour {
                intervals.append(interval(rows[next], configuration: configuration, from: start, to: end, now: now))
                next += 1
            }
            builder.add(
                stepAt: Double(hour) * UsageHour.seconds, intervals: intervals, listedHosts: intervals.count,
                skipped: [])
        }
        let carbon = configuration.carbonIntensity
        let provenance = ReportProvenance(
            configSHA256: ReportProvenance.configurationDigest(configBytes), toolVersion: BuildInfo.version,
            from: start, to: end, step: step,
            resolution: UsageHour.seconds, groupBy: groupBy, queries: [], chunks: 0,
            intensityProvider: carbon.chain.map(\.rawValue).joined(separator: ","),
            intensityRegion: configuration.gridRegion,
            intensityDetail: "the intensity in force when each interval ended, as recorded in the usage history",
            fallbackIntensity: carbon.fallbackGramsPerKilowattHour, attributionLabels: configuration.attributionLabels,
            hostGracePeriod: configuration.hostGracePeriod, defaultProfile: configuration.power.defaultProfile,
            profiles: configuration.power.profiles.map { (profile: $0.profile, match: $0.match) },
            equivalencyTableVersion: EquivalencyTable.version, equivalencyOverrides: configuration.equivalencies.count)
        let report = builder.finish(
            provenance: provenance, attributionLabels: configuration.attributionLabels,
            equivalencies: configuration.equivalencyTable)
        return UsageHistory.Result(report: report, readAnything: !rows.isEmpty)
    }

    /// One stored hour as an interval over the part of the hour inside the span (and before now). Its host time
    /// is that part: the history keeps no finer record of when within the hour a host ran.
    static func interval(
        _ row: UsageHour, configuration: Configuration, from start: Double, to end: Double, now: Double
    ) -> IntervalUsage {
        // A row covers its hour, the current one up to the last save; the span may cut it, and only the share
        // inside the span counts.
        let covered = (start: row.start, end: max(min(row.start + UsageHour.seconds, now), row.start + 1))
        let hourStart = max(covered.start, start)
        let hourEnd = max(min(covered.end, end), hourStart)
        let share = (hourEnd - hourStart) / (covered.end - covered.start)
        var usage = UsageTotals()
        usage.amounts.add(row.amounts, scaledBy: share)
        usage.hostSeconds = hourEnd - hourStart
        let labels = Dictionary(zip(configuration.attributionLabels, row.attribution)) { first, _ in first }
        let joules = row.amounts.joules
        return IntervalUsage(
            account: HostLedger.AccountKey(host: row.host, attribution: row.attribution, gridRegion: row.gridRegion),
            labels: labels, start: hourStart, end: hourEnd, bootTime: nil, usage: usage,
            intensity: joules > 0 ? row.amounts.grams / (joules / 3_600_000) : 0, intensityFallback: false)
    }
}
