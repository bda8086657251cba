/// Why a source left a host out of a read, as a small set of label values (the free-text reason is logged).
public enum HostSkipReason: String, Sendable, CaseIterable, Comparable {
    /// NaN, infinite or impossible counters (e.g. idle above total CPU time).
    case invalidValues = "invalid_values"
    /// No `node_cpu_seconds_total` for the host.
    case noCPUCounters = "no_cpu_counters"
    /// The CPU counters came without a sample time.
    case noSampleTime = "no_sample_time"
    /// An `up` series without the host label.
    case missingHostLabel = "missing_host_label"
    /// The host label under two targets; the first target's labels are used.
    case duplicateHost = "duplicate_host"
    /// A directly scraped target failed or its exposition did not parse.
    case targetFailed = "target_failed"

    /// The class of one of the readers' skip reasons (`SourceRead.skipped`). Reasons of the Prometheus reader
    /// are recognised by their text; anything else comes from a failed direct scrape.
    public init(reason: String) {
        if reason.hasPrefix("non-finite or impossible") {
            self = .invalidValues
        } else if reason.hasPrefix("no node_cpu_seconds_total") {
            self = .noCPUCounters
        } else if reason.hasPrefix("no CPU sample time") {
            self = .noSampleTime
        } else if reason.hasPrefix("target without the ") {
            self = .missingHostLabel
        } else if reason.hasPrefix("listed more than once") {
            self = .duplicateHost
        } else {
            self = .targetFailed
        }
    }

    public static func < (lhs: HostSkipReason, rhs: HostSkipReason) -> Bool { lhs.rawValue < rhs.rawValue }
}
