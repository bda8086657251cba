import Model

/// Measured power and calibration across collections: what the collector calls, in this order, each time.
///
/// 1. `begin(samples:)` with this collection's measured samples (the bridge reader's, the scraped ones, the
///    local powercap one), each filed under its host's join key.
/// 2. `record(...)` for each host reading, instead of `HostLedger.record`: it finds the host's measurement by
///    its join key, applies the calibrated profile where calibration applies, integrates, and pairs whole-node
///    intervals with the reading for the calibration. A sample with counters scraped with the reading
///    (`PowerSample.Counter.scrapedWithReading`) is measured here, at the reading's sample time.
/// 3. `finish(configured:at:)` once all readings are recorded: refits every profile and forgets measurement
///    baselines of hosts no longer seen.
///
/// A value type: the owner serialises access (as for the ledger).
public struct PowerCollection: Sendable {
    public private(set) var tracker: MeasurementTracker
    public private(set) var calibrator: Calibrator
    /// The calibrated profile of the profile last recorded, worked out once per collection and profile.
    private var calibrated: (profile: PowerProfile, calibrated: PowerProfile?)?

    /// - Parameters:
    ///   - restoredFits: accepted fits from the state store, in force until replaced.
    ///   - maxGapSeconds: a meter silent for longer starts again from a baseline.
    public init(calibration: CalibrationSettings, restoredFits: [ProfileFit] = [], maxGapSeconds: Double = 900) {
        tracker = MeasurementTracker(maxGapSeconds: maxGapSeconds)
        calibrator = Calibrator(settings: calibration, restored: restoredFits)
    }

    /// Starts a collection with its measured samples; a host with no sample this time has no measurement.
    /// Several samples of one host (a scrape of each of its exporters) are merged first.
    public mutating func begin(samples: PowerSamples) {
        calibrated = nil
        // Samples sorted by host without repeats (the bridge reader's) need no grouping.
        if samples.isSortedByHost {
            tracker.startCollection(filing: samples)
            return
        }
        // Only hosts with several samples (several exporters) are merged; most hosts have one.
        var first: [String: Int] = [:]
        var later: [Int: [PowerSample]] = [:]
        for (index, host) in samples.hosts.enumerated() {
            let head = Self.claim(&first[host, default: -1], index)
            if head != index { later[head, default: []].append(samples[index]) }
        }
        var merged: [PowerSample] = []
        for (index, host) in samples.hosts.enumerated() where first[host] == index {
            if let rest = later[index] {
                if let all = PowerSample.merged([samples[index]] + rest) { merged.append(all) }
            } else {
                merged.append(samples[index])
            }
        }
        merged.sort { $0.host < $1.host }
        tracker.startCollection(filing: PowerSamples(merged))
    }

    /// The index a host's first sample claimed, claiming it for `index` if none did.
    private static func claim(_ slot: inout Int, _ index: Int) -> Int {
        if slot < 0 { slot = index }
        return slot
    }

    /// The measurement of a join key in this collection, if any; a sample waiting for its host's reading has
    /// none until that reading is recorded.
    public func measurement(of joinKey: String) -> HostMeasurement? {
        tracker.currentMeasurement(of: joinKey)
    }

    /// Integrates one reading with the host's measured power, or its (calibrated) profile.
    ///
    /// - Parameter joinKey: the key the host's measured samples are filed under: `HostJoin.nodeKey(of:)` (the
    ///   host part of its `instance`).
    @discardableResult
    public mutating func record(
        _ reading: HostReading, joinKey: String, profile: PowerProfile, intensity: GramsPerKilowattHour,
        region: String = "", into ledger: inout HostLedger, at now: Double
    ) -> HostLedger.Outcome {
        let (measurement, key) = tracker.measurement(of: joinKey, readAt: reading.timestamp)
        if calibrated?.profile != profile { calibrated = (profile, calibrator.calibratedProfile(for: profile)) }
        let result = ledger.recordInterval(
            reading, profile: profile, intensity: intensity, region: region, measurement: measurement,
            calibrated: calibrated?.calibrated, at: now)
        if let interval = result.interval {
            calibrator.add(interval, host: key, reading: reading, profile: profile, measurement: measurement)
        }
        return result.outcome
    }

    /// Ends a collection: refits every configured profile that has observations and forgets baselines of
    /// hosts neither measured nor read this time.
    /// - Returns: this collection's fit attempts, sorted by profile, for logging (rejections with their reason).
    @discardableResult
    public mutating func finish(configured: [PowerProfile], at now: Double) -> [ProfileFit] {
        // A sample still waiting had no reading: its counters wait for the next one, from the same baselines.
        tracker.retainUpdated()
        tracker.releaseSamples()
        calibrated = nil
        return calibrator.refit(configured: configured, at: now)
    }

    /// Each configured profile's calibration state, for `Snapshot.calibrations`.
    public func calibrations(configured: [PowerProfile]) -> [ProfileCalibration] {
        calibrator.calibrations(configured: configured)
    }

    /// The accepted fits in force, for `StateStore.savePowerFits`.
    public var fitsInForce: [ProfileFit] { calibrator.fitsInForce }
}
