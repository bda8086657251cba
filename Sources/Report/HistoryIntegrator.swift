import Counters
import Model

/// Feeds readings of past evaluation steps through the live counters (`HostLedger`, `Integration`) and says
/// what each integrated interval added.
///
/// The report does not re-implement the model: each step's readings go through `HostLedger.record` exactly as
/// a live collection's would, and an interval's usage is the difference of its account's counters before and
/// after. So a report and the live counters' increase over the same window agree up to sample alignment.
public struct HistoryIntegrator: Sendable {
    public private(set) var ledger: HostLedger
    private let profile: @Sendable ([String: String]) -> PowerProfile
    private let intensities: [String: IntensityTimeline]
    private let region: @Sendable (HostReading) -> String

    /// - Parameters:
    ///   - intensities: each grid region's intensity history, by region name.
    ///   - region: the grid region a host is charged in (the configuration's region mapping); a region without
    ///     a history in `intensities` would be charged nothing, so every mapped region must have one.
    ///   - profile: the power profile of a host's labels (the configuration's first matching profile).
    ///   - graceSeconds: how long an unlisted host keeps its baseline, as in the live exporter.
    public init(
        attributionLabels: [String],
        graceSeconds: Double,
        intensities: [String: IntensityTimeline],
        region: @escaping @Sendable (HostReading) -> String,
        profile: @escaping @Sendable ([String: String]) -> PowerProfile
    ) {
        self.ledger = HostLedger(attributionLabels: attributionLabels, graceSeconds: graceSeconds)
        self.intensities = intensities
        self.region = region
        self.profile = profile
    }

    /// One intensity history for every host, which is then counted without a grid region.
    public init(
        attributionLabels: [String],
        graceSeconds: Double,
        intensity: IntensityTimeline,
        profile: @escaping @Sendable ([String: String]) -> PowerProfile
    ) {
        self.init(
            attributionLabels: attributionLabels, graceSeconds: graceSeconds, intensities: ["": intensity],
            region: { _ in "" },
            profile: profile)
    }

    /// Integrates the readings of one evaluation step, as a live collection at `time` would.
    public mutating func add(time: Double, readings: [HostReading]) -> [IntervalUsage] {
        var intervals: [IntervalUsage] = []
        for reading in readings.sorted(by: { $0.host < $1.host }) {
            let previous = ledger.baseline(of: reading.host)
            let gridRegion = region(reading)
            let key = ledger.accountKey(for: reading, region: gridRegion)
            let before = ledger.account(key)
            // The value in force when the interval ends, as the live exporter uses it at collection time.
            guard let inForce = intensities[gridRegion]?.value(at: reading.timestamp) else { continue }
            let outcome = ledger.record(
                reading, profile: profile(reading.labels), intensity: inForce.value, region: gridRegion, at: time)
            guard let previous, let after = ledger.account(key) else { continue }
            let duration: Double
            var cpuBusy = 0.0
            var cpuIdle = 0.0
            switch (outcome, Integration.step(from: previous, to: reading)) {
            case (.integrated, .interval(let length, _)):
                duration = length
                cpuIdle = reading.cpuIdleSeconds - previous.cpuIdleSeconds
                cpuBusy = reading.cpuTotalSeconds - previous.cpuTotalSeconds - cpuIdle
            case (.restarted, .restarted(let length, _)):
                // The counters restarted from zero at boot: their values are the interval's deltas.
                duration = length
                cpuIdle = reading.cpuIdleSeconds
                cpuBusy = reading.cpuTotalSeconds - reading.cpuIdleSeconds
            default:
                continue
            }
            var usage = UsageTotals()
            usage.cpuBusySeconds = max(cpuBusy, 0)
            usage.cpuIdleSeconds = max(cpuIdle, 0)
            usage.busyJoules = after.busyEnergy.value - (before?.busyEnergy.value ?? 0)
            usage.idleJoules = after.idleEnergy.value - (before?.idleEnergy.value ?? 0)
            usage.busyGrams = after.busyEmissions.value - (before?.busyEmissions.value ?? 0)
            usage.idleGrams = after.idleEmissions.value - (before?.idleEmissions.value ?? 0)
            usage.busyWallSeconds = after.busySeconds.value - (before?.busySeconds.value ?? 0)
            usage.hostSeconds = duration
            intervals.append(
                IntervalUsage(
                    account: key, labels: reading.labels, start: reading.timestamp - duration, end: reading.timestamp,
                    bootTime: reading.bootTime, usage: usage, intensity: inForce.value.value,
                    intensityFallback: inForce.fallback))
        }
        ledger.finishCollection(hostsSeen: readings.count, at: time)
        return intervals
    }

    /// Forgets every baseline, so no interval spans a stretch whose data could not be read: the report marks
    /// such a stretch as failed instead of guessing how its energy was spread.
    public mutating func forgetBaselines() {
        _ = ledger.dropBaselines(olderThan: -Double.infinity, now: 0)
    }
}
