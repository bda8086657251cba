import Counters
import Foundation
import GRDB
import Model
import StateStore
import TestSupport
import Testing

@Suite struct UsageHistoryStoreTests {
    private let labels = ["cloud_project_name", "user"]

    private func reading(_ host: String, at time: Double, idle: Double, total: Double) -> HostReading {
        HostReading(
            host: host, labels: ["cloud_project_name": "clf", "user": "ann"], timestamp: time, cpuIdleSeconds: idle,
            cpuTotalSeconds: total, cores: 4, memoryActiveRatio: 0.5, bootTime: 1)
    }

    private func record(_ ledger: inout HostLedger, _ host: String, at time: Double) {
        // Four cores, half idle.
        ledger.record(
            reading(host, at: time, idle: time * 2, total: time * 4), profile: HalfIdleHost.profile,
            intensity: GramsPerKilowattHour(200), region: "GB", at: time)
    }

    private func totalJoules(_ ledger: HostLedger) -> Double {
        ledger.allAccounts.map { $0.busyEnergy.value + $0.idleEnergy.value }.reduce(0, +)
    }

    @Test func theHistoryAddsUpToTheCountersAcrossReopening() throws {
        let directory = try TemporaryDirectory.make("usage-store")
        let path = "\(directory)/state.sqlite"
        var ledger = HostLedger(attributionLabels: labels, graceSeconds: 86_400)
        do {
            let store = try StateStore(path: path)
            for step in 0...30 {
                let time = 36_000 + Double(step) * 600 // ten-minute collections from 10:00 to 15:00
                record(&ledger, "a", at: time)
                record(&ledger, "b", at: time)
                try store.save(ledger, at: time)
            }
        }
        // A new process: counters restored, and the history continues from the stored state.
        let store = try StateStore(path: path)
        let saved = try #require(try store.load())
        ledger = HostLedger(
            attributionLabels: saved.attributionLabels, graceSeconds: 86_400, accounts: saved.accounts,
            baselines: saved.baselines)
        for step in 1...6 {
            let time = 54_000 + Double(step) * 600
            record(&ledger, "a", at: time)
            record(&ledger, "b", at: time)
            try store.save(ledger, at: time)
        }
        let hours = try store.usageHours(fromHour: 0, toHour: 1_000)
        let stored = hours.map(\.amounts.joules).reduce(0, +)
        #expect(totalJoules(ledger) > 0)
        #expect(abs(stored - totalJoules(ledger)) < 1e-6 * totalJoules(ledger))
        #expect(Set(hours.map(\.hour)) == Set(10...15))
        let cpu = hours.map { $0.amounts.cpuBusySeconds + $0.amounts.cpuIdleSeconds }.reduce(0, +)
        let counted = ledger.allAccounts.map { $0.cpuBusySeconds.value + $0.cpuIdleSeconds.value }.reduce(0, +)
        #expect(abs(cpu - counted) < 1e-6 * counted)
        #expect(hours.allSatisfy { $0.attribution == ["clf", "ann"] && $0.gridRegion == "GB" })
        #expect(try store.firstUsageHour() == 10)
    }

    @Test func hoursOlderThanTheRetentionAreDropped() throws {
        let directory = try TemporaryDirectory.make("usage-retention")
        let store = try StateStore(path: "\(directory)/state.sqlite")
        var ledger = HostLedger(attributionLabels: labels, graceSeconds: 1e9)
        for hour in 0..<10 {
            record(&ledger, "a", at: Double(hour) * 3_600 + 1_800)
            // Host b runs for the first three hours only.
            if hour < 3 { record(&ledger, "b", at: Double(hour) * 3_600 + 1_800) }
            try store.save(ledger, at: Double(hour) * 3_600 + 1_800, usageRetention: 3 * 3_600)
        }
        let rows = try store.usageHours(fromHour: 0, toHour: 100)
        #expect(rows.map(\.hour).min() == 6)
        #expect(rows.map(\.hour).max() == 9)
        #expect(Set(rows.map(\.host)) == ["a"])
        // Host b's series went with its last hour.
        let queue = try DatabaseQueue(path: "\(directory)/state.sqlite")
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT host FROM usage_series") } == ["a"])
    }

    /// A store written by the release before the history: migrated, its counters kept, the history starting
    /// from them (their past is not invented).
    @Test func aStoreWithoutHistoryStartsItFromItsCounters() throws {
        let directory = try TemporaryDirectory.make("usage-migration")
        let path = "\(directory)/state.sqlite"
        var ledger = HostLedger(attributionLabels: labels, graceSeconds: 1e9)
        record(&ledger, "a", at: 3_600)
        record(&ledger, "a", at: 7_200)
        do {
            let store = try StateStore(path: path)
            try store.save(ledger, at: 7_200)
        }
        // Roll the file back to the previous schema: no history tables, no CPU columns, no record of v6.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: """
                    DROP TABLE usage_hours; DROP TABLE usage_series;
                    ALTER TABLE accounts DROP COLUMN cpu_busy_seconds; ALTER TABLE accounts DROP COLUMN cpu_idle_seconds;
                    DELETE FROM grdb_migrations WHERE identifier = 'v6-usage-history';
                    """)
        }
        try queue.close()
        let store = try StateStore(path: path)
        let saved = try #require(try store.load())
        #expect(saved.accounts.first?.busyEnergy == ledger.allAccounts.first?.busyEnergy)
        #expect(saved.accounts.first?.cpuBusySeconds == .zero)
        let before = totalJoules(ledger)
        record(&ledger, "a", at: 10_800)
        try store.save(ledger, at: 10_800)
        let stored = try store.usageHours(fromHour: 0, toHour: 100).map(\.amounts.joules).reduce(0, +)
        #expect(abs(stored - (totalJoules(ledger) - before)) < 1e-6 * before)
    }
}
