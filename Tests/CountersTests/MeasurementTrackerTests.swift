import Counters
import Model
import Testing

@Suite struct MeasurementTrackerTests {
    func rapl(_ joules: Double, at time: Double, wrap: Double? = nil) -> PowerSample {
        PowerSample(
            host: "h", timestamp: time,
            counters: [
                .init(domain: .raplPackage, id: "intel-rapl:0", joules: joules, wrapJoules: wrap),
                .init(domain: .raplDram, id: "intel-rapl:0:0", joules: joules / 10, wrapJoules: wrap),
            ])
    }

    @Test func countersNeedTwoSamplesThenGiveDeltaOverTime() throws {
        var tracker = MeasurementTracker()
        #expect(tracker.update(rapl(1000, at: 0)) == nil)
        let update = tracker.update(rapl(4000, at: 60))
        let measured = try #require(update)
        #expect(measured.packageWatts == Watts(50))
        #expect(measured.dramWatts == Watts(5))
        #expect(measured.hasRAPL)
    }

    @Test func aWrapWithAKnownRangeCountsTheEnergyAcrossIt() throws {
        var tracker = MeasurementTracker()
        _ = tracker.update(rapl(9000, at: 0, wrap: 10_000))
        // 1000 J to the wrap, 2000 J after it: 3000 J in 60 s.
        let update = tracker.update(rapl(2000, at: 60, wrap: 10_000))
        let measured = try #require(update)
        #expect(measured.packageWatts == Watts(50))
    }

    @Test func aDecreaseWithoutARangeCountsTheNewValueLikeIncrease() throws {
        var tracker = MeasurementTracker()
        _ = tracker.update(rapl(9000, at: 0))
        let update = tracker.update(rapl(600, at: 60))
        let measured = try #require(update)
        #expect(measured.packageWatts == Watts(10))
    }

    @Test func gaugesCountOnFirstSightAndTheirLatestValueStandsForTheInterval() throws {
        var tracker = MeasurementTracker()
        let first = PowerSample(host: "h", timestamp: 0, gauges: [.init(domain: .node, id: "dcmi", watts: 200)])
        #expect(tracker.update(first)?.nodeWatts == Watts(200))
        let second = PowerSample(host: "h", timestamp: 30, gauges: [.init(domain: .node, id: "dcmi", watts: 300)])
        #expect(tracker.update(second)?.nodeWatts == Watts(300))
    }

    @Test func aRepeatedSampleRepeatsTheLastMeasurement() throws {
        var tracker = MeasurementTracker()
        _ = tracker.update(rapl(0, at: 0))
        let measured = tracker.update(rapl(600, at: 60))
        #expect(tracker.update(rapl(600, at: 60)) == measured)
    }

    @Test func timeBackwardsOrALongGapRebaselines() {
        var tracker = MeasurementTracker(maxGapSeconds: 120)
        _ = tracker.update(rapl(0, at: 100))
        #expect(tracker.update(rapl(600, at: 50)) == nil)
        #expect(tracker.update(rapl(6000, at: 1000)) == nil)
        #expect(tracker.update(rapl(6600, at: 1060))?.packageWatts == Watts(10))
    }

    @Test func gpuEnergyCounterIsPreferredOverItsGaugeAndUtilisationWeightsBusyShare() throws {
        func sample(_ time: Double, _ joulesA: Double, _ joulesB: Double) -> PowerSample {
            PowerSample(
                host: "g", timestamp: time,
                counters: [
                    .init(domain: .gpu, id: "GPU-a", joules: joulesA),
                    .init(domain: .gpu, id: "GPU-b", joules: joulesB),
                ],
                gauges: [.init(domain: .gpu, id: "GPU-a", watts: 999), .init(domain: .gpu, id: "GPU-c", watts: 50)],
                gpuUtilisation: ["GPU-a": 1, "GPU-b": 0, "GPU-c": 0.5])
        }
        var tracker = MeasurementTracker()
        // First sight: the gauges stand in for GPUs whose counters have no earlier value.
        #expect(tracker.update(sample(0, 0, 0))?.gpuWatts == Watts(1049))
        let update = tracker.update(sample(10, 3000, 1000))
        let measured = try #require(update)
        // a: 300 W (counter, not the 999 W gauge), b: 100 W, c: 50 W (gauge only).
        #expect(measured.gpuWatts == Watts(450))
        let busy = try #require(measured.gpuBusyRatio)
        #expect(abs(busy - (300 * 1 + 100 * 0 + 50 * 0.5) / 450) < 1e-12)
    }

    @Test func nonFiniteOrNegativeValuesAreSkipped() {
        var tracker = MeasurementTracker()
        let bad = PowerSample(
            host: "h", timestamp: 0, counters: [.init(domain: .raplPackage, id: "p", joules: .nan)],
            gauges: [.init(domain: .node, id: "n", watts: -3), .init(domain: .gpu, id: "g", watts: .infinity)])
        #expect(tracker.update(bad) == nil)
        var later = bad
        later.timestamp = 10
        later.counters[0].joules = 100
        #expect(tracker.update(later) == nil)
    }

    @Test func retainForgetsHostsThatLeft() {
        var tracker = MeasurementTracker()
        _ = tracker.update(rapl(0, at: 0))
        var other = rapl(0, at: 0)
        other.host = "other"
        _ = tracker.update(other)
        tracker.retain(hosts: ["other"])
        #expect(tracker.hosts == ["other"])
    }
}

@Suite struct MeasurementTrackerTimingTests {
    @Test func eachCounterUsesItsOwnSampleTimeAndKeepsItsPowerUntilRescraped() throws {
        func sample(_ time: Double, rapl: Double, raplTime: Double, gpu: Double, gpuTime: Double) -> PowerSample {
            PowerSample(
                host: "h", timestamp: time,
                counters: [
                    .init(domain: .raplPackage, id: "p0", joules: rapl, timestamp: raplTime),
                    .init(domain: .gpu, id: "GPU-0", joules: gpu, timestamp: gpuTime),
                ])
        }
        var tracker = MeasurementTracker()
        _ = tracker.update(sample(100, rapl: 0, raplTime: 98, gpu: 0, gpuTime: 95))
        let first = tracker.update(sample(110, rapl: 480, raplTime: 106, gpu: 3000, gpuTime: 105))
        let measured = try #require(first)
        #expect(measured.packageWatts == Watts(60))
        #expect(measured.gpuWatts == Watts(300))
        // The GPU exporter has not been scraped again: its last power stands.
        let second = tracker.update(sample(120, rapl: 1080, raplTime: 116, gpu: 3000, gpuTime: 105))
        let again = try #require(second)
        #expect(again.packageWatts == Watts(60))
        #expect(again.gpuWatts == Watts(300))
    }
}
