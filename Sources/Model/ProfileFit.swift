/// The outcome of fitting one power profile's coefficients to whole-node measurements.
public struct ProfileFit: Sendable, Equatable {
    /// Why a fit is not trusted. Raw values are the `reason` label of `footprint_power_profile_fit_rejected`.
    public enum Rejection: String, Sendable, Hashable, CaseIterable {
        /// Fewer measured hosts of the profile in the window than `min_hosts`.
        case tooFewHosts = "too_few_hosts"
        /// The hosts' busy share hardly varied, so busy and idle power cannot be told apart.
        case tooLittleLoadSpread = "too_little_load_spread"
        /// The least-squares coefficients are negative, non-finite, or have a busy core drawing less than an
        /// idle one.
        case nonPhysical = "non_physical"
    }

    public var profile: String
    /// Watts per idle core; fitted only when the hosts' core counts differ (else the configured value).
    public var cpuIdleWattsPerCore: Double
    public var cpuWattsPerCore: Double
    public var otherWatts: Double
    /// Whether `cpuIdleWattsPerCore` came from the data; with one core count it cannot be told apart from
    /// `otherWatts`, so the configured value is kept and only the other two are fitted.
    public var idleFitted: Bool
    /// Distinct measured hosts in the window.
    public var hosts: Int
    /// Paired intervals in the window.
    public var intervals: Int
    /// Relative RMS residual: the duration-weighted RMS of (measured − fitted) divided by the weighted mean
    /// measured power; nil when rejected before solving.
    public var errorRatio: Double?
    /// Unix seconds of the fit.
    public var fittedAt: Double
    /// nil for a fit that may be applied.
    public var rejection: Rejection?
    /// What was wrong, for a log line.
    public var detail: String

    public init(
        profile: String, cpuIdleWattsPerCore: Double, cpuWattsPerCore: Double, otherWatts: Double,
        idleFitted: Bool, hosts: Int, intervals: Int, errorRatio: Double?, fittedAt: Double,
        rejection: Rejection? = nil, detail: String = ""
    ) {
        self.profile = profile
        self.cpuIdleWattsPerCore = cpuIdleWattsPerCore
        self.cpuWattsPerCore = cpuWattsPerCore
        self.otherWatts = otherWatts
        self.idleFitted = idleFitted
        self.hosts = hosts
        self.intervals = intervals
        self.errorRatio = errorRatio
        self.fittedAt = fittedAt
        self.rejection = rejection
        self.detail = detail
    }

    public var isAccepted: Bool { rejection == nil }

    /// The configured profile with this fit's coefficients; its memory term and PUE stay as configured.
    public func applied(to configured: PowerProfile) -> PowerProfile {
        var profile = configured
        profile.cpuIdleWattsPerCore = cpuIdleWattsPerCore
        profile.cpuWattsPerCore = cpuWattsPerCore
        profile.otherWatts = otherWatts
        return profile
    }
}
