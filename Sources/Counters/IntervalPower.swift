import Model

/// One integrated interval of a host: how long it was, its CPU idle share and the power applied to it.
public struct IntervalPower: Sendable, Equatable {
    public var duration: Double
    public var idleRatio: Double
    public var estimate: PowerEstimate

    public init(duration: Double, idleRatio: Double, estimate: PowerEstimate) {
        self.duration = duration
        self.idleRatio = idleRatio
        self.estimate = estimate
    }
}
