import Counters
import Model

/// CPU time, energy and emissions of some hosts over some time, split into busy and idle, with the host time
/// they were observed over.
///
/// The amounts are the usage history's own type (`UsageAmounts`); a report adds the wall-clock figures.
/// Plain doubles in base units (seconds, joules, grams); renderers convert joules to kWh.
public struct UsageTotals: Sendable, Equatable {
    /// CPU seconds (summed over all CPUs, counter deltas), energy and emissions, busy and idle.
    public var amounts = UsageAmounts()
    /// Wall-clock seconds weighted by the busy share (`footprint_host_busy_seconds_total`).
    public var busyWallSeconds = 0.0
    /// Seconds of host time integrated (summed over hosts): zero means no host was observed, so zero energy
    /// next to it says "nothing ran", not "nothing measured".
    public var hostSeconds = 0.0

    public init() {}

    public var cpuBusySeconds: Double {
        get { amounts.cpuBusySeconds }
        set { amounts.cpuBusySeconds = newValue }
    }
    public var cpuIdleSeconds: Double {
        get { amounts.cpuIdleSeconds }
        set { amounts.cpuIdleSeconds = newValue }
    }
    public var busyJoules: Double {
        get { amounts.busyJoules }
        set { amounts.busyJoules = newValue }
    }
    public var idleJoules: Double {
        get { amounts.idleJoules }
        set { amounts.idleJoules = newValue }
    }
    public var busyGrams: Double {
        get { amounts.busyGrams }
        set { amounts.busyGrams = newValue }
    }
    public var idleGrams: Double {
        get { amounts.idleGrams }
        set { amounts.idleGrams = newValue }
    }

    public var joules: Double { amounts.joules }
    public var grams: Double { amounts.grams }

    public mutating func add(_ other: UsageTotals, scaledBy factor: Double = 1) {
        amounts.add(other.amounts, scaledBy: factor)
        busyWallSeconds += other.busyWallSeconds * factor
        hostSeconds += other.hostSeconds * factor
    }
}
