import Counters
import Model
import Testing

/// A small fleet over an hour of 60 s collections: four IPMI hosts of one profile whose node power follows a
/// known linear law, two unmeasured hosts of the same profile, a RAPL host whose package counter wraps, and a
/// GPU host measured by DCGM counters.
@Suite struct PowerCollectionTests {
    static let law = PowerProfile(
        name: "law", cpuWattsPerCore: 9, cpuIdleWattsPerCore: 2.5, ramWatts: 6, otherWatts: 45)
    static let configured = PowerProfile(
        name: "law", cpuWattsPerCore: 20, cpuIdleWattsPerCore: 0, ramWatts: 6, otherWatts: 10, pue: 1.2)
    static let measuredCores: [Double] = [2, 4, 8, 16]
    static let unmeasuredCores: [Double] = [6, 12]

    struct Fleet {
        var collection: PowerCollection
        var ledger = HostLedger(attributionLabels: [], graceSeconds: 3600)
        var idleSeconds: [String: Double] = [:]
        var totalSeconds: [String: Double] = [:]
        var raplJoules = 262_000.0
        var gpuJoules = 10_000.0
        var expected: [String: Double] = [:]

        init(apply: Bool) {
            collection = PowerCollection(
                calibration: CalibrationSettings(windowSeconds: 3600, minHosts: 3, apply: apply))
        }

        /// The idle share of a host at a step: varies per host and over time, so the fit sees load spread.
        static func idle(_ index: Int, _ step: Int) -> Double { 0.1 + 0.8 * Double((step * 7 + index * 3) % 10) / 9 }

        mutating func reading(_ host: String, cores: Double, idle: Double, at time: Double) -> HostReading {
            idleSeconds[host, default: 0] += 60 * cores * idle
            totalSeconds[host, default: 0] += 60 * cores
            return HostReading(
                host: host + ":9100", timestamp: time, cpuIdleSeconds: idleSeconds[host] ?? 0,
                cpuTotalSeconds: totalSeconds[host] ?? 0, cores: cores, memoryActiveRatio: 0.5, bootTime: -1)
        }

        mutating func collect(step: Int) {
            let time = Double(step) * 60
            var samples: [PowerSample] = []
            var readings: [HostReading] = []
            for (index, cores) in PowerCollectionTests.measuredCores.enumerated() {
                let idle = Self.idle(index, step)
                let watts = PowerCollectionTests.law.power(cores: cores, idleRatio: idle, memoryActiveRatio: 0.5)
                samples.append(
                    PowerSample(
                        host: "ipmi\(index)", timestamp: time,
                        gauges: [.init(domain: .node, id: "dcmi", watts: watts.value)]))
                readings.append(reading("ipmi\(index)", cores: cores, idle: idle, at: time))
            }
            for (index, cores) in PowerCollectionTests.unmeasuredCores.enumerated() {
                readings.append(reading("plain\(index)", cores: cores, idle: Self.idle(index + 4, step), at: time))
            }
            // RAPL: 40 W package wrapping at 262143.32885 J, 6 W DRAM.
            raplJoules += 40 * 60
            samples.append(
                PowerSample(
                    host: "rapl", timestamp: time,
                    counters: [
                        .init(
                            domain: .raplPackage, id: "p0",
                            joules: raplJoules.truncatingRemainder(dividingBy: 262_143.32885), wrapJoules: 262_143.32885
                        ),
                        .init(domain: .raplDram, id: "d0", joules: 6 * time),
                    ]))
            readings.append(reading("rapl", cores: 4, idle: 0.5, at: time))
            // GPU host: 300 W of GPUs (DCGM energy), 75% busy, on an otherwise modelled host.
            gpuJoules += 300 * 60
            samples.append(
                PowerSample(
                    host: "gpu", timestamp: time, counters: [.init(domain: .gpu, id: "GPU-a", joules: gpuJoules)],
                    gpuUtilisation: ["GPU-a": 0.75]))
            readings.append(reading("gpu", cores: 8, idle: 0.5, at: time))

            collection.begin(samples: PowerSamples(samples))
            for reading in readings {
                let key = String(reading.host.split(separator: ":")[0])
                collection.record(
                    reading, joinKey: key, profile: PowerCollectionTests.configured,
                    intensity: GramsPerKilowattHour(100),
                    into: &ledger, at: time)
            }
            collection.finish(configured: [PowerCollectionTests.configured], at: time)
        }
    }

    func account(_ fleet: Fleet, _ host: String) throws -> HostAccount {
        try #require(fleet.ledger.snapshot().accounts.first { $0.host == host + ":9100" })
    }

    func close(_ value: Double, _ expected: Double, _ tolerance: Double) -> Bool {
        abs(value - expected) <= tolerance * abs(expected)
    }

    @Test func everyKindOfHostGetsItsFormulaAndUnmeasuredHostsAreCalibrated() throws {
        var fleet = Fleet(apply: true)
        for step in 0...60 { fleet.collect(step: step) }
        let pue = Self.configured.pue

        for (index, cores) in Self.measuredCores.enumerated() {
            let account = try account(fleet, "ipmi\(index)")
            #expect(account.powerMethod == .node)
            let law = Self.law.power(cores: cores, idleRatio: Fleet.idle(index, 60), memoryActiveRatio: 0.5).value
            #expect(close(try #require(account.power).value, law * pue, 0.02))
        }
        let fit = try #require(fleet.collection.fitsInForce.first)
        #expect(close(fit.cpuIdleWattsPerCore, 2.5, 0.05))
        #expect(close(fit.cpuWattsPerCore, 9, 0.05))
        #expect(close(fit.otherWatts, 45, 0.05))
        for (index, cores) in Self.unmeasuredCores.enumerated() {
            let account = try account(fleet, "plain\(index)")
            #expect(account.powerMethod == .calibrated)
            let law = Self.law.power(cores: cores, idleRatio: Fleet.idle(index + 4, 60), memoryActiveRatio: 0.5).value
            #expect(close(try #require(account.power).value, law * pue, 0.03))
        }

        let rapl = try account(fleet, "rapl")
        #expect(rapl.powerMethod == .rapl)
        #expect(close(try #require(rapl.power).value, (40 + 6 + Self.configured.otherWatts) * pue, 0.02))
        // 60 intervals of 60 s at that power: the wraps lost nothing.
        let raplEnergy = (rapl.busyEnergy + rapl.idleEnergy).value
        #expect(close(raplEnergy, (40 + 6 + Self.configured.otherWatts) * pue * 3600, 0.02))

        let gpu = try account(fleet, "gpu")
        #expect(gpu.powerMethod == .calibrated)
        #expect(gpu.gpuPower == Watts(300 * pue))
        let gpuEnergy = (gpu.gpuBusyEnergy + gpu.gpuIdleEnergy).value
        #expect(close(gpuEnergy, 300 * pue * 3600, 1e-9))
        #expect(close(gpu.gpuBusyEnergy.value, 0.75 * gpuEnergy, 1e-9))
        #expect(fleet.collection.calibrations(configured: [Self.configured]).first?.fitInForce == fit)
    }

    @Test func withApplyFalseUnmeasuredHostsKeepTheConfiguredProfile() throws {
        var fleet = Fleet(apply: false)
        for step in 0...60 { fleet.collect(step: step) }
        #expect(fleet.collection.fitsInForce.count == 1)
        for (index, cores) in Self.unmeasuredCores.enumerated() {
            let account = try account(fleet, "plain\(index)")
            #expect(account.powerMethod == .model)
            let configured = Self.configured.power(
                cores: cores, idleRatio: Fleet.idle(index + 4, 60), memoryActiveRatio: 0.5)
            #expect(account.power == configured)
        }
    }

    @Test func aHostWithoutASampleThisCollectionFallsBackToItsProfile() throws {
        var collection = PowerCollection(calibration: CalibrationSettings())
        var ledger = HostLedger(attributionLabels: [], graceSeconds: 600)
        let node = PowerSample(host: "n", timestamp: 0, gauges: [.init(domain: .node, id: "m", watts: 100)])
        func reading(_ time: Double) -> HostReading {
            HostReading(host: "n:9100", timestamp: time, cpuIdleSeconds: time, cpuTotalSeconds: 2 * time, cores: 2)
        }
        collection.begin(samples: [node])
        collection.record(
            reading(1), joinKey: "n", profile: Self.configured, intensity: GramsPerKilowattHour(1), into: &ledger, at: 1
        )
        collection.record(
            reading(61), joinKey: "n", profile: Self.configured, intensity: GramsPerKilowattHour(1), into: &ledger,
            at: 61)
        #expect(ledger.snapshot().accounts.first?.powerMethod == .node)
        collection.finish(configured: [Self.configured], at: 61)
        collection.begin(samples: [])
        #expect(collection.measurement(of: "n") == nil)
        collection.record(
            reading(121), joinKey: "n", profile: Self.configured, intensity: GramsPerKilowattHour(1), into: &ledger,
            at: 121)
        #expect(ledger.snapshot().accounts.first?.powerMethod == .model)
    }

    @Test func samplesOfOneHostFromSeveralExportersAreMerged() throws {
        var collection = PowerCollection(calibration: CalibrationSettings())
        func samples(_ time: Double) -> [PowerSample] {
            [
                PowerSample(
                    host: "g", timestamp: time, counters: [.init(domain: .raplPackage, id: "p", joules: 50 * time)]),
                PowerSample(
                    host: "g", timestamp: time + 0.5,
                    counters: [.init(domain: .gpu, id: "GPU-a", joules: 200 * (time + 0.5))],
                    gpuUtilisation: ["GPU-a": 0.5]),
            ]
        }
        collection.begin(samples: PowerSamples(samples(0)))
        collection.begin(samples: PowerSamples(samples(10)))
        let measured = try #require(collection.measurement(of: "g"))
        #expect(measured.packageWatts == Watts(50))
        #expect(measured.gpuWatts == Watts(200))
        #expect(measured.gpuBusyRatio == 0.5)
    }

    @Test func countersScrapedWithTheReadingTakeItsSampleTime() throws {
        var collection = PowerCollection(calibration: CalibrationSettings())
        var ledger = HostLedger(attributionLabels: [], graceSeconds: 600)
        // The sample's own time (the query's evaluation) is late by a varying amount; the reading's is the scrape's.
        func sample(joules: Double, at evaluation: Double) -> PowerSample {
            PowerSample(
                host: "r", timestamp: evaluation,
                counters: [.init(domain: .raplPackage, id: "p0", joules: joules, scrapedWithReading: true)])
        }
        func reading(_ time: Double) -> HostReading {
            HostReading(host: "r:9100", timestamp: time, cpuIdleSeconds: time, cpuTotalSeconds: 2 * time, cores: 2)
        }
        collection.begin(samples: [sample(joules: 1_000, at: 125)])
        #expect(collection.measurement(of: "r") == nil) // not before its reading is recorded
        collection.record(
            reading(100), joinKey: "r", profile: Self.configured, intensity: GramsPerKilowattHour(1), into: &ledger,
            at: 125)
        collection.finish(configured: [Self.configured], at: 125)
        collection.begin(samples: [sample(joules: 4_000, at: 190)])
        collection.record(
            reading(130), joinKey: "r", profile: Self.configured, intensity: GramsPerKilowattHour(1), into: &ledger,
            at: 190)
        // 3000 J over the 30 s between the two scrapes, not over the 65 s between the evaluations.
        #expect(collection.measurement(of: "r")?.packageWatts == Watts(100))
        collection.finish(configured: [Self.configured], at: 190)
        #expect(collection.tracker.hosts == ["r"])
    }

    @Test func aSampleWaitingForAReadingThatNeverCameKeepsItsBaselines() throws {
        var collection = PowerCollection(calibration: CalibrationSettings())
        var ledger = HostLedger(attributionLabels: [], graceSeconds: 600)
        let waiting = PowerSample(
            host: "r", timestamp: 10,
            counters: [.init(domain: .raplPackage, id: "p0", joules: 10, scrapedWithReading: true)])
        collection.begin(samples: [waiting])
        collection.record(
            HostReading(host: "r:9100", timestamp: 10, cpuIdleSeconds: 1, cpuTotalSeconds: 2, cores: 2), joinKey: "r",
            profile: Self.configured, intensity: GramsPerKilowattHour(1), into: &ledger, at: 10)
        collection.finish(configured: [Self.configured], at: 10)
        // A collection whose reading of the host failed: the sample is not measured, the baseline stays.
        collection.begin(samples: [waiting])
        collection.finish(configured: [Self.configured], at: 70)
        #expect(collection.tracker.hosts == ["r"])
        // Neither measured nor read: forgotten.
        collection.begin(samples: [])
        collection.finish(configured: [Self.configured], at: 130)
        #expect(collection.tracker.hosts.isEmpty)
    }

    @Test func aHostReadWithoutASampleKeepsItsBaselinesForTheNextOne() throws {
        var collection = PowerCollection(calibration: CalibrationSettings())
        var ledger = HostLedger(attributionLabels: [], graceSeconds: 600)
        func sample(_ time: Double) -> PowerSample {
            PowerSample(
                host: "r", timestamp: time, counters: [.init(domain: .raplPackage, id: "p0", joules: 40 * time)])
        }
        func collect(_ samples: PowerSamples, at time: Double, read: Bool) {
            collection.begin(samples: samples)
            if read {
                collection.record(
                    HostReading(
                        host: "r:9100", timestamp: time, cpuIdleSeconds: time, cpuTotalSeconds: 2 * time, cores: 2),
                    joinKey: "r", profile: Self.configured, intensity: GramsPerKilowattHour(1), into: &ledger, at: time)
            }
            collection.finish(configured: [Self.configured], at: time)
        }
        collect([sample(0)], at: 0, read: true)
        // Its exporter missed one collection, the host was read: the baseline stays, and the next sample measures
        // the two intervals since.
        collect([], at: 60, read: true)
        #expect(collection.tracker.hosts == ["r"])
        collect([sample(120)], at: 120, read: true)
        #expect(collection.measurement(of: "r")?.packageWatts == Watts(40))
        // Neither sampled nor read: forgotten.
        collect([], at: 180, read: false)
        #expect(collection.tracker.hosts.isEmpty)
    }

    @Test func aWaitingCounterKeptInPlaceIsMeasuredAsTheWholeSampleWouldBe() throws {
        // One RAPL package scraped with the reading and a meter: the collection keeps such a sample in the host's
        // state. Through wraps, a gap, a repeated time, a bad value and a collection with GPU utilisation (which
        // takes the other way), it measures what the tracker measures of the whole sample at the reading's time.
        var collection = PowerCollection(calibration: CalibrationSettings(), maxGapSeconds: 300)
        var reference = MeasurementTracker(maxGapSeconds: 300)
        var ledger = HostLedger(attributionLabels: [], graceSeconds: 6000)
        let steps: [(time: Double, joules: Double, wrap: Double?, watts: Double, gpu: Bool)] = [
            (0, 1_000, nil, 200, false), (60, 7_000, nil, 210, false), (120, 500, nil, 190, false),
            (180, 400, 10_000, 180, false), (180, 400, 10_000, 180, false), (600, 2_000, nil, 175, false),
            (660, .nan, nil, .nan, false), (720, 9_000, nil, 220, true), (780, 15_000, nil, 230, false),
            (840, 21_000, nil, -1, false),
        ]
        var compared = 0
        for step in steps {
            var sample = PowerSample(
                host: "r", timestamp: step.time + 20,
                counters: [
                    .init(
                        domain: .raplPackage, id: "p0", joules: step.joules, wrapJoules: step.wrap,
                        scrapedWithReading: true)
                ],
                gauges: [.init(domain: .node, id: "r", watts: step.watts)])
            if step.gpu {
                sample.gauges.append(.init(domain: .gpu, id: "g0", watts: 80))
                sample.gpuUtilisation = ["g0": 0.5]
            }
            let expected = reference.update(sample, readingTime: step.time)
            collection.begin(samples: [sample])
            collection.record(
                HostReading(
                    host: "r:9100", timestamp: step.time, cpuIdleSeconds: step.time, cpuTotalSeconds: 2 * step.time,
                    cores: 2),
                joinKey: "r", profile: Self.configured, intensity: GramsPerKilowattHour(1), into: &ledger,
                at: step.time + 20)
            #expect(collection.measurement(of: "r") == expected, "at \(step.time)")
            if expected?.packageWatts != nil { compared += 1 }
            collection.finish(configured: [Self.configured], at: step.time + 20)
        }
        // Most steps measured the package: the comparison is not of nils.
        #expect(compared >= 5)
    }
}
