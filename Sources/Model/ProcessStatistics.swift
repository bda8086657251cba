/// The exporter's own resource use, as client_golang's process collector reports it (`process_*` metrics).
public struct ProcessStatistics: Sendable, Equatable {
    /// User and system CPU time, seconds.
    public var cpuSeconds: Double
    /// Resident set size, bytes.
    public var residentMemoryBytes: Double
    /// Virtual memory size, bytes.
    public var virtualMemoryBytes: Double
    /// Open file descriptors; nil when they cannot be counted.
    public var openFileDescriptors: Double?
    /// The soft limit on open file descriptors; nil when unlimited or unknown.
    public var maxFileDescriptors: Double?
    /// Start time since the Unix epoch, seconds.
    public var startTimeSeconds: Double

    public init(
        cpuSeconds: Double, residentMemoryBytes: Double, virtualMemoryBytes: Double, openFileDescriptors: Double?,
        maxFileDescriptors: Double?, startTimeSeconds: Double
    ) {
        self.cpuSeconds = cpuSeconds
        self.residentMemoryBytes = residentMemoryBytes
        self.virtualMemoryBytes = virtualMemoryBytes
        self.openFileDescriptors = openFileDescriptors
        self.maxFileDescriptors = maxFileDescriptors
        self.startTimeSeconds = startTimeSeconds
    }
}
