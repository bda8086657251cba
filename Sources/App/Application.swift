import Foundation
import HTTPClient
import Logging
import MetricsServer
import Model
import Readers
import Synchronization

/// The running exporter: the metrics server plus the collection and carbon-intensity loops.
///
/// Everything it uses arrives through the initialiser (configuration, logger, clock, HTTP fetcher), so tests
/// run the real thing with a manual clock and loopback upstreams.
public final class Application: Sendable {
    public let configuration: Configuration
    private let collector: Collector
    private let server: MetricsServer
    private let logger: Logger
    private let loops: [BackgroundLoop]

    public init(
        configuration: Configuration,
        listenAddress: ListenAddress,
        telemetryPath: String = "/metrics",
        logger: Logger,
        clock: any WallClock = SystemClock(),
        fetcher: any HTTPFetching,
        serverLimits: ServerLimits = ServerLimits()
    ) throws {
        self.configuration = configuration
        self.logger = logger
        let carbon = CarbonIntensityService(
            settings: configuration.carbonIntensity,
            region: configuration.gridRegion,
            fetcher: fetcher,
            clock: clock,
            logger: logger
        )
        let source = try Self.makeSource(configuration, fetcher: fetcher, clock: clock, logger: logger)
        let collector = Collector(configuration: configuration, source: source, carbon: carbon, clock: clock, logger: logger)
        self.collector = collector
        let routes = WebRoutes(telemetryPath: telemetryPath, collector: collector)
        server = try MetricsServer(listenAddress: listenAddress, limits: serverLimits) { request in
            routes.handle(request)
        }
        var loops = [
            BackgroundLoop(name: "collect", interval: configuration.collectInterval) { collector.collect() }
        ]
        if carbon.needsRefresh {
            // The carbon loop runs first so the first intervals already use a provider value when it answers.
            loops.insert(BackgroundLoop(name: "carbon", interval: configuration.carbonIntensity.refresh) { carbon.refresh() }, at: 0)
        }
        self.loops = loops
    }

    /// The bound port (useful with port 0).
    public var port: UInt16 { server.port }

    /// Starts the background loops; the server already listens.
    public func start() {
        logger.info(
            "footprint_exporter started",
            metadata: [
                "version": "\(BuildInfo.version)", "revision": "\(BuildInfo.revision)",
                "listen": "\(server.listenAddress)", "source": "\(configuration.source.kind.rawValue)",
                "carbon_provider": "\(configuration.carbonIntensity.provider.rawValue)",
            ]
        )
        for loop in loops { loop.start() }
    }

    /// Stops the loops (waiting for a running iteration) and the server.
    public func stop() {
        for loop in loops { loop.stop() }
        server.stop()
        logger.info("footprint_exporter stopped")
    }

    /// Runs one collection now, outside the loop (for tests and tools).
    public func collectNow() { collector.collect() }

    /// Refreshes the carbon intensity now, outside the loop (for tests and tools).
    public func refreshCarbonIntensityNow() { collector.carbon.refresh() }

    static func makeSource(
        _ configuration: Configuration, fetcher: any HTTPFetching, clock: any WallClock, logger: Logger
    ) throws -> any NodeSource {
        switch configuration.source.kind {
        case .local:
            let local = configuration.source.local
            return LocalNodeSource(reader: LocalHostReader(procRoot: local.procPath, host: local.host, labels: local.labels))
        case .prometheus:
            let prometheus = configuration.source.prometheus
            let settings = PrometheusReader.Settings(
                baseURL: prometheus.url,
                selector: prometheus.selector,
                hostLabel: prometheus.hostLabel,
                timeoutSeconds: prometheus.timeout,
                headers: try Secrets.authorizationHeaders(for: prometheus)
            )
            return PrometheusNodeSource(reader: PrometheusReader(settings: settings, fetcher: fetcher))
        case .scrape:
            // Direct scraping needs curl's multi interface, not just any fetcher.
            let client = try (fetcher as? CurlHTTPClient) ?? CurlHTTPClient(userAgent: "footprint_exporter/\(BuildInfo.version)")
            return try ScrapeNodeSource(settings: configuration.source.scrape, client: client, clock: clock, logger: logger)
        }
    }
}
