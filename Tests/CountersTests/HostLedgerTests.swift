import Counters
import Model
import TestSupport
import Testing

/// A host that draws a constant 100 W whatever it does: no CPU or memory term.
private let constant100W = PowerProfile(
    name: "flat", cpuWattsPerCore: 1, cpuIdleWattsPerCore: 1, ramWatts: 0, otherWatts: 99, pue: 1)

private func reading(
    _ host: String = "h1",
    at time: Double,
    idle: Double,
    total: Double,
    cores: Double = 1,
    boot: Double = 1_000,
    labels: [String: String] = ["cloud_project_name": "isis", "user": "jane"]
) -> HostReading {
    HostReading(
        host: host, labels: labels, timestamp: time, cpuIdleSeconds: idle, cpuTotalSeconds: total, cores: cores,
        memoryActiveRatio: 0.5, bootTime: boot
    )
}

@Suite struct HostLedgerTests {
    let intensity = GramsPerKilowattHour(200)

    func ledger() -> HostLedger { HostLedger(attributionLabels: ["cloud_project_name", "user"], graceSeconds: 600) }

    @Test func constant100WattsFor60SecondsIsExactly6000Joules() throws {
        let clock = ManualClock()
        var ledger = ledger()
        #expect(
            ledger.record(
                reading(at: clock.now(), idle: 0, total: 0), profile: constant100W, intensity: intensity,
                at: clock.now()) == .baseline)
        clock.advance(by: 60)
        let outcome = ledger.record(
            reading(at: clock.now(), idle: 15, total: 60), profile: constant100W, intensity: intensity, at: clock.now())
        #expect(outcome == .integrated(Joules(6000)))
        let account = try #require(ledger.snapshot().accounts.first)
        #expect(account.busyEnergy.value + account.idleEnergy.value == 6000)
        #expect(account.idleEnergy.value == 1500)
        #expect(account.busyEnergy.value == 4500)
        #expect(account.busySeconds.value == 45)
        #expect(account.power == Watts(100))
        #expect(account.idleRatio == 0.25)
        // 6000 J = 1/600 kWh at 200 g/kWh.
        let grams = account.busyEmissions.value + account.idleEmissions.value
        #expect(abs(grams - 200.0 / 600) < 1e-12)
    }

    @Test func energyIsTheSameWhateverTheCollectionPeriod() {
        // One 600 s interval against ten 60 s intervals with the same counters at the end.
        let profile = PowerProfile()
        var coarse = ledger()
        coarse.record(reading(at: 0, idle: 0, total: 0, cores: 2), profile: profile, intensity: intensity, at: 0)
        coarse.record(
            reading(at: 600, idle: 600, total: 1200, cores: 2), profile: profile, intensity: intensity, at: 600)
        var fine = ledger()
        fine.record(reading(at: 0, idle: 0, total: 0, cores: 2), profile: profile, intensity: intensity, at: 0)
        for step in 1...10 {
            let t = Double(step) * 60
            fine.record(reading(at: t, idle: t, total: 2 * t, cores: 2), profile: profile, intensity: intensity, at: t)
        }
        let a = coarse.snapshot().accounts[0]
        let b = fine.snapshot().accounts[0]
        #expect(abs((a.busyEnergy + a.idleEnergy).value - (b.busyEnergy + b.idleEnergy).value) < 1e-9)
    }

    @Test func unchangedReadingKeepsTheBaselineSoNothingIsLostOrDoubled() {
        var ledger = ledger()
        ledger.record(reading(at: 0, idle: 0, total: 0), profile: constant100W, intensity: intensity, at: 0)
        // The source has no newer sample: same time, same counters.
        #expect(
            ledger.record(reading(at: 0, idle: 0, total: 0), profile: constant100W, intensity: intensity, at: 30)
                == .noProgress)
        #expect(
            ledger.record(reading(at: 120, idle: 60, total: 120), profile: constant100W, intensity: intensity, at: 120)
                == .integrated(Joules(12_000)))
    }

    @Test func outageGapIsIntegratedFromCounterDeltas() {
        var ledger = ledger()
        ledger.record(reading(at: 0, idle: 0, total: 0), profile: constant100W, intensity: intensity, at: 0)
        ledger.record(reading(at: 60, idle: 30, total: 60), profile: constant100W, intensity: intensity, at: 60)
        // Source down for an hour: no readings. Then one reading covering the whole gap.
        ledger.record(
            reading(at: 3_660, idle: 1_830, total: 3_660), profile: constant100W, intensity: intensity, at: 3_660)
        let account = ledger.snapshot().accounts[0]
        #expect((account.busyEnergy + account.idleEnergy).value == 366_000)
    }

    @Test func countersGoingBackwardsAddNothingAndRebase() {
        var ledger = ledger()
        ledger.record(reading(at: 0, idle: 100, total: 200), profile: constant100W, intensity: intensity, at: 0)
        let outcome = ledger.record(
            reading(at: 60, idle: 10, total: 20), profile: constant100W, intensity: intensity, at: 60)
        #expect(outcome == .reset(reason: "CPU counters went backwards"))
        #expect(ledger.snapshot().accounts[0].busyEnergy == .zero)
        // The next interval grows from the new baseline.
        #expect(
            ledger.record(reading(at: 120, idle: 40, total: 80), profile: constant100W, intensity: intensity, at: 120)
                == .integrated(Joules(6000)))
    }

    @Test func sampleTimeGoingBackwardsAddsNothing() {
        var ledger = ledger()
        ledger.record(reading(at: 100, idle: 0, total: 0), profile: constant100W, intensity: intensity, at: 100)
        #expect(
            ledger.record(reading(at: 50, idle: 10, total: 20), profile: constant100W, intensity: intensity, at: 150)
                == .reset(reason: "sample time went backwards"))
        #expect(ledger.snapshot().accounts[0].busyEnergy == .zero)
    }

    @Test func rebootIntegratesOnlyFromTheNewBootTime() {
        var ledger = ledger()
        ledger.record(
            reading(at: 1_000, idle: 500, total: 1_000, boot: 0), profile: constant100W, intensity: intensity, at: 1_000
        )
        // Down from 1000 until it booted at 1900; read at 2000 with counters from zero: 100 s of runtime.
        let outcome = ledger.record(
            reading(at: 2_000, idle: 50, total: 100, boot: 1_900), profile: constant100W, intensity: intensity,
            at: 2_000)
        #expect(outcome == .restarted(Joules(10_000)))
        let account = ledger.snapshot().accounts[0]
        #expect(account.idleEnergy.value == 5_000)
        #expect(account.bootTime == 1_900)
    }

    @Test func invalidReadingsAreSkipped() {
        var ledger = ledger()
        let bad = [
            reading(at: .nan, idle: 0, total: 0),
            reading(at: 0, idle: .infinity, total: 0),
            reading(at: 0, idle: 10, total: 5),
            reading(at: 0, idle: -1, total: 5),
            reading(at: 0, idle: 0, total: 0, cores: 0),
            reading("", at: 0, idle: 0, total: 0),
        ]
        for reading in bad {
            #expect(ledger.record(reading, profile: constant100W, intensity: intensity, at: 0) == .invalid)
        }
        #expect(ledger.snapshot().accounts.isEmpty)
    }

    @Test func attributionChangeStartsANewAccountAndKeepsTheOld() {
        var ledger = ledger()
        ledger.record(reading(at: 0, idle: 0, total: 0), profile: constant100W, intensity: intensity, at: 0)
        ledger.record(reading(at: 60, idle: 30, total: 60), profile: constant100W, intensity: intensity, at: 60)
        let moved = ["cloud_project_name": "other", "user": "bob"]
        ledger.record(
            reading(at: 120, idle: 60, total: 120, labels: moved), profile: constant100W, intensity: intensity, at: 120)
        let accounts = ledger.snapshot().accounts
        #expect(accounts.count == 2)
        let old = accounts.first { $0.attribution == ["isis", "jane"] }
        let new = accounts.first { $0.attribution == ["other", "bob"] }
        #expect((old.map { $0.busyEnergy + $0.idleEnergy })?.value == 6000)
        #expect((new.map { $0.busyEnergy + $0.idleEnergy })?.value == 6000)
    }

    @Test func hostsDisappearAfterTheGracePeriod() {
        var ledger = ledger()
        ledger.record(reading("a", at: 0, idle: 0, total: 0), profile: constant100W, intensity: intensity, at: 0)
        ledger.record(reading("b", at: 0, idle: 0, total: 0), profile: constant100W, intensity: intensity, at: 0)
        ledger.finishCollection(hostsSeen: 2, at: 0)
        ledger.record(reading("a", at: 300, idle: 0, total: 300), profile: constant100W, intensity: intensity, at: 300)
        ledger.finishCollection(hostsSeen: 1, at: 300)
        #expect(ledger.snapshot().accounts.map(\.host) == ["a", "b"]) // b within grace
        ledger.record(reading("a", at: 700, idle: 0, total: 700), profile: constant100W, intensity: intensity, at: 700)
        ledger.finishCollection(hostsSeen: 1, at: 700)
        #expect(ledger.snapshot().accounts.map(\.host) == ["a"])
        #expect(ledger.baseline(of: "b") == nil)
        #expect(ledger.snapshot().hostsInLastCollection == 1)
    }

    @Test func conservationAcrossManyHostsAndCountersNeverDecrease() {
        // Pseudo-random but deterministic workloads; the ledger must equal an independent integration.
        var generator = SeededRandom(seed: 42)
        var ledger = HostLedger(attributionLabels: ["cloud_project_name", "user"], graceSeconds: 1e9)
        let profile = PowerProfile(cpuWattsPerCore: 12, cpuIdleWattsPerCore: 3, ramWatts: 6, otherWatts: 18, pue: 1.2)
        var expected = 0.0
        var state: [String: (idle: Double, total: Double, time: Double)] = [:]
        var previousTotals: [String: Double] = [:]
        for step in 0..<200 {
            for hostIndex in 0..<5 {
                let host = "host-\(hostIndex)"
                var current = state[host] ?? (0, 0, 0)
                let dt = 10 + Double(generator.next() % 110)
                let busyShare = Double(generator.next() % 1000) / 1000
                current.time += dt
                current.total += 4 * dt
                current.idle += 4 * dt * (1 - busyShare)
                if state[host] != nil {
                    expected += profile.power(cores: 4, idleRatio: 1 - busyShare, memoryActiveRatio: 0.5).value * dt
                }
                state[host] = current
                ledger.record(
                    reading(host, at: current.time, idle: current.idle, total: current.total, cores: 4),
                    profile: profile, intensity: intensity, at: Double(step)
                )
            }
            for account in ledger.snapshot().accounts {
                let total = (account.busyEnergy + account.idleEnergy).value
                #expect(total >= previousTotals[account.host] ?? 0)
                previousTotals[account.host] = total
            }
        }
        let total = ledger.snapshot().accounts.reduce(0) { $0 + ($1.busyEnergy + $1.idleEnergy).value }
        #expect(abs(total - expected) / expected < 1e-9)
    }
}
