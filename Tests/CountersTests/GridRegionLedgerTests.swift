import Counters
import Foundation
import GRDB
import Model
import StateStore
import TestSupport
import Testing

private let flat = PowerProfile(name: "flat", cpuWattsPerCore: 1, cpuIdleWattsPerCore: 1, ramWatts: 0, otherWatts: 35, pue: 1)

private func reading(_ host: String, at time: Double, labels: [String: String] = ["user": "jane"]) -> HostReading {
    HostReading(host: host, labels: labels, timestamp: time, cpuIdleSeconds: time / 2, cpuTotalSeconds: time, cores: 1, bootTime: 1)
}

@Suite(.serialized) struct GridRegionLedgerTests {
    /// Two hosts, same power, different regions: each is charged its own region's intensity.
    @Test func eachHostIsChargedItsRegionsIntensity() throws {
        var ledger = HostLedger(attributionLabels: ["user"], graceSeconds: 600)
        for (host, region, grams) in [("gb-1", "GB", 200.0), ("de-1", "DE", 400.0)] {
            ledger.record(reading(host, at: 100), profile: flat, intensity: GramsPerKilowattHour(grams), region: region, at: 100)
            // 36 W for 100 s = 3600 J = 1 Wh.
            ledger.record(reading(host, at: 200), profile: flat, intensity: GramsPerKilowattHour(grams), region: region, at: 200)
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
        ledger.record(reading("h", at: 100), profile: flat, intensity: GramsPerKilowattHour(100), region: "A", at: 100)
        ledger.record(reading("h", at: 200), profile: flat, intensity: GramsPerKilowattHour(100), region: "A", at: 200)
        ledger.record(reading("h", at: 300), profile: flat, intensity: GramsPerKilowattHour(100), region: "B", at: 300)
        let accounts = ledger.snapshot().accounts
        #expect(accounts.map(\.gridRegion) == ["A", "B"])
        #expect(accounts[0].busyEnergy.value + accounts[0].idleEnergy.value == 3_600)
        #expect(accounts[1].busyEnergy.value + accounts[1].idleEnergy.value == 3_600)
    }

    /// A store written before hosts had regions: opened, migrated, and its totals continue in the region the
    /// host maps to now, even when the restore-time guess was another.
    @Test func storeWithoutRegionsKeepsItsTotals() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grid-store-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/state.sqlite"
        // The first schema, as the previous release wrote it.
        let old = try DatabaseQueue(path: path)
        try old.write { db in
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1');
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE accounts (
                    host TEXT NOT NULL, attribution TEXT NOT NULL, profile TEXT NOT NULL,
                    busy_joules REAL NOT NULL, idle_joules REAL NOT NULL, busy_grams REAL NOT NULL, idle_grams REAL NOT NULL,
                    busy_seconds REAL NOT NULL, power_watts REAL, idle_ratio REAL, cores REAL NOT NULL,
                    memory_active_ratio REAL, boot_time REAL, last_seen REAL NOT NULL,
                    PRIMARY KEY (host, attribution));
                CREATE TABLE baselines (
                    host TEXT PRIMARY KEY, timestamp REAL NOT NULL, cpu_idle_seconds REAL NOT NULL,
                    cpu_total_seconds REAL NOT NULL, cores REAL NOT NULL, memory_active_ratio REAL, boot_time REAL);
                INSERT INTO meta VALUES ('attribution_labels', '["user"]'), ('saved_at', '200');
                INSERT INTO accounts VALUES ('h', '["jane"]', 'flat', 1000, 500, 0.5, 0.25, 30, 36, 0.5, 1, NULL, 1, 200);
                INSERT INTO baselines VALUES ('h', 200, 100, 200, 1, NULL, 1);
                """)
        }
        try old.close()

        let store = try StateStore(path: path)
        let saved = try #require(try store.load())
        #expect(saved.accounts.count == 1)
        #expect(saved.accounts[0].gridRegion == nil)
        #expect(saved.accounts[0].busyEnergy.value == 1_000)

        var ledger = HostLedger(
            attributionLabels: saved.attributionLabels, graceSeconds: 600, accounts: saved.accounts, baselines: saved.baselines,
            regionOfUnmapped: { _ in "guess" })
        #expect(ledger.snapshot().accounts.map(\.gridRegion) == ["guess"])
        // The host's labels map it to "DE": the stored account moves there and keeps growing from its totals.
        ledger.record(reading("h", at: 300), profile: flat, intensity: GramsPerKilowattHour(100), region: "DE", at: 300)
        let accounts = ledger.snapshot().accounts
        #expect(accounts.count == 1)
        #expect(accounts[0].gridRegion == "DE")
        #expect(accounts[0].busyEnergy.value + accounts[0].idleEnergy.value == 1_500 + 3_600)
        #expect(accounts[0].busyEmissions.value + accounts[0].idleEmissions.value > 0.75)

        try store.save(ledger, at: 300)
        let again = try #require(try StateStore(path: path).load())
        #expect(again.accounts.map(\.gridRegion) == ["DE"])
        #expect(again.accounts == ledger.allAccounts)
    }
}
