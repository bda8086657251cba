import Model

/// Measured power and calibration across collections: what the collector calls, in this order, each time.
///
/// 1. `begin(samples:)` with this collection's measured samples (the bridge reader's, the scraped ones, the
///    local powercap one), each filed under its host's join key.
/// 2. `record(...)` for each host reading, instead of `HostLedger.record`: it finds the host's measurement by
///    its join key, applies the calibrated profile where calibration applies, integrates, and pairs whole-node
///    intervals with the reading for the calibration.
/// 3. `finish(configured:at:)` once all readings are recorded: refits every profile and forgets measurement
///    baselines of hosts no longer seen.
///
/// A value type: the owner serialises access (as for the ledger).
public struct PowerCollection: Sendable {
    public private(set) var tracker: MeasurementTracker
    public private(set) var calibrator: Calibrator
    private var measurements: [String: HostMeasurement] = [:]
    private var seen: Set<String> = []

    /// - Parameters:
    ///   - restoredFits: accepted fits from the state store, in force until replaced.
    ///   - maxGapSeconds: a meter silent for longer starts again from a baseline.
    public init(calibration: CalibrationSettings, restoredFits: [ProfileFit] = [], maxGapSeconds: Double = 900) {
        tracker = MeasurementTracker(maxGapSeconds: maxGapSeconds)
        calibrator = Calibrator(settings: calibration, restored: restoredFits)
    }

    /// Starts a collection with its measured samples; a host with no sample this time has no measurement.
    /// Several samples of one host (a scrape of each of its exporters) are merged first.
    public mutating func begin(samples: [PowerSample]) {
        measurements = [:]
        seen = []
        // Only hosts with several samples (several exporters) are grouped; most hosts have one.
        var counts: [String: Int] = [:]
        for sample in samples { counts[sample.host, default: 0] += 1 }
        var groups: [String: [PowerSample]] = [:]
        for sample in samples where counts[sample.host] ?? 0 > 1 { groups[sample.host, default: []].append(sample) }
        for sample in samples {
            var combined = sample
            if let group = groups.removeValue(forKey: sample.host) {
                guard let all = PowerSample.merged(group) else { continue }
                combined = all
            } else if counts[sample.host] ?? 0 > 1 {
                continue // merged at the host's first sample
            }
            seen.insert(combined.host)
            if let measurement = tracker.update(combined) { measurements[combined.host] = measurement }
        }
    }

    /// The measurement of a join key in this collection, if any.
    public func measurement(of joinKey: String) -> HostMeasurement? { measurements[joinKey] }

    /// Integrates one reading with the host's measured power, or its (calibrated) profile.
    ///
    /// - Parameter joinKey: the key the host's measured samples are filed under: `HostJoin.nodeKey(of:)` (the
    ///   host part of its `instance`).
    @discardableResult
    public mutating func record(
        _ reading: HostReading, joinKey: String, profile: PowerProfile, intensity: GramsPerKilowattHour,
        region: String = "", into ledger: inout HostLedger, at now: Double
    ) -> HostLedger.Outcome {
        seen.insert(joinKey)
        let measurement = measurements[joinKey]
        let result = ledger.recordInterval(
            reading, profile: profile, intensity: intensity, region: region, measurement: measurement,
            calibrated: calibrator.calibratedProfile(for: profile), at: now)
        if let interval = result.interval {
            calibrator.add(interval, reading: reading, profile: profile, measurement: measurement)
        }
        return result.outcome
    }

    /// Ends a collection: refits every configured profile that has observations and forgets baselines of
    /// hosts neither measured nor read this time.
    /// - Returns: this collection's fit attempts, sorted by profile, for logging (rejections with their reason).
    @discardableResult
    public mutating func finish(configured: [PowerProfile], at now: Double) -> [ProfileFit] {
        tracker.retain(hosts: seen)
        return calibrator.refit(configured: configured, at: now)
    }

    /// Each configured profile's calibration state, for `Snapshot.calibrations`.
    public func calibrations(configured: [PowerProfile]) -> [ProfileCalibration] {
        calibrator.calibrations(configured: configured)
    }

    /// The accepted fits in force, for `StateStore.savePowerFits`.
    public var fitsInForce: [ProfileFit] { calibrator.fitsInForce }
}
