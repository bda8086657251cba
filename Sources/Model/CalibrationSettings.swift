/// How power profiles are fitted to whole-node measurements (`power.calibration` in the configuration).
public struct CalibrationSettings: Sendable, Equatable {
    /// Length of the rolling window of paired (reading, measured node watts) intervals, in seconds.
    public var windowSeconds: Double
    /// Measured hosts of a profile needed in the window before its fit is trusted.
    public var minHosts: Int
    /// Whether unmeasured hosts of a profile use its fitted coefficients.
    public var apply: Bool
    /// Smallest duration-weighted standard deviation of the busy share of CPU time (0...1) across the window's
    /// intervals; below it busy and idle power cannot be told apart.
    public var minLoadSpread: Double
    /// Largest plausible watts of one busy core; a fit above it is non-physical.
    public var maxWattsPerCore: Double
    /// Time slices the window is kept in; the window moves by one slice at a time.
    public var slices: Int

    public init(
        windowSeconds: Double = 6 * 3600, minHosts: Int = 3, apply: Bool = true, minLoadSpread: Double = 0.05,
        maxWattsPerCore: Double = 100, slices: Int = 36
    ) {
        self.windowSeconds = windowSeconds
        self.minHosts = minHosts
        self.apply = apply
        self.minLoadSpread = minLoadSpread
        self.maxWattsPerCore = maxWattsPerCore
        self.slices = slices
    }
}
