#if canImport(Glibc)
    import Glibc
#endif

/// A source of the current wall-clock time in Unix seconds.
///
/// Injected everywhere time matters so tests can drive integration with a manual clock.
public protocol WallClock: Sendable {
    func now() -> Double
}

/// The system's real-time clock.
public struct SystemClock: WallClock {
    public init() {}

    public func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
