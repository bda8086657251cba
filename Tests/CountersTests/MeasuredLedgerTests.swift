import Counters
import Model
import Testing

@Suite struct MeasuredLedgerTests {
    let intensity = GramsPerKilowattHour(360)
    let profile = PowerProfile(
        name: "p", cpuWattsPerCore: 10, cpuIdleWattsPerCore: 1, ramWatts: 0, otherWatts: 20, pue: 1.25)

    func reading(_ time: Double, idleShare: Double = 0.5, cores: Double = 4) -> HostReading {
        HostReading(
            host: "h:9100", timestamp: time, cpuIdleSeconds: time * cores * idleShare, cpuTotalSeconds: time * cores,
            cores: cores, bootTime: -100)
    }

    func total(_ account: HostAccount) -> Double { (account.busyEnergy + account.idleEnergy).value }

    @Test func wholeNodeMeasurementIsIntegratedWithPUEAndMethodNode() throws {
        var ledger = HostLedger(attributionLabels: [], graceSeconds: 600)
        ledger.recordInterval(reading(1), profile: profile, intensity: intensity, at: 1)
        let measured = HostMeasurement(nodeWatts: Watts(200))
        let result = ledger.recordInterval(
            reading(61), profile: profile, intensity: intensity, measurement: measured, at: 61)
        #expect(result.outcome == .integrated(Joules(250 * 60)))
        let recorded = result.interval
        let interval = try #require(recorded)
        #expect(interval.estimate.method == .node)
        #expect(interval.duration == 60)
        let account = try #require(ledger.snapshot().accounts.first)
        #expect(account.powerMethod == .node)
        #expect(account.power == Watts(250))
        #expect(abs(total(account) - 15_000) < 1e-9)
    }

    @Test func gpuEnergyIsPartOfTheTotalAndSplitByGPUUtilisation() throws {
        var ledger = HostLedger(attributionLabels: [], graceSeconds: 600)
        ledger.recordInterval(reading(0), profile: profile, intensity: intensity, at: 0)
        let measured = HostMeasurement(packageWatts: Watts(40), gpuWatts: Watts(100), gpuBusyRatio: 0.75)
        ledger.recordInterval(
            reading(10, idleShare: 0.5), profile: profile, intensity: intensity, measurement: measured, at: 10)
        let account = try #require(ledger.snapshot().accounts.first)
        // (40 + 20) × 1.25 = 75 W host, 125 W GPUs, for 10 s.
        #expect(account.powerMethod == .rapl)
        #expect(account.gpuPower == Watts(125))
        #expect(abs(account.gpuBusyEnergy.value - 937.5) < 1e-9)
        #expect(abs(account.gpuIdleEnergy.value - 312.5) < 1e-9)
        #expect(abs(account.busyEnergy.value - (375 + 937.5)) < 1e-9)
        #expect(abs(account.idleEnergy.value - (375 + 312.5)) < 1e-9)
        #expect(abs(total(account) - 2000) < 1e-9)
    }

    @Test func countersNeverDecreaseWhenAHostGainsOrLosesMeasurementMidRun() throws {
        var ledger = HostLedger(attributionLabels: [], graceSeconds: 600)
        let sources: [HostMeasurement?] = [
            nil, HostMeasurement(nodeWatts: Watts(300)), HostMeasurement(packageWatts: Watts(30)), nil,
            HostMeasurement(gpuWatts: Watts(80), gpuBusyRatio: 1), HostMeasurement(nodeWatts: Watts(5)), nil,
        ]
        var previous: HostAccount?
        var methods: [PowerMethod] = []
        ledger.recordInterval(reading(0), profile: profile, intensity: intensity, at: 0)
        for (step, measurement) in sources.enumerated() {
            let time = Double(step + 1) * 30
            ledger.recordInterval(
                reading(time), profile: profile, intensity: intensity, measurement: measurement, at: time)
            let account = try #require(ledger.snapshot().accounts.first)
            methods.append(try #require(account.powerMethod))
            if let previous {
                #expect(account.busyEnergy >= previous.busyEnergy)
                #expect(account.idleEnergy >= previous.idleEnergy)
                #expect(account.gpuBusyEnergy >= previous.gpuBusyEnergy)
                #expect(account.gpuIdleEnergy >= previous.gpuIdleEnergy)
                #expect(account.busyEmissions >= previous.busyEmissions)
            }
            previous = account
        }
        #expect(methods == [.model, .node, .rapl, .model, .model, .node, .model])
    }

    @Test func calibratedProfileAppliesToUnmeasuredHosts() throws {
        var ledger = HostLedger(attributionLabels: [], graceSeconds: 600)
        var fitted = profile
        fitted.otherWatts = 60
        ledger.recordInterval(reading(0), profile: profile, intensity: intensity, at: 0)
        let recorded = ledger.recordInterval(
            reading(60), profile: profile, intensity: intensity, calibrated: fitted, at: 60
        ).interval
        let interval = try #require(recorded)
        #expect(interval.estimate.method == .calibrated)
        #expect(interval.estimate.total == fitted.power(cores: 4, idleRatio: 0.5, memoryActiveRatio: 0))
    }

    @Test func onlyWholeNodeIntervalsFeedTheCalibrator() throws {
        var ledger = HostLedger(attributionLabels: [], graceSeconds: 600)
        var calibrator = Calibrator(settings: CalibrationSettings(minHosts: 1, minLoadSpread: 0))
        ledger.recordInterval(reading(0), profile: profile, intensity: intensity, at: 0)
        let rapl = HostMeasurement(packageWatts: Watts(30))
        let first = ledger.recordInterval(
            reading(60), profile: profile, intensity: intensity, measurement: rapl, at: 60
        ).interval
        calibrator.add(try #require(first), host: "h", reading: reading(60), profile: profile, measurement: rapl)
        #expect(calibrator.refit(configured: [profile], at: 60).isEmpty)
        let node = HostMeasurement(nodeWatts: Watts(90))
        let second = ledger.recordInterval(
            reading(120), profile: profile, intensity: intensity, measurement: node, at: 120
        ).interval
        calibrator.add(try #require(second), host: "h", reading: reading(120), profile: profile, measurement: node)
        let attempt = try #require(calibrator.refit(configured: [profile], at: 120).first)
        #expect(attempt.intervals == 1)
        #expect(attempt.hosts == 1)
    }
}
