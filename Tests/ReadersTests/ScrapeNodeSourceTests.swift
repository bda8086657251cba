import HTTPClient
import Logging
import Model
import TestSupport
import Testing

@testable import Config
@testable import Readers

/// The scrape source over an in-memory fetcher: each target's outcome, with no socket.
@Suite struct ScrapeNodeSourceTests {
    static let node = String(decoding: try! Fixture.data("node_exporter/node_exporter-1.5.0.prom"), as: UTF8.self)
    static let openMetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8"

    private func source(_ targets: [String], fetcher: InMemoryFetcher) throws -> ScrapeNodeSource {
        var settings = Configuration.ScrapeSource()
        settings.staticTargets = [Configuration.TargetGroup(targets: targets, labels: ["user": "jane"])]
        return try ScrapeNodeSource(
            settings: settings, client: fetcher, clock: ManualClock(), logger: Logger(label: "test"))
    }

    @Test func eachTargetIsUpOrDownWithItsReason() throws {
        let fetcher = InMemoryFetcher()
        fetcher.route("http://10.0.0.1:9100/metrics", body: Self.node, contentType: "text/plain; version=0.0.4")
        // Served as OpenMetrics, the 0.0.4 text breaks rules of that format (sample names, "untyped", no # EOF):
        // the target is down for the cycle, with the line and the rule, rather than half-read.
        fetcher.route("http://10.0.0.2:9100/metrics", body: Self.node, contentType: Self.openMetrics)
        fetcher.route("http://10.0.0.3:9100/metrics", status: 500, body: "boom")
        fetcher.route("http://10.0.0.4:9100/metrics", .failure(.timeout))
        let targets = ["10.0.0.1:9100", "10.0.0.2:9100", "10.0.0.3:9100", "10.0.0.4:9100"]
        let read = try source(targets, fetcher: fetcher).read(now: 0, logger: Logger(label: "test"))

        #expect(read.readings.map(\.host) == ["10.0.0.1:9100"])
        #expect(read.readings.first?.labels["user"] == "jane")
        #expect(read.targets.map(\.host) == targets)
        #expect(read.targets.map(\.up) == [true, false, false, false])
        #expect(read.failures == 3)
        let reasons = read.targets.map { $0.error ?? "" }
        #expect(reasons[0].isEmpty)
        #expect(reasons[1].contains("line ") && reasons[1].contains("(rule "), "\(reasons[1])")
        #expect(reasons[2] == "HTTP status 500")
        #expect(reasons[3].contains("timed out"))
        #expect(read.skipped.map(\.host) == Array(targets.dropFirst()))
    }

    @Test func everyTargetIsAskedOnceACycleForOpenMetricsFirst() throws {
        let fetcher = InMemoryFetcher()
        let targets = ["127.0.0.2:9100", "127.0.0.3:9100"]
        _ = try source(targets, fetcher: fetcher).read(now: 0, logger: Logger(label: "test"))
        #expect(fetcher.requests.map(\.url) == targets.map { "http://\($0)/metrics" })
        let accept = fetcher.requests.first?.headers.first { $0.name == "Accept" }?.value ?? ""
        #expect(accept.hasPrefix("application/openmetrics-text"))
    }
}
