/// A host's power over one interval and how it was obtained.
public struct PowerEstimate: Sendable, Equatable {
    /// Total power of the host, GPUs and PUE included.
    public var total: Watts
    /// The GPUs' share of `total` (Σ gpu watts × PUE), zero without GPUs; never more than `total`.
    public var gpu: Watts
    /// Busy share of the GPU energy, 0...1; nil when unknown (the caller then splits it like the CPU's).
    public var gpuBusyRatio: Double?
    public var method: PowerMethod

    public init(total: Watts, gpu: Watts = .zero, gpuBusyRatio: Double? = nil, method: PowerMethod) {
        self.total = total
        self.gpu = gpu
        self.gpuBusyRatio = gpuBusyRatio
        self.method = method
    }
}
