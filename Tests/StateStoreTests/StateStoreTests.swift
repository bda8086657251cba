import Counters
import Foundation
import GRDB
import Model
import StateStore
import TestSupport
import Testing

private let flat = HalfIdleHost.profile

@Suite struct StateStoreTests {
    @Test func storeRoundTripsTheLedger() throws {
        let directory = try TemporaryDirectory.make("store")
        let store = try StateStore(path: "\(directory)/nested/state.sqlite")
        #expect(try store.load() == nil)
        var ledger = HostLedger(attributionLabels: ["cloud_project_name", "user"], graceSeconds: 600)
        let profile = PowerProfile()
        let first = HostReading(
            host: "a:9100", labels: ["user": "x\"y"], timestamp: 100, cpuIdleSeconds: 10, cpuTotalSeconds: 20, cores: 2,
            memoryActiveRatio: nil, bootTime: 5)
        var second = first
        second.timestamp = 160
        second.cpuIdleSeconds = 70
        second.cpuTotalSeconds = 140
        ledger.record(first, profile: profile, intensity: GramsPerKilowattHour(200), region: "GB", at: 100)
        ledger.record(second, profile: profile, intensity: GramsPerKilowattHour(200), region: "GB", at: 160)
        try store.save(ledger, at: 160)
        let saved = try #require(try store.load())
        #expect(saved.attributionLabels == ["cloud_project_name", "user"])
        #expect(saved.accounts == ledger.allAccounts)
        #expect(saved.baselines.map(\.timestamp) == [160])
        #expect(saved.savedAt == 160)
        let restored = HostLedger(
            attributionLabels: saved.attributionLabels, graceSeconds: 600, accounts: saved.accounts,
            baselines: saved.baselines)
        #expect(restored.snapshot().accounts == ledger.snapshot().accounts)
    }

    /// A store written before hosts had regions: opened, migrated, and its totals continue in the region the
    /// host maps to now, even when the restore-time guess was another.
    @Test func storeWithoutRegionsKeepsItsTotals() throws {
        let directory = try TemporaryDirectory.make("grid-store")
        let path = "\(directory)/state.sqlite"
        // The first schema, as the previous release wrote it.
        let old = try DatabaseQueue(path: path)
        try old.write { db in
            try db.execute(
                sql: """
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
            attributionLabels: saved.attributionLabels, graceSeconds: 600, accounts: saved.accounts,
            baselines: saved.baselines,
            regionOfUnmapped: { _ in "guess" })
        #expect(ledger.snapshot().accounts.map(\.gridRegion) == ["guess"])
        // The host's labels map it to "DE": the stored account moves there and keeps growing from its totals.
        ledger.record(
            HalfIdleHost.reading("h", at: 300), profile: flat, intensity: GramsPerKilowattHour(100), region: "DE",
            at: 300)
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

    /// GPU energy, GPU power and the method in force survive a restart like the other totals.
    @Test func gpuTotalsAndMethodRoundTrip() throws {
        let store = try StateStore(path: "\(try TemporaryDirectory.make("store"))/state.sqlite")
        var account = HostAccount(
            host: "gpu-1", attribution: ["jane"], gridRegion: "GB", profileName: "a100", cores: 64, lastSeen: 500)
        account.busyEnergy = Joules(9_000)
        account.idleEnergy = Joules(2_000)
        account.gpuBusyEnergy = Joules(6_000)
        account.gpuIdleEnergy = Joules(1_250)
        account.gpuPower = Watts(310)
        account.powerMethod = .node
        let ledger = HostLedger(attributionLabels: ["user"], graceSeconds: 600, accounts: [account], baselines: [])
        try store.save(ledger, at: 500)
        let saved = try #require(try store.load())
        #expect(saved.accounts == [account])
    }

    @Test func anUnknownPowerMethodIsDamageNamingTheRow() throws {
        let path = "\(try TemporaryDirectory.make("store"))/state.sqlite"
        let account = HostAccount(host: "h", attribution: ["jane"], profileName: "flat", cores: 1, lastSeen: 10)
        try StateStore(path: path).save(
            HostLedger(attributionLabels: ["user"], graceSeconds: 600, accounts: [account], baselines: []), at: 10)
        let database = try DatabaseQueue(path: path)
        try database.write { try $0.execute(sql: "UPDATE accounts SET power_method = 'guess'") }
        try database.close()
        do {
            _ = try StateStore(path: path).load()
            Issue.record("a store with an unknown power method was restored")
        } catch {
            #expect("\(error)".contains("table accounts, row 1"))
            #expect("\(error)".contains("power_method"))
        }
    }
}
