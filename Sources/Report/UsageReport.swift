import Counters
import Model

/// A finished usage report: provenance, summary, per-group totals and per-bucket series at each resolution.
///
/// Everything in it is ordered (groups by label values, buckets by time), so rendering it twice gives the
/// same bytes.
public struct UsageReport: Sendable {
    /// The state of a bucket's data.
    public enum Status: String, Sendable, Equatable {
        /// Every moment was read.
        case ok
        /// Part of the bucket lies in a failed or missing stretch; values cover the rest.
        case partial
        /// Reading failed for the whole bucket: no values.
        case failed
        /// Prometheus listed no host for the whole bucket: no values.
        case missing
    }

    public struct Bucket: Sendable {
        public var start: Double
        public var end: Double
        public var status: Status
        /// Indexes into `gaps` of every gap overlapping the bucket.
        public var gaps: [Int]
        /// One entry per group, in `groups` order; nil when the bucket has no values (failed or missing).
        public var usage: [UsageTotals]?
    }

    /// One time resolution: `step` (the requested step), `hourly`, `daily`, `monthly`.
    public struct Series: Sendable {
        public var name: String
        public var buckets: [Bucket]
    }

    public struct Group: Sendable {
        /// Values of the group-by labels, in `groupBy` order.
        public var values: [String]
        public var totals: UsageTotals
        public var hosts: Int
        public var workspaces: Int
    }

    /// One host account's usage per step bucket, for the backfill file; nil where the bucket has no values.
    public struct HostSeries: Sendable {
        public var account: HostLedger.AccountKey
        public var usage: [UsageTotals?]
    }

    public struct Summary: Sendable {
        public var hosts: Int
        public var workspaces: Int
        public var groups: Int
        public var totals: UsageTotals
        /// Host-seconds integrated within the span (the sum of every host's covered time).
        public var hostSeconds: Double
        /// Step buckets by status.
        public var bucketsByStatus: [(status: Status, count: Int)]
        /// The most relatable equivalents of the total, best first.
        public var equivalencies: [(equivalency: Equivalency, count: Double)]

        public var kilowattHoursPerHost: Double? { hosts > 0 ? totals.joules / 3_600_000 / Double(hosts) : nil }
        public var gramsPerHost: Double? { hosts > 0 ? totals.grams / Double(hosts) : nil }
        public var meanPowerWatts: Double? { hostSeconds > 0 ? totals.joules / hostSeconds : nil }
        public var meanIntensity: Double? { totals.joules > 0 ? totals.grams / (totals.joules / 3_600_000) : nil }
    }

    public var provenance: ReportProvenance
    public var groupBy: [String]
    public var groups: [Group]
    public var summary: Summary
    public var series: [Series]
    public var gaps: [ReportGap]
    /// Present when host series were kept (the OpenMetrics format).
    public var hostSeries: [HostSeries]
    /// Attribution label names of `HostSeries.account`.
    public var attributionLabels: [String]
    /// Readings left out, by reason, with how many.
    public var skipped: [(reason: String, count: Int)]
}
