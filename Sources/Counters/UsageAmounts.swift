/// CPU time, energy and emissions of one slice of usage, split into busy and idle, in base units.
///
/// The unit of the usage history: what an account's counters grew by over some time.
public struct UsageAmounts: Sendable, Equatable {
    public var cpuBusySeconds = 0.0
    public var cpuIdleSeconds = 0.0
    public var busyJoules = 0.0
    public var idleJoules = 0.0
    public var busyGrams = 0.0
    public var idleGrams = 0.0

    public init() {}

    public init(
        cpuBusySeconds: Double, cpuIdleSeconds: Double, busyJoules: Double, idleJoules: Double, busyGrams: Double,
        idleGrams: Double
    ) {
        self.cpuBusySeconds = cpuBusySeconds
        self.cpuIdleSeconds = cpuIdleSeconds
        self.busyJoules = busyJoules
        self.idleJoules = idleJoules
        self.busyGrams = busyGrams
        self.idleGrams = idleGrams
    }

    /// An account's counters as they stand, as amounts since counting began.
    public init(totalsOf account: HostAccount) {
        self.init(
            cpuBusySeconds: account.cpuBusySeconds.value, cpuIdleSeconds: account.cpuIdleSeconds.value,
            busyJoules: account.busyEnergy.value, idleJoules: account.idleEnergy.value,
            busyGrams: account.busyEmissions.value, idleGrams: account.idleEmissions.value)
    }

    public var joules: Double { busyJoules + idleJoules }
    public var grams: Double { busyGrams + idleGrams }
    public var isZero: Bool { self == UsageAmounts() }

    /// Every amount is at least the other's: counters that only grew.
    public func covers(_ other: UsageAmounts) -> Bool {
        cpuBusySeconds >= other.cpuBusySeconds && cpuIdleSeconds >= other.cpuIdleSeconds
            && busyJoules >= other.busyJoules && idleJoules >= other.idleJoules && busyGrams >= other.busyGrams
            && idleGrams >= other.idleGrams
    }

    public mutating func add(_ other: UsageAmounts, scaledBy factor: Double = 1) {
        cpuBusySeconds += other.cpuBusySeconds * factor
        cpuIdleSeconds += other.cpuIdleSeconds * factor
        busyJoules += other.busyJoules * factor
        idleJoules += other.idleJoules * factor
        busyGrams += other.busyGrams * factor
        idleGrams += other.idleGrams * factor
    }

    public func subtracting(_ other: UsageAmounts) -> UsageAmounts {
        var result = self
        result.add(other, scaledBy: -1)
        return result
    }
}
