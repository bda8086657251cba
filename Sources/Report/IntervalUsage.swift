import Counters
import Model

/// What one integrated interval of one host added to its counters, with the interval's bounds.
public struct IntervalUsage: Sendable, Equatable {
    public var account: HostLedger.AccountKey
    /// Every label the source had for the host (target labels); groups are formed from these.
    public var labels: [String: String]
    /// Interval bounds, Unix seconds: the sample times of the two readings (or the boot time after a reboot).
    public var start: Double
    public var end: Double
    public var bootTime: Double?
    public var usage: UsageTotals
    /// Carbon intensity used for the interval, g/kWh.
    public var intensity: Double
    /// Whether the intensity was the fallback because the provider had no value for the interval.
    public var intensityFallback: Bool

    public init(
        account: HostLedger.AccountKey, labels: [String: String], start: Double, end: Double, bootTime: Double?,
        usage: UsageTotals, intensity: Double, intensityFallback: Bool
    ) {
        self.account = account
        self.labels = labels
        self.start = start
        self.end = end
        self.bootTime = bootTime
        self.usage = usage
        self.intensity = intensity
        self.intensityFallback = intensityFallback
    }
}
