import Synchronization

/// A token bucket: `burst` requests at once, refilled by one every `interval` seconds.
public final class RequestRateLimiter: Sendable {
    private let interval: Double
    private let burst: Double
    private let state: Mutex<(tokens: Double, updated: Double)>

    public init(interval: Double, burst: Int, now: Double) {
        self.interval = interval
        self.burst = Double(burst)
        state = Mutex((Double(burst), now))
    }

    /// Takes a token if one is left at `now`.
    public func allows(now: Double) -> Bool {
        state.withLock { bucket in
            let refill = max(now - bucket.updated, 0) / interval
            bucket.tokens = min(burst, bucket.tokens + refill)
            bucket.updated = max(bucket.updated, now)
            guard bucket.tokens >= 1 else { return false }
            bucket.tokens -= 1
            return true
        }
    }
}
