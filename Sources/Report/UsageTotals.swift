import Model

/// CPU time, energy and emissions of some hosts over some time, split into busy and idle.
///
/// Plain doubles in base units (seconds, joules, grams); renderers convert joules to kWh.
public struct UsageTotals: Sendable, Equatable {
    /// CPU seconds not in the idle mode, summed over all CPUs (counter deltas).
    public var cpuBusySeconds = 0.0
    /// CPU seconds in the idle mode, summed over all CPUs (counter deltas).
    public var cpuIdleSeconds = 0.0
    public var busyJoules = 0.0
    public var idleJoules = 0.0
    public var busyGrams = 0.0
    public var idleGrams = 0.0
    /// Wall-clock seconds weighted by the busy share (`footprint_host_busy_seconds_total`).
    public var busyWallSeconds = 0.0
    /// Seconds of host time integrated (summed over hosts): zero means no host was observed, so zero energy
    /// next to it says "nothing ran", not "nothing measured".
    public var hostSeconds = 0.0

    public init() {}

    public var joules: Double { busyJoules + idleJoules }
    public var grams: Double { busyGrams + idleGrams }

    public mutating func add(_ other: UsageTotals, scaledBy factor: Double = 1) {
        cpuBusySeconds += other.cpuBusySeconds * factor
        cpuIdleSeconds += other.cpuIdleSeconds * factor
        busyJoules += other.busyJoules * factor
        idleJoules += other.idleJoules * factor
        busyGrams += other.busyGrams * factor
        idleGrams += other.idleGrams * factor
        busyWallSeconds += other.busyWallSeconds * factor
        hostSeconds += other.hostSeconds * factor
    }
}
