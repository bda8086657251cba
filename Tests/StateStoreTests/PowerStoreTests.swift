import Counters
import Foundation
import GRDB
import Model
import StateStore
import TestSupport
import Testing

@Suite struct PowerStoreTests {
    static let fit = ProfileFit(
        profile: "gpu-node", cpuIdleWattsPerCore: 2.25, cpuWattsPerCore: 9.5, otherWatts: 71, idleFitted: true,
        hosts: 4, intervals: 1440, errorRatio: 0.03125, fittedAt: 1_795_340_000)

    @Test func acceptedFitsSurviveARestartAndRejectedOnesAreNotStored() throws {
        let directory = try TemporaryDirectory.make("power-store")
        let path = "\(directory)/state.sqlite"
        var rejected = Self.fit
        rejected.profile = "other"
        rejected.rejection = .nonPhysical
        try StateStore(path: path).savePowerFits([Self.fit, rejected])
        let restored = try StateStore(path: path).loadPowerFits()
        #expect(restored == [Self.fit])
        let calibrator = Calibrator(settings: CalibrationSettings(), restored: restored)
        let configured = PowerProfile(name: "gpu-node", otherWatts: 60)
        #expect(calibrator.calibratedProfile(for: configured)?.otherWatts == 71)
    }

    @Test func aDamagedFitRowIsRefusedNamingTheRow() throws {
        let directory = try TemporaryDirectory.make("power-store")
        let path = "\(directory)/state.sqlite"
        try StateStore(path: path).savePowerFits([Self.fit])
        for damage in ["other_watts = -5", "cpu_watts_per_core = 'lots'"] {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "UPDATE power_fits SET \(damage)") }
            try queue.close()
            do {
                _ = try StateStore(path: path).loadPowerFits()
                Issue.record("a damaged fit (\(damage)) was put in force")
            } catch {
                #expect("\(error)".contains("table power_fits, row 1"), "\(error)")
            }
        }
    }

    @Test func gpuEnergyGPUPowerAndMethodAreSavedWithTheLedgerAndCheckedAgainstTheTotals() throws {
        let directory = try TemporaryDirectory.make("power-store")
        let path = "\(directory)/state.sqlite"
        var ledger = HostLedger(attributionLabels: ["user"], graceSeconds: 600)
        let profile = PowerProfile(name: "p", cpuWattsPerCore: 10, cpuIdleWattsPerCore: 1, otherWatts: 20)
        func reading(_ time: Double) -> HostReading {
            HostReading(
                host: "g:9100", labels: ["user": "jane"], timestamp: time, cpuIdleSeconds: time,
                cpuTotalSeconds: 2 * time,
                cores: 2, bootTime: -10)
        }
        let gpus = HostMeasurement(packageWatts: Watts(30), gpuWatts: Watts(200), gpuBusyRatio: 0.9)
        ledger.recordInterval(reading(10), profile: profile, intensity: GramsPerKilowattHour(100), region: "GB", at: 10)
        ledger.recordInterval(
            reading(70), profile: profile, intensity: GramsPerKilowattHour(100), region: "GB", measurement: gpus, at: 70
        )
        let plainReading = HostReading(
            host: "c:9100", timestamp: 10, cpuIdleSeconds: 1, cpuTotalSeconds: 2, cores: 1)
        ledger.record(plainReading, profile: profile, intensity: GramsPerKilowattHour(100), region: "GB", at: 70)
        try StateStore(path: path).save(ledger, at: 70)
        let saved = try #require(try StateStore(path: path).load())
        #expect(saved.accounts == ledger.allAccounts)
        let gpuHost = try #require(saved.accounts.first { $0.host == "g:9100" })
        #expect(gpuHost.powerMethod == .rapl)
        #expect(gpuHost.gpuPower == Watts(200))
        #expect(gpuHost.gpuBusyEnergy.value > 0)

        // A damaged row: GPU energy above the totals it is part of is refused, naming the row.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "UPDATE accounts SET gpu_idle_joules = 1e12 WHERE host = 'g:9100'")
        }
        try queue.close()
        do {
            _ = try StateStore(path: path).load()
            Issue.record("GPU energy above the host's idle energy was restored")
        } catch {
            #expect("\(error)".contains("gpu_idle_joules"), "\(error)")
        }
    }
}
