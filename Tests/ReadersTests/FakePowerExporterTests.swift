import HTTPClient
import Model
import Readers
import TestSupport
import Testing

/// The fake exporters serve what the scrape parser reads, with counters that follow the power set.
@Suite struct FakePowerExporterTests {
    func scrape(_ baseURL: String) throws -> [UInt8] {
        let response = try CurlHTTPClient(userAgent: "test").fetch(HTTPRequest(url: baseURL + "/metrics"))
        #expect(response.status == 200)
        return response.body
    }

    @Test func dcgmEnergyCounterGrowsAtThePowerSetInMillijoules() throws {
        let clock = ManualClock(1_000)
        let exporter = try FakeDCGMExporter(
            hostname: "gpu-1", gpus: [.init(uuid: "GPU-a", watts: 250, utilisationPercent: 90)],
            startJoules: ["GPU-a": 5_000], clock: clock)
        let first = try MeasuredPowerScrape.sample(from: scrape(exporter.baseURL), host: "gpu-1", timestamp: 1_000)
        clock.advance(by: 10)
        exporter.set(uuid: "GPU-a", watts: 100, utilisationPercent: 20)
        clock.advance(by: 10)
        let second = try MeasuredPowerScrape.sample(from: scrape(exporter.baseURL), host: "gpu-1", timestamp: 1_020)
        #expect(first.counters.map(\.joules) == [5_000])
        #expect(second.counters.map(\.joules) == [5_000 + 2_500 + 1_000])
        #expect(second.gauges.map(\.watts) == [100])
        #expect(second.gpuUtilisation == ["GPU-a": 0.2])
    }

    @Test func ipmiExporterListensOnItsOwnLoopbackAddress() throws {
        let exporter = try FakeIPMIExporter(address: "127.0.0.3", watts: 317.4)
        #expect(exporter.baseURL.hasPrefix("http://127.0.0.3:"))
        let sample = try MeasuredPowerScrape.sample(from: scrape(exporter.baseURL), host: "n", timestamp: 0)
        #expect(sample.gauges.map(\.watts) == [317])
        exporter.set(watts: 120)
        #expect(
            try MeasuredPowerScrape.sample(from: scrape(exporter.baseURL), host: "n", timestamp: 0).gauges.map(\.watts)
                == [120])
    }

    @Test func raplCounterWrapsAtItsRangeLikeTheKernelCounter() throws {
        let clock = ManualClock(0)
        let exporter = try FakeRAPLExporter(
            packageWatts: 50, dramWatts: 5, startJoules: 990, wrapJoules: 1_000, clock: clock)
        let before = try MeasuredPowerScrape.sample(from: scrape(exporter.baseURL), host: "r", timestamp: 0)
        clock.advance(by: 1)
        let after = try MeasuredPowerScrape.sample(from: scrape(exporter.baseURL), host: "r", timestamp: 1)
        let package = { (sample: PowerSample) in sample.counters.first { $0.domain == .raplPackage }?.joules ?? -1 }
        #expect(package(before) == 990)
        #expect(package(after) == 40)
        #expect(after.counters.first { $0.domain == .raplDram }?.joules == 5)
    }
}
