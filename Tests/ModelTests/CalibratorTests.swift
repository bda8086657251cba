import Model
import Testing

@Suite struct CalibratorTests {
    /// The law the synthetic hosts follow: 2.5 W per idle core, 9 W per busy core, 45 W other, 6 W of memory.
    static let law = PowerProfile(
        name: "law", cpuWattsPerCore: 9, cpuIdleWattsPerCore: 2.5, ramWatts: 6, otherWatts: 45)
    /// What the operator configured for the profile: wrong coefficients, the right memory term.
    static let configured = PowerProfile(
        name: "law", cpuWattsPerCore: 20, cpuIdleWattsPerCore: 0, ramWatts: 6, otherWatts: 10)

    /// Feeds `hosts` hosts with the given core counts, loads varying over time, and meter noise of ±`noise`.
    func feed(
        _ calibrator: inout Calibrator, cores: [Double], intervals: Int = 60, noise: Double = 0.01,
        loadRange: ClosedRange<Double> = 0.05...0.95, start: Double = 0
    ) {
        var random = LinearCongruential(seed: 7)
        for step in 0..<intervals {
            for (index, count) in cores.enumerated() {
                let idle = loadRange.lowerBound + (loadRange.upperBound - loadRange.lowerBound) * random.next()
                let memory = 0.2 + 0.6 * random.next()
                let exact = Self.law.power(cores: count, idleRatio: idle, memoryActiveRatio: memory).value
                let measured = exact * (1 + noise * (2 * random.next() - 1))
                calibrator.add(
                    profile: Self.configured, host: "h\(index)", cores: count, idleRatio: idle,
                    memoryActiveRatio: memory, nodeWatts: Watts(measured), duration: 60,
                    at: start + Double(step) * 60)
            }
        }
    }

    func within(_ value: Double, _ expected: Double, _ tolerance: Double) -> Bool {
        abs(value - expected) <= tolerance * abs(expected)
    }

    @Test func fitRecoversAKnownLinearLawWithinFivePercent() throws {
        var calibrator = Calibrator(settings: CalibrationSettings(minHosts: 3))
        feed(&calibrator, cores: [2, 4, 8, 16])
        let fits = calibrator.refit(configured: [Self.configured], at: 3600)
        let fit = try #require(fits.first)
        #expect(fit.isAccepted)
        #expect(fit.idleFitted)
        #expect(fit.hosts == 4)
        #expect(fit.intervals == 240)
        #expect(within(fit.cpuIdleWattsPerCore, 2.5, 0.05))
        #expect(within(fit.cpuWattsPerCore, 9, 0.05))
        #expect(within(fit.otherWatts, 45, 0.05))
        let error = try #require(fit.errorRatio)
        #expect(error > 0 && error < 0.01)
        let applied = try #require(calibrator.calibratedProfile(for: Self.configured))
        let predicted = applied.power(cores: 6, idleRatio: 0.3, memoryActiveRatio: 0.5).value
        let truth = Self.law.power(cores: 6, idleRatio: 0.3, memoryActiveRatio: 0.5).value
        #expect(within(predicted, truth, 0.03))
        #expect(applied.ramWatts == Self.configured.ramWatts)
    }

    @Test func intervalsAcrossALoadChangeDoNotBiasTheFit() throws {
        // Each host's load steps every 10 intervals. The meter is read at the end of an interval, so the interval
        // that ends at a step pairs the old CPU share with the new draw: equal weights flatten the slope by ~8%.
        let cores: [Double] = [4, 8, 16, 32]
        let loads: [[Double]] = [
            [0.1, 0.7, 0.3, 0.9], [0.6, 0.2, 0.8, 0.4], [0.3, 0.9, 0.1, 0.6], [0.8, 0.4, 0.6, 0.2],
        ]
        var calibrator = Calibrator(settings: CalibrationSettings(minHosts: 3))
        for step in 1..<40 {
            for (index, count) in cores.enumerated() {
                let busyOverInterval = loads[index][(step - 1) / 10]
                let busyAtReading = loads[index][step / 10]
                let watts = Self.law.power(cores: count, idleRatio: 1 - busyAtReading, memoryActiveRatio: 0).value
                calibrator.add(
                    profile: Self.configured, host: "h\(index)", cores: count, idleRatio: 1 - busyOverInterval,
                    memoryActiveRatio: 0, nodeWatts: Watts(watts), duration: 1, at: Double(step))
            }
        }
        let fit = try #require(calibrator.refit(configured: [Self.configured], at: 40).first)
        #expect(fit.isAccepted)
        #expect(within(fit.cpuIdleWattsPerCore, 2.5, 0.02), "\(fit.cpuIdleWattsPerCore)")
        #expect(within(fit.cpuWattsPerCore, 9, 0.02), "\(fit.cpuWattsPerCore)")
        #expect(within(fit.otherWatts, 45, 0.02), "\(fit.otherWatts)")
    }

    @Test func oneCoreCountKeepsTheConfiguredIdleFloorAndFitsTheRest() throws {
        let configured = PowerProfile(
            name: "law", cpuWattsPerCore: 20, cpuIdleWattsPerCore: 2.5, ramWatts: 6, otherWatts: 10)
        var calibrator = Calibrator(settings: CalibrationSettings())
        feed(&calibrator, cores: [8, 8, 8], noise: 0)
        let fit = try #require(calibrator.refit(configured: [configured], at: 3600).first)
        #expect(fit.isAccepted)
        #expect(!fit.idleFitted)
        #expect(fit.cpuIdleWattsPerCore == 2.5)
        #expect(within(fit.cpuWattsPerCore, 9, 0.001))
        #expect(within(fit.otherWatts, 45, 0.001))
    }

    @Test func hostsLeavingTheWindowNoLongerCountAndOthersKeepTheirPlace() throws {
        var calibrator = Calibrator(settings: CalibrationSettings(windowSeconds: 3600, minHosts: 3))
        feed(&calibrator, cores: [2, 4, 8, 16])
        #expect(calibrator.refit(configured: [Self.configured], at: 3600).first?.hosts == 4)
        // Only the last two hosts go on; the first two age out of the window, and their slots with them.
        var random = LinearCongruential(seed: 3)
        for step in 0..<70 {
            for (name, cores) in [("h2", 8.0), ("h3", 16.0)] {
                let idle = 0.05 + 0.9 * random.next()
                calibrator.add(
                    profile: Self.configured, host: name, cores: cores, idleRatio: idle, memoryActiveRatio: 0.5,
                    nodeWatts: Self.law.power(cores: cores, idleRatio: idle, memoryActiveRatio: 0.5),
                    duration: 60, at: 3660 + Double(step) * 60)
            }
            calibrator.refit(configured: [Self.configured], at: 3660 + Double(step) * 60)
        }
        let fit = try #require(calibrator.latestAttempt(of: "law"))
        #expect(fit.hosts == 2)
        #expect(fit.rejection == .tooFewHosts)
        // A host coming back counts again.
        feed(&calibrator, cores: [2], intervals: 1, start: 3660 + 70 * 60)
        #expect(calibrator.refit(configured: [Self.configured], at: 3660 + 70 * 60).first?.hosts == 3)
    }

    @Test func intervalsOutOfTimeOrderAndInterleavedProfilesFitAsInOrder() throws {
        // Hosts read either side of a slice's end, and two profiles taking turns interval by interval, must sum up
        // as the same observations fed in time order, one profile at a time.
        let other = PowerProfile(
            name: "other", cpuWattsPerCore: 20, cpuIdleWattsPerCore: 0, ramWatts: 6, otherWatts: 10)
        let settings = CalibrationSettings(windowSeconds: 3600, minHosts: 3, slices: 6)
        var observations: [(profile: PowerProfile, host: String, cores: Double, idle: Double, time: Double)] = []
        var random = LinearCongruential(seed: 11)
        for step in 0..<50 {
            for index in 0..<8 {
                let profile = index % 2 == 0 ? Self.configured : other
                // Up to 15 minutes early or late: slices of 10 minutes are visited out of order.
                let time = 600 + Double(step) * 60 + (random.next() - 0.5) * 1800
                observations.append((profile, "h\(index)", Double(2 << (index % 4)), 0.05 + 0.9 * random.next(), time))
            }
        }
        func fits(
            _ observations: [(profile: PowerProfile, host: String, cores: Double, idle: Double, time: Double)]
        )
            -> [ProfileFit]
        {
            var calibrator = Calibrator(settings: settings)
            for observation in observations {
                calibrator.add(
                    profile: observation.profile, host: observation.host, cores: observation.cores,
                    idleRatio: observation.idle, memoryActiveRatio: 0.5,
                    nodeWatts: Self.law.power(
                        cores: observation.cores, idleRatio: observation.idle, memoryActiveRatio: 0.5),
                    duration: 60, at: observation.time)
            }
            return calibrator.refit(configured: [Self.configured, other], at: 3600)
        }
        let interleaved = fits(observations)
        let ordered = fits(
            observations.filter { $0.profile == Self.configured }.sorted { $0.time < $1.time }
                + observations.filter { $0.profile == other }.sorted { $0.time < $1.time })
        #expect(interleaved.count == 2)
        #expect(interleaved.map(\.hosts) == [4, 4])
        #expect(interleaved.map(\.intervals) == ordered.map(\.intervals))
        #expect(interleaved.map(\.hosts) == ordered.map(\.hosts))
        for (a, b) in zip(interleaved, ordered) {
            #expect(a.isAccepted && b.isAccepted)
            #expect(within(a.cpuWattsPerCore, b.cpuWattsPerCore, 1e-6))
            #expect(within(a.otherWatts, b.otherWatts, 1e-6))
        }
        // Intervals older than the window (the first 15 minutes) were dropped from both alike.
        #expect(interleaved[0].intervals < observations.count / 2)
    }

    @Test func tooFewHostsIsRejectedWithAReason() throws {
        var calibrator = Calibrator(settings: CalibrationSettings(minHosts: 3))
        feed(&calibrator, cores: [2, 4])
        let fit = try #require(calibrator.refit(configured: [Self.configured], at: 3600).first)
        #expect(fit.rejection == .tooFewHosts)
        #expect(fit.detail.contains("2 measured hosts"))
        #expect(calibrator.calibratedProfile(for: Self.configured) == nil)
    }

    @Test func tooLittleSpreadInLoadIsRejected() throws {
        var calibrator = Calibrator(settings: CalibrationSettings(minLoadSpread: 0.05))
        feed(&calibrator, cores: [2, 4, 8], loadRange: 0.98...0.99)
        let fit = try #require(calibrator.refit(configured: [Self.configured], at: 3600).first)
        #expect(fit.rejection == .tooLittleLoadSpread)
    }

    @Test func nonPhysicalCoefficientsAreRejected() throws {
        // Busy hosts drawing less than idle ones: a negative busy-minus-idle slope.
        var calibrator = Calibrator(settings: CalibrationSettings(minHosts: 3))
        for step in 0..<30 {
            for (index, cores) in [2.0, 4, 8].enumerated() {
                let idle = Double((step + index) % 10) / 10
                let watts = 50 + cores * 5 * idle
                calibrator.add(
                    profile: Self.configured, host: "h\(index)", cores: cores, idleRatio: idle, memoryActiveRatio: 0,
                    nodeWatts: Watts(watts), duration: 60, at: Double(step) * 60)
            }
        }
        let fit = try #require(calibrator.refit(configured: [Self.configured], at: 1800).first)
        #expect(fit.rejection == .nonPhysical)
        #expect(fit.detail.contains("cpu_watts_per_core"))
    }

    @Test func applyFalseKeepsTheConfiguredProfile() throws {
        var calibrator = Calibrator(settings: CalibrationSettings(apply: false))
        feed(&calibrator, cores: [2, 4, 8])
        let fit = try #require(calibrator.refit(configured: [Self.configured], at: 3600).first)
        #expect(fit.isAccepted)
        #expect(calibrator.calibratedProfile(for: Self.configured) == nil)
        #expect(calibrator.fitsInForce.count == 1)
    }

    @Test func theWindowRollsAndARejectedAttemptKeepsTheFitInForce() throws {
        var calibrator = Calibrator(settings: CalibrationSettings(windowSeconds: 3600, minHosts: 3))
        feed(&calibrator, cores: [2, 4, 8], intervals: 60)
        #expect(calibrator.refit(configured: [Self.configured], at: 3600).first?.isAccepted == true)
        // Two hours later only one host is still measured: the window holds too few hosts.
        calibrator.add(
            profile: Self.configured, host: "h0", cores: 2, idleRatio: 0.5, memoryActiveRatio: 0,
            nodeWatts: Watts(60), duration: 60, at: 10_800)
        let attempt = try #require(calibrator.refit(configured: [Self.configured], at: 10_800).first)
        #expect(attempt.rejection == .tooFewHosts)
        #expect(attempt.intervals == 1)
        #expect(calibrator.latestAttempt(of: "law")?.rejection == .tooFewHosts)
        #expect(calibrator.calibratedProfile(for: Self.configured) != nil)
    }

    @Test func restoredFitsAreInForceBeforeAnyObservation() {
        let fit = ProfileFit(
            profile: "law", cpuIdleWattsPerCore: 1, cpuWattsPerCore: 8, otherWatts: 40, idleFitted: true, hosts: 4,
            intervals: 100, errorRatio: 0.02, fittedAt: 5)
        let calibrator = Calibrator(settings: CalibrationSettings(), restored: [fit])
        #expect(calibrator.calibratedProfile(for: Self.configured)?.otherWatts == 40)
        let status = calibrator.calibrations(configured: [Self.configured])
        #expect(status.first?.fitInForce == fit)
        #expect(status.first?.latestAttempt == nil)
    }

    @Test func invalidObservationsAreIgnored() {
        var calibrator = Calibrator(settings: CalibrationSettings(minHosts: 1))
        for value in [Double.nan, .infinity, -1] {
            calibrator.add(
                profile: Self.configured, host: "h", cores: 4, idleRatio: 0.5, memoryActiveRatio: 0,
                nodeWatts: Watts(value), duration: 60, at: 0)
        }
        calibrator.add(
            profile: Self.configured, host: "h", cores: 0, idleRatio: 0.5, memoryActiveRatio: 0, nodeWatts: Watts(5),
            duration: 60, at: 0)
        #expect(calibrator.refit(configured: [Self.configured], at: 60).isEmpty)
    }
}

/// A small deterministic generator of values in 0..<1, so the synthetic data is the same on every run.
struct LinearCongruential {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
}
