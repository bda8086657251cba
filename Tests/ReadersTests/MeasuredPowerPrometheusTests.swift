import Foundation
import HTTPClient
import Logging
import Model
import Readers
import TestSupport
import Testing

/// The bridge queries against a real Prometheus scraping the fake exporters, each on its own loopback address.
@Suite struct MeasuredPowerPrometheusTests {
    @Test func realPrometheusAnswersEveryFamilyWithCounterSampleTimes() throws {
        let ipmi = try FakeIPMIExporter(address: "127.0.0.3", watts: 310)
        let dcgm = try FakeDCGMExporter(
            address: "127.0.0.4", hostname: "gpu-host",
            gpus: [.init(uuid: "GPU-a", watts: 250, utilisationPercent: 60)], startJoules: ["GPU-a": 1_000_000])
        let rapl = try FakeRAPLExporter(address: "127.0.0.5", packageWatts: 80, dramWatts: 8, startJoules: 1_000)
        let directory = try TemporaryDirectory.make("measured-prometheus")
        let port = FreePort.next()
        let targets = [ipmi.upstream, dcgm.upstream, rapl.upstream].map { "\"\($0.address):\($0.port)\"" }
        let config = """
            global: {scrape_interval: 1s, scrape_timeout: 1s}
            scrape_configs:
              - job_name: measured
                static_configs: [{targets: [\(targets.joined(separator: ", "))]}]
            """
        try config.write(toFile: "\(directory)/prometheus.yml", atomically: true, encoding: .utf8)
        let prometheus = try ExternalProcess(
            "prometheus",
            [
                "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ])
        defer { prometheus.stop() }
        try prometheus.waitUntilReady("http://127.0.0.1:\(port)/-/ready", timeout: 30)

        let reader = MeasuredPowerReader(
            settings: .init(prometheus: .init(baseURL: "http://127.0.0.1:\(port)", selector: #"{job="measured"}"#)),
            fetcher: try CurlHTTPClient(userAgent: "test"))
        let logger = Logger(label: "test")
        func read() throws -> [String: PowerSample] {
            let samples = try reader.read(at: Date().timeIntervalSince1970, logger: logger).samples
            return Dictionary(uniqueKeysWithValues: samples.map { ($0.host, $0) })
        }
        // Wait for a few scrapes of every target.
        var first: [String: PowerSample] = [:]
        var attempts = 0
        while attempts < 100, first.count < 3 || first["127.0.0.5"]?.counters.count != 2 {
            Thread.sleep(forTimeInterval: 0.2)
            first = try read()
            attempts += 1
        }
        #expect(Set(first.keys) == ["127.0.0.3", "127.0.0.4", "127.0.0.5"], "\(prometheus.logPath)")
        Thread.sleep(forTimeInterval: 3.5)
        let second = try read()

        #expect(second["127.0.0.3"]?.gauges.map(\.watts) == [310])
        let gpu = try #require(second["127.0.0.4"])
        #expect(gpu.gpuUtilisation == ["GPU-a": 0.6])
        #expect(gpu.gauges.map(\.watts) == [250])
        // Counter deltas over their own scrape times give the power the fakes draw.
        func watts(_ host: String, _ domain: PowerSample.Domain) throws -> Double {
            let before = try #require(first[host]?.counters.first { $0.domain == domain })
            let after = try #require(second[host]?.counters.first { $0.domain == domain })
            let elapsed = try #require(after.timestamp) - (try #require(before.timestamp))
            #expect(elapsed > 1)
            return (after.joules - before.joules) / elapsed
        }
        #expect(abs(try watts("127.0.0.5", .raplPackage) - 80) < 80 * 0.02)
        #expect(abs(try watts("127.0.0.5", .raplDram) - 8) < 8 * 0.02)
        #expect(abs(try watts("127.0.0.4", .gpu) - 250) < 250 * 0.02)
    }
}
