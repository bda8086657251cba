import Counters
import Model
import Testing

@Suite struct HourlyRollupTests {
    private func account(_ host: String, joules: Double, region: String? = "GB", cpu: Double = 0) -> HostAccount {
        var account = HostAccount(
            host: host, attribution: ["clf", "ann"], gridRegion: region, profileName: "default", cores: 4, lastSeen: 0)
        account.busyEnergy = Joules(joules * 0.25)
        account.idleEnergy = Joules(joules * 0.75)
        account.busyEmissions = Grams(joules * 0.25 / 3_600_000 * 200)
        account.idleEmissions = Grams(joules * 0.75 / 3_600_000 * 200)
        account.cpuBusySeconds = Seconds(cpu * 0.25)
        account.cpuIdleSeconds = Seconds(cpu * 0.75)
        return account
    }

    @Test func growthIsSpreadEvenlyOverTheHoursOfTheSpan() {
        // 10:30 to 12:00: a third in hour 10, two thirds in hour 11.
        let rows = HourlyRollup.rows(
            previous: [account("a", joules: 1_000)], previousTime: 10.5 * 3_600,
            current: [account("a", joules: 4_000, cpu: 30)], now: 12 * 3_600)
        #expect(rows.map(\.hour) == [10, 11])
        #expect(abs(rows[0].amounts.joules - 1_000) < 1e-9)
        #expect(abs(rows[1].amounts.joules - 2_000) < 1e-9)
        #expect(abs(rows.map(\.amounts.cpuIdleSeconds).reduce(0, +) - 22.5) < 1e-9)
        #expect(rows.allSatisfy { $0.gridRegion == "GB" && $0.attribution == ["clf", "ann"] })
    }

    @Test func theSumOfTheRowsIsTheCountersGrowth() {
        let previous = [account("a", joules: 500), account("b", joules: 100)]
        let current = [account("a", joules: 9_500), account("b", joules: 100), account("c", joules: 42)]
        let rows = HourlyRollup.rows(previous: previous, previousTime: 1_000, current: current, now: 20_000)
        let byHost = Dictionary(grouping: rows, by: \.host).mapValues { $0.map(\.amounts.joules).reduce(0, +) }
        #expect(abs((byHost["a"] ?? 0) - 9_000) < 1e-6)
        // A host that did not grow has no rows (no data is not zero); a new one counts from zero.
        #expect(byHost["b"] == nil)
        #expect(abs((byHost["c"] ?? 0) - 42) < 1e-9)
    }

    @Test func anAccountWhoseRegionWasSettledOnlyNowContinuesFromItsStoredTotals() {
        let rows = HourlyRollup.rows(
            previous: [account("a", joules: 1_000, region: nil)], previousTime: 0,
            current: [account("a", joules: 1_600, region: "GB-13")], now: 60)
        #expect(rows.count == 1)
        #expect(abs(rows[0].amounts.joules - 600) < 1e-9)
        #expect(rows[0].gridRegion == "GB-13")
    }

    @Test func countersBelowTheirStoredStateCountAsARestartFromZero() {
        let rows = HourlyRollup.rows(
            previous: [account("a", joules: 1_000)], previousTime: 0, current: [account("a", joules: 300)], now: 60)
        #expect(abs(rows.map(\.amounts.joules).reduce(0, +) - 300) < 1e-9)
    }

    @Test func withoutAnEarlierSaveTheGrowthIsInTheCurrentHour() {
        let rows = HourlyRollup.rows(previous: [], previousTime: nil, current: [account("a", joules: 10)], now: 7_300)
        #expect(rows.map(\.hour) == [2])
    }

    @Test func theLedgerCountsCPUSecondsFromCounterDeltas() throws {
        var ledger = HostLedger(attributionLabels: ["cloud_project_name", "user"], graceSeconds: 600)
        let first = HostReading(
            host: "a", labels: [:], timestamp: 100, cpuIdleSeconds: 10, cpuTotalSeconds: 20, cores: 2,
            memoryActiveRatio: nil, bootTime: 5)
        var second = first
        second.timestamp = 160
        second.cpuIdleSeconds = 70
        second.cpuTotalSeconds = 140
        ledger.record(first, profile: PowerProfile(), intensity: GramsPerKilowattHour(200), at: 100)
        ledger.record(second, profile: PowerProfile(), intensity: GramsPerKilowattHour(200), at: 160)
        let account = try #require(ledger.allAccounts.first)
        #expect(account.cpuIdleSeconds.value == 60)
        #expect(account.cpuBusySeconds.value == 60)
    }
}
