import Model

extension Calibrator {
    /// Feeds one integrated interval of a host: only intervals whose power came from a whole-node meter pair a
    /// reading with a measured node figure; anything else is ignored.
    /// - Parameter host: the name the host goes by in the calibration (its join key).
    public mutating func add(
        _ interval: IntervalPower, host: String, reading: HostReading, profile: PowerProfile,
        measurement: HostMeasurement?
    ) {
        guard interval.estimate.method == .node, let node = measurement?.nodeWatts else { return }
        add(
            profile: profile, host: host, cores: reading.cores, idleRatio: interval.idleRatio,
            memoryActiveRatio: reading.memoryActiveRatio ?? 0, nodeWatts: node, duration: interval.duration,
            at: reading.timestamp)
    }
}
