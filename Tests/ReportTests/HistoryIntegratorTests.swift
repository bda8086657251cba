import Counters
import Model
import Report
import Testing

/// Past readings through the live counters, each host charged in its own grid region.
@Suite struct HistoryIntegratorTests {
    static let profile = PowerProfile(cpuWattsPerCore: 10, cpuIdleWattsPerCore: 0, ramWatts: 0, otherWatts: 0, pue: 1)

    func reading(_ host: String, at time: Double, busy: Double) -> HostReading {
        // One core; `busy` of the time since 0 was busy.
        HostReading(
            host: host, labels: ["site": host.hasPrefix("fra") ? "fra" : "lon"], timestamp: time,
            cpuIdleSeconds: time * (1 - busy), cpuTotalSeconds: time, cores: 1, bootTime: -1_000)
    }

    @Test func eachHostIsChargedTheIntensityOfItsRegion() throws {
        var integrator = HistoryIntegrator(
            attributionLabels: ["site"], graceSeconds: 3_600,
            intensities: [
                "london": IntensityTimeline(constant: GramsPerKilowattHour(100)),
                "frankfurt": IntensityTimeline(constant: GramsPerKilowattHour(400)),
            ],
            region: { $0.labels["site"] == "fra" ? "frankfurt" : "london" },
            profile: { _ in Self.profile })
        _ = integrator.add(
            time: 1_000, readings: [reading("lon-1", at: 1_000, busy: 1), reading("fra-1", at: 1_000, busy: 1)])
        let intervals = integrator.add(
            time: 4_600, readings: [reading("lon-1", at: 4_600, busy: 1), reading("fra-1", at: 4_600, busy: 1)])
        #expect(intervals.count == 2)
        let byHost = Dictionary(uniqueKeysWithValues: intervals.map { ($0.account.host, $0) })
        // 10 W for an hour = 0.01 kWh: 1 g at 100 g/kWh, 4 g at 400 g/kWh.
        let london = try #require(byHost["lon-1"])
        let frankfurt = try #require(byHost["fra-1"])
        #expect(abs(london.usage.busyJoules - 36_000) < 1e-6)
        #expect(abs(london.usage.busyGrams - 1) < 1e-9)
        #expect(abs(frankfurt.usage.busyGrams - 4) < 1e-9)
        #expect(london.account.gridRegion == "london")
        #expect(frankfurt.account.gridRegion == "frankfurt")
        #expect(frankfurt.intensity == 400)
    }
}
