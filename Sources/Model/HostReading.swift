/// One reading of a host's cumulative counters and state, as a source delivered it.
///
/// CPU seconds are summed over all CPUs; they are counters, so energy over any interval comes from the
/// difference of two readings, whatever time passed between them.
public struct HostReading: Sendable, Equatable {
    /// The host's name as exported in the `host` label.
    public var host: String
    /// The host's target labels as the source kept them (a bridge keeps those the configuration reads); profiles,
    /// grid regions and attribution read these.
    public var labels: [String: String]
    /// When the counters were sampled, Unix seconds.
    public var timestamp: Double
    /// Idle CPU seconds summed over all CPUs.
    public var cpuIdleSeconds: Double
    /// CPU seconds of all modes summed over all CPUs.
    public var cpuTotalSeconds: Double
    /// Number of logical CPUs.
    public var cores: Double
    /// Active memory / total memory, if the source had both.
    public var memoryActiveRatio: Double?
    /// The host's boot time, Unix seconds, if known.
    public var bootTime: Double?
    /// Total memory in bytes, if the source had it (history and direct scrapes; for accounting records only).
    public var memoryTotalBytes: Double?

    public init(
        host: String,
        labels: [String: String] = [:],
        timestamp: Double,
        cpuIdleSeconds: Double,
        cpuTotalSeconds: Double,
        cores: Double,
        memoryActiveRatio: Double? = nil,
        bootTime: Double? = nil,
        memoryTotalBytes: Double? = nil
    ) {
        self.host = host
        self.labels = labels
        self.timestamp = timestamp
        self.cpuIdleSeconds = cpuIdleSeconds
        self.cpuTotalSeconds = cpuTotalSeconds
        self.cores = cores
        self.memoryActiveRatio = memoryActiveRatio
        self.bootTime = bootTime
        self.memoryTotalBytes = memoryTotalBytes.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
    }

    /// Whether every number is finite and sensible; a reading that is not is skipped, never integrated.
    public var isValid: Bool {
        let numbers = [timestamp, cpuIdleSeconds, cpuTotalSeconds, cores, memoryActiveRatio ?? 0, bootTime ?? 0]
        return numbers.allSatisfy(\.isFinite) && cpuIdleSeconds >= 0 && cpuTotalSeconds >= cpuIdleSeconds
            && cores > 0 && !host.isEmpty
    }
}
