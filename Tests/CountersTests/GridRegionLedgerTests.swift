import Counters
import Foundation
import Model
import TestSupport
import Testing

private let flat = HalfIdleHost.profile

@Suite(.serialized) struct GridRegionLedgerTests {
    /// Two hosts, same power, different regions: each is charged its own region's intensity.
    @Test func eachHostIsChargedItsRegionsIntensity() throws {
        var ledger = HostLedger(attributionLabels: ["user"], graceSeconds: 600)
        for (host, region, grams) in [("gb-1", "GB", 200.0), ("de-1", "DE", 400.0)] {
            ledger.record(
                HalfIdleHost.reading(host, at: 100), profile: flat, intensity: GramsPerKilowattHour(grams),
                region: region, at: 100)
            // 36 W for 100 s = 3600 J = 1 Wh.
            ledger.record(
                HalfIdleHost.reading(host, at: 200), profile: flat, intensity: GramsPerKilowattHour(grams),
                region: region, at: 200)
        }
        let accounts = Dictionary(uniqueKeysWithValues: ledger.snapshot().accounts.map { ($0.host, $0) })
        let gb = try #require(accounts["gb-1"])
        let de = try #require(accounts["de-1"])
        #expect(gb.gridRegion == "GB")
        #expect(de.gridRegion == "DE")
        #expect(abs(gb.busyEmissions.value + gb.idleEmissions.value - 0.2) < 1e-12)
        #expect(abs(de.busyEmissions.value + de.idleEmissions.value - 0.4) < 1e-12)
    }

    /// A host moved to another region starts new series; the old ones keep their totals.
    @Test func aRegionChangeStartsANewAccount() {
        var ledger = HostLedger(attributionLabels: ["user"], graceSeconds: 600)
        ledger.record(
            HalfIdleHost.reading("h", at: 100), profile: flat, intensity: GramsPerKilowattHour(100), region: "A",
            at: 100)
        ledger.record(
            HalfIdleHost.reading("h", at: 200), profile: flat, intensity: GramsPerKilowattHour(100), region: "A",
            at: 200)
        ledger.record(
            HalfIdleHost.reading("h", at: 300), profile: flat, intensity: GramsPerKilowattHour(100), region: "B",
            at: 300)
        let accounts = ledger.snapshot().accounts
        #expect(accounts.map(\.gridRegion) == ["A", "B"])
        #expect(accounts[0].busyEnergy.value + accounts[0].idleEnergy.value == 3_600)
        #expect(accounts[1].busyEnergy.value + accounts[1].idleEnergy.value == 3_600)
    }
}
