import Model
import Testing

@Suite struct PowerSamplesTests {
    private static func counter(_ id: String, _ joules: Double) -> PowerSample.Counter {
        .init(domain: .raplPackage, id: id, joules: joules)
    }

    private static func gauge(_ watts: Double) -> PowerSample.Gauge {
        .init(domain: .node, id: "meter", watts: watts)
    }

    @Test func samplesAppendedComeBackAsTheyWere() {
        let first = PowerSample(
            host: "a", timestamp: 10, counters: [Self.counter("zone0", 5), Self.counter("zone1", 6)],
            gauges: [Self.gauge(200)])
        let second = PowerSample(host: "b", timestamp: 11, gpuUtilisation: ["GPU-1": 0.5])
        let third = PowerSample(host: "c", timestamp: 12, gauges: [Self.gauge(120), Self.gauge(30)])
        let samples: PowerSamples = [first, second, third]
        #expect(Array(samples) == [first, second, third])
        #expect(samples.hosts == ["a", "b", "c"])
        #expect(samples.counters(at: 0).map(\.id) == ["zone0", "zone1"])
        #expect(samples.counters(at: 1).isEmpty)
        #expect(samples.gauges(at: 2).map(\.watts) == [120, 30])
        #expect(samples.gpuUtilisation(at: 1) == ["GPU-1": 0.5])
        #expect(samples.isSortedByHost)
        #expect(!PowerSamples([second, first]).isSortedByHost)
        #expect(!PowerSamples([first, first]).isSortedByHost)
    }

    @Test func aCounterScrapedWithTheReadingMakesItsHostWait() {
        var waiting = Self.counter("zone0", 5)
        waiting.scrapedWithReading = true
        let samples: PowerSamples = [
            PowerSample(host: "a", timestamp: 1, counters: [Self.counter("zone0", 1)]),
            PowerSample(host: "b", timestamp: 1, counters: [Self.counter("zone1", 1), waiting]),
        ]
        #expect(samples.indices.map(samples.waitsForReading(at:)) == [false, true])
    }

    @Test func theBuilderGroupsValuesByHostSortsHostsAndDropsHostsWithoutValues() {
        var builder = PowerSamples.Builder()
        let zulu = builder.addHost("zulu", timestamp: 3)
        let alpha = builder.addHost("alpha", timestamp: 1)
        _ = builder.addHost("empty", timestamp: 2)
        let gpu = builder.addHost("gpu", timestamp: 4)
        // Family by family, as the answers come: every host's meter, then its zones, then a GPU's utilisation.
        builder.add(.gauge(Self.gauge(300)), to: zulu)
        builder.add(.gauge(Self.gauge(100)), to: alpha)
        builder.add(.counter(Self.counter("zone0", 7)), to: zulu)
        builder.add(.counter(Self.counter("zone0", 8)), to: alpha)
        builder.add(.counter(Self.counter("zone1", 9)), to: zulu)
        builder.add(.utilisation(gpu: "GPU-1", ratio: 0.25), to: gpu)
        let samples = builder.samples
        #expect(samples.hosts == ["alpha", "gpu", "zulu"])
        #expect(samples.timestamps == [1, 4, 3])
        #expect(
            samples[0]
                == PowerSample(
                    host: "alpha", timestamp: 1, counters: [Self.counter("zone0", 8)], gauges: [Self.gauge(100)]))
        #expect(samples[1] == PowerSample(host: "gpu", timestamp: 4, gpuUtilisation: ["GPU-1": 0.25]))
        // Each host's values keep the order they were added in.
        #expect(samples.counters(at: 2).map(\.id) == ["zone0", "zone1"])
        #expect(samples.gauges(at: 2).map(\.watts) == [300])
    }

    @Test func aHostAddedTwiceToTheBuilderIsNotSortedWithoutRepeats() {
        var builder = PowerSamples.Builder()
        for host in ["b", "a", "b"] {
            builder.add(.gauge(Self.gauge(1)), to: builder.addHost(host, timestamp: 1))
        }
        #expect(builder.samples.hosts == ["a", "b", "b"])
        #expect(!builder.samples.isSortedByHost)
    }

    @Test func anEmptyBuilderGivesNoSamples() {
        var builder = PowerSamples.Builder()
        _ = builder.addHost("a", timestamp: 1)
        #expect(builder.samples.isEmpty)
        #expect(PowerSamples.Builder().samples == [])
    }

    @Test func aSampleAddsEachKindOfValue() {
        var sample = PowerSample(host: "a", timestamp: 1)
        sample.add(.counter(Self.counter("zone0", 1)))
        sample.add(.gauge(Self.gauge(50)))
        sample.add(.utilisation(gpu: "GPU-1", ratio: 1))
        #expect(sample.counters.count == 1)
        #expect(sample.gauges.count == 1)
        #expect(sample.gpuUtilisation == ["GPU-1": 1])
    }
}
