/// One workspace: a host session from its boot until it leaves the source (or reboots), with what it used
/// inside the report's span.
public struct Workspace: Sendable, Equatable {
    /// Where a workspace is in its life, as far as this history shows.
    public enum Status: String, Sendable, Equatable {
        /// Seen, but no interval integrated yet (a single reading): nothing to account.
        case initialized
        /// Usage read, but not final: part of it used the fallback carbon intensity or fell in a stretch
        /// Prometheus could not be read.
        case downloaded
        /// Energy and emissions computed from provider data; the workspace is still running.
        case processed
        /// The workspace ended (left the source or rebooted) and its accounting is final.
        case complete
    }

    /// `host@boot_time` (boot time in whole Unix seconds), stable across runs.
    public var id: String
    public var host: String
    /// Every target label of the host at its last reading.
    public var labels: [String: String]
    /// Boot time, Unix seconds; the first sample time when the source has no boot time.
    public var start: Double
    /// Last sample time when the workspace ended; nil while it runs.
    public var end: Double?
    /// Why it ended: `left_source` or `rebooted`; nil while it runs.
    public var endReason: String?
    public var firstSeen: Double
    public var lastSeen: Double
    public var cores: Double
    /// Total memory in bytes, the largest seen; nil when the source did not say.
    public var memoryBytes: Double?
    /// Usage within the report's span.
    public var usage: UsageTotals
    public var intervals: Int
    /// Intervals whose emissions used the fallback intensity.
    public var fallbackIntervals: Int
    /// Indexes into the report's gaps that overlap the workspace.
    public var gaps: [Int]
    public var status: Status

    /// Mean carbon intensity of its energy, g/kWh; nil without energy.
    public var meanIntensity: Double? { usage.joules > 0 ? usage.grams / (usage.joules / 3_600_000) : nil }
}

/// What a user directory says about a platform user.
public struct UserRecord: Sendable, Equatable {
    public var name: String?
    public var email: String?
    public var uid: String?

    public init(name: String? = nil, email: String? = nil, uid: String? = nil) {
        self.name = name
        self.email = email
        self.uid = uid
    }
}
