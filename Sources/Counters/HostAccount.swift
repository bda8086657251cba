import Model

/// The cumulative counters and latest state of one host under one attribution.
public struct HostAccount: Sendable, Equatable {
    public var host: String
    /// Attribution label values in the order of the configured attribution label names.
    public var attribution: [String]
    /// The grid region whose intensity the host's emissions use; nil for an account stored before regions
    /// existed (it takes the host's current region when the host is next seen).
    public var gridRegion: String?
    public var profileName: String
    public var busyEnergy = Joules.zero
    public var idleEnergy = Joules.zero
    public var busyEmissions = Grams.zero
    public var idleEmissions = Grams.zero
    public var busySeconds = Seconds.zero
    /// CPU seconds not in the idle mode over the integrated intervals, summed over all CPUs (counter deltas).
    public var cpuBusySeconds = Seconds.zero
    /// CPU seconds in the idle mode over the integrated intervals, summed over all CPUs (counter deltas).
    public var cpuIdleSeconds = Seconds.zero
    /// The GPUs' share of `busyEnergy`, split by GPU utilisation (by the CPU's idle share where unknown).
    public var gpuBusyEnergy = Joules.zero
    /// The GPUs' share of `idleEnergy`.
    public var gpuIdleEnergy = Joules.zero
    /// The GPUs' share of `power` over the last interval; nil until an interval with measured GPUs.
    public var gpuPower: Watts?
    /// How `power` was obtained over the last interval; nil until the first interval.
    public var powerMethod: PowerMethod?
    /// Power over the last interval; nil until the first interval.
    public var power: Watts?
    /// Idle share of CPU time over the last interval; nil until the first interval.
    public var idleRatio: Double?
    public var cores: Double
    public var memoryActiveRatio: Double?
    public var bootTime: Double?
    /// Wall-clock time the source last listed the host.
    public var lastSeen: Double

    public init(
        host: String, attribution: [String], gridRegion: String? = nil, profileName: String, cores: Double,
        lastSeen: Double
    ) {
        self.host = host
        self.attribution = attribution
        self.gridRegion = gridRegion
        self.profileName = profileName
        self.cores = cores
        self.lastSeen = lastSeen
    }
}
