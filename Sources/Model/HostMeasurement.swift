/// The measured average power of one host over one interval, by what was measured; nil where nothing was.
///
/// Values are as the meters report them, before PUE.
public struct HostMeasurement: Sendable, Equatable {
    /// Whole-node power at the wall.
    public var nodeWatts: Watts?
    /// Σ RAPL package domains.
    public var packageWatts: Watts?
    /// Σ RAPL DRAM domains.
    public var dramWatts: Watts?
    /// Σ RAPL psys domains.
    public var psysWatts: Watts?
    /// Σ GPUs.
    public var gpuWatts: Watts?
    /// Busy share of the GPUs' energy over the interval, 0...1, weighted by each GPU's power; nil when no
    /// GPU reported its utilisation.
    public var gpuBusyRatio: Double?

    public init(
        nodeWatts: Watts? = nil, packageWatts: Watts? = nil, dramWatts: Watts? = nil, psysWatts: Watts? = nil,
        gpuWatts: Watts? = nil, gpuBusyRatio: Double? = nil
    ) {
        self.nodeWatts = nodeWatts
        self.packageWatts = packageWatts
        self.dramWatts = dramWatts
        self.psysWatts = psysWatts
        self.gpuWatts = gpuWatts
        self.gpuBusyRatio = gpuBusyRatio
    }

    /// Whether RAPL measured the CPU side: psys, or at least one package.
    public var hasRAPL: Bool { psysWatts != nil || packageWatts != nil }

    /// Whether nothing at all was measured.
    public var isEmpty: Bool { nodeWatts == nil && !hasRAPL && dramWatts == nil && gpuWatts == nil }
}
