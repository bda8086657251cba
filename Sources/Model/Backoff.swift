/// The retry delay of everything that asks an upstream again after a failure (carbon providers, AUDITOR).
///
/// The delay after the n-th failure in a row is `initial × 2^(n−1)`, at most `maximum`; before any failure it
/// is zero. Callers add their own jitter where several exporters could come back in step.
public struct Backoff: Sendable, Equatable {
    public var initial: Double
    public var maximum: Double

    public init(initial: Double, maximum: Double) {
        self.initial = initial
        self.maximum = maximum
    }

    /// Seconds to wait after `failures` failures in a row.
    public func delay(afterFailures failures: Int) -> Double {
        guard failures > 0 else { return 0 }
        // 2^62 seconds is far past any maximum; the exponent is clamped so the power stays finite.
        return min(initial * Double(1 << min(failures - 1, 62)), maximum)
    }
}
