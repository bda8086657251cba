import Model

/// A one-core host that is idle half of the time, drawing a flat 36 W whatever its load (1 W per core busy or
/// idle plus 35 W of the rest), so every second of it is 36 J: easy to check by hand.
public enum HalfIdleHost {
    public static let profile = PowerProfile(
        name: "flat", cpuWattsPerCore: 1, cpuIdleWattsPerCore: 1, ramWatts: 0, otherWatts: 35, pue: 1)

    /// Its reading at `time` (CPU seconds equal to the time, half of them idle), booted at 1.
    public static func reading(
        _ host: String, at time: Double, labels: [String: String] = ["user": "jane"]
    )
        -> HostReading
    {
        HostReading(
            host: host, labels: labels, timestamp: time, cpuIdleSeconds: time / 2, cpuTotalSeconds: time, cores: 1,
            bootTime: 1)
    }
}
